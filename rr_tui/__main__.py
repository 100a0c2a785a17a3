from rr_tui.cli import console

console()
