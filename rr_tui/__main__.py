from rr_tui.cli import main

raise SystemExit(main())
