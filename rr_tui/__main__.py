from rr_tui.cli.main import console

console()
