"""England and Wales bank holidays, 2018 to 2028, typed by hand.

An independent oracle for the working-day tests: these dates were written out
from GOV.UK's published list (https://www.gov.uk/bank-holidays) and, for 2027
and 2028, from the standing rules (New Year's Day, Good Friday, Easter Monday,
first Monday in May, last Monday in May, last Monday in August, Christmas Day,
Boxing Day, with a substitute weekday when one falls at a weekend). Nothing
here comes from the ``holidays`` package.
"""

from __future__ import annotations

from datetime import date

FIRST_YEAR = 2018
LAST_YEAR = 2028

BANK_HOLIDAYS: dict[date, str] = {
    # 2018
    date(2018, 1, 1): "New Year's Day",
    date(2018, 3, 30): "Good Friday",
    date(2018, 4, 2): "Easter Monday",
    date(2018, 5, 7): "Early May bank holiday",
    date(2018, 5, 28): "Spring bank holiday",
    date(2018, 8, 27): "Summer bank holiday",
    date(2018, 12, 25): "Christmas Day",
    date(2018, 12, 26): "Boxing Day",
    # 2019
    date(2019, 1, 1): "New Year's Day",
    date(2019, 4, 19): "Good Friday",
    date(2019, 4, 22): "Easter Monday",
    date(2019, 5, 6): "Early May bank holiday",
    date(2019, 5, 27): "Spring bank holiday",
    date(2019, 8, 26): "Summer bank holiday",
    date(2019, 12, 25): "Christmas Day",
    date(2019, 12, 26): "Boxing Day",
    # 2020
    date(2020, 1, 1): "New Year's Day",
    date(2020, 4, 10): "Good Friday",
    date(2020, 4, 13): "Easter Monday",
    date(2020, 5, 8): "Early May bank holiday (VE day), moved from Monday 4 May",
    date(2020, 5, 25): "Spring bank holiday",
    date(2020, 8, 31): "Summer bank holiday",
    date(2020, 12, 25): "Christmas Day",
    date(2020, 12, 28): "Boxing Day (substitute day)",
    # 2021
    date(2021, 1, 1): "New Year's Day",
    date(2021, 4, 2): "Good Friday",
    date(2021, 4, 5): "Easter Monday",
    date(2021, 5, 3): "Early May bank holiday",
    date(2021, 5, 31): "Spring bank holiday",
    date(2021, 8, 30): "Summer bank holiday",
    date(2021, 12, 27): "Christmas Day (substitute day)",
    date(2021, 12, 28): "Boxing Day (substitute day)",
    # 2022
    date(2022, 1, 3): "New Year's Day (substitute day)",
    date(2022, 4, 15): "Good Friday",
    date(2022, 4, 18): "Easter Monday",
    date(2022, 5, 2): "Early May bank holiday",
    date(2022, 6, 2): "Spring bank holiday (moved from Monday 30 May)",
    date(2022, 6, 3): "Platinum Jubilee bank holiday",
    date(2022, 8, 29): "Summer bank holiday",
    date(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
    date(2022, 12, 26): "Boxing Day",
    date(2022, 12, 27): "Christmas Day (substitute day)",
    # 2023
    date(2023, 1, 2): "New Year's Day (substitute day)",
    date(2023, 4, 7): "Good Friday",
    date(2023, 4, 10): "Easter Monday",
    date(2023, 5, 1): "Early May bank holiday",
    date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
    date(2023, 5, 29): "Spring bank holiday",
    date(2023, 8, 28): "Summer bank holiday",
    date(2023, 12, 25): "Christmas Day",
    date(2023, 12, 26): "Boxing Day",
    # 2024
    date(2024, 1, 1): "New Year's Day",
    date(2024, 3, 29): "Good Friday",
    date(2024, 4, 1): "Easter Monday",
    date(2024, 5, 6): "Early May bank holiday",
    date(2024, 5, 27): "Spring bank holiday",
    date(2024, 8, 26): "Summer bank holiday",
    date(2024, 12, 25): "Christmas Day",
    date(2024, 12, 26): "Boxing Day",
    # 2025
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May bank holiday",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    # 2026
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May bank holiday",
    date(2026, 5, 25): "Spring bank holiday",
    date(2026, 8, 31): "Summer bank holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
    # 2027 (standing rules)
    date(2027, 1, 1): "New Year's Day",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 3): "Early May bank holiday",
    date(2027, 5, 31): "Spring bank holiday",
    date(2027, 8, 30): "Summer bank holiday",
    date(2027, 12, 27): "Christmas Day (substitute day)",
    date(2027, 12, 28): "Boxing Day (substitute day)",
    # 2028 (standing rules)
    date(2028, 1, 3): "New Year's Day (substitute day)",
    date(2028, 4, 14): "Good Friday",
    date(2028, 4, 17): "Easter Monday",
    date(2028, 5, 1): "Early May bank holiday",
    date(2028, 5, 29): "Spring bank holiday",
    date(2028, 8, 28): "Summer bank holiday",
    date(2028, 12, 25): "Christmas Day",
    date(2028, 12, 26): "Boxing Day",
}

BANK_HOLIDAY_DATES: frozenset[date] = frozenset(BANK_HOLIDAYS)
