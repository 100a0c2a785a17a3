"""The rules engine: the statutory schedule as data (``profile``), where each case stands
(``schedule``), today's date in England (``clock``), the local review's lifecycle, the
bank-holiday cache, and the triage order (``triage``). Pure: no Textual, no database.
Working-day arithmetic stays in ``rr_tui.deadlines``.
"""
