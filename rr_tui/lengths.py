"""How long each text a user types may be, in characters: said once, here.

The database columns (``rr_tui.models``), the checks (``rr_tui.validation``,
which the store, the CLI and import run), and the form fields (their input's
``max_length`` and their inline error) all read these numbers, so they cannot
disagree. The Alembic revisions keep the numbers they were written with: a
change here that shortens a column needs a revision of its own.
"""

from __future__ import annotations

from typing import Final

MAX_TEXT: Final = 100_000  # a multi-line field: a long note, not a novel
MAX_LINE: Final = 200  # a one-line field with no length of its own

REFERENCE: Final = 40  # the case's reference
SIN_REFERENCE: Final = 40
AUTHORITY: Final = 120  # the incident's and the child's home local authority
CASE_OWNER: Final = 80  # the coordinator who owns the case
CHILD_INITIALS: Final = 40  # initials or pseudonym, never a name
AGENCY: Final = 120  # an agency's name
ACTION: Final = 500  # what an action is
ACTION_OWNER: Final = 120  # who does it: an agency or a role
SIGNATORY: Final = 120  # a sign-off's name, role and organisation, each
RECOMMENDATION: Final = 4000
STEP_ID: Final = 40  # a step of the profile (its id, never typed by a user)
TIMESCALE_DIGITS: Final = 2  # an agency's timescale in working days (0 to 60)
