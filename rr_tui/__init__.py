"""rr-tui: Child Safeguarding Practice Review rapid reviews against their deadlines."""

__version__ = "0.1.0"
