"""What the records add up to: ``rr-tui status``, the chase list, the daily digest and the
yearly report's figures (timeliness, what became of the actions). Pure.
"""
