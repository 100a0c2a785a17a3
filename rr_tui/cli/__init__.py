"""The command line: ``rr-tui [--db ...] [--today ...] [COMMAND]`` (``main``), with the
actions' commands (``actions``) and the commands that write documents (``reports``).
"""
