"""Files in and out: the spreadsheet summary (CSV, Excel), the calendar export, and the
checks every file a user gives or gets goes through (``safe_files``).
"""
