"""One case: key facts, the timeline of steps against deadlines, agencies, meeting, Panel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from rr_tui.dates import moment_text, uk, uk_short
from rr_tui.errors import RRError
from rr_tui.records import (
    AGE_BANDS,
    CHILD_STATUSES,
    EARLIER_AGE_BANDS,
    ETHNICITIES,
    INCIDENT_TYPES,
    PANEL_OUTCOMES,
    PARTNERS,
    RECONSIDERATION_OUTCOMES,
    SEXES,
    CaseRecord,
    HistoryEntry,
    missing_partners,
)
from rr_tui.rules.lifecycle import action_id, describe_length
from rr_tui.rules.profile import Profile, decision_label
from rr_tui.rules.schedule import (
    PROVISIONAL_MARK,
    RAG_GLYPHS,
    RAG_WORDS,
    RECONSIDER_OUTCOMES,
    STATE_GLYPHS,
    CaseSchedule,
    agency_due,
    clock_bar,
    compute,
    provisional_note,
)
from rr_tui.sanitize import clean_text, for_display
from rr_tui.screens.base import RRScreen
from rr_tui.screens.form import on_saved
from rr_tui.widgets.footer import KeyBar
from rr_tui.widgets.palette import state_styles
from rr_tui.widgets.plain import plain_row
from rr_tui.widgets.progress import progress_bar

if TYPE_CHECKING:
    from rr_tui.store import Store


@dataclass(frozen=True)
class CaseData:
    record: CaseRecord
    history: list[HistoryEntry]
    token: int


def state_text(state: str, st: dict[str, str]) -> Text:
    return Text(f"{STATE_GLYPHS[state]} {state}", style=st[state])


def slack_text(slack: int | None) -> str:
    if slack is None:
        return ""
    if slack < 0:
        return f"{-slack} WD late" if slack < -1 else "1 WD late"
    return f"{slack} WD"


def _facts(
    record: CaseRecord, schedule: CaseSchedule, profile: Profile, st: dict[str, str]
) -> Table:
    f = record.fields
    rag = schedule.rag
    authority = for_display(f.lead_authority) or "—"
    if f.home_authority and f.home_authority != f.lead_authority:
        authority += f" (home: {for_display(f.home_authority)})"
    incident = INCIDENT_TYPES.get(f.incident_type, "—")
    if f.incident_date:
        incident += f", {uk_short(f.incident_date)}"
    pairs = [
        ("State", Text(f"{RAG_GLYPHS[rag]} {RAG_WORDS[rag]}", style=st[rag])),
        ("Stage", Text(schedule.stage)),
        ("Notified", Text(KIND_SHORT.get(f.kind, f.kind))),
        ("Children", Text(for_display(record.child_label) or "none recorded")),
        ("Incident", Text(incident)),
        ("SIN ref", Text(for_display(f.sin_reference) or "—")),
        ("Owner", Text(for_display(f.owner) or "—")),
        (
            "Decision",
            Text(decision_label(record.decision, record.national_referral, "not yet", short=True)),
        ),
        ("Authority", Text(authority)),
        ("Publication", Text(uk(f.publication_planned, "—"))),
    ]
    # Two label/value pairs a line, so the timeline starts high on an 80x24 screen.
    table = Table.grid(padding=(0, 1), expand=True)
    for _ in range(2):
        table.add_column(style="dim", no_wrap=True)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for i in range(0, len(pairs), 2):
        (a, av), (b, bv) = pairs[i], pairs[i + 1]
        plain_row(table, a, av, b, bv)
    plain_row(table, "Profile", Text(profile.name, overflow="ellipsis"), "", "")
    return table


# The notification's kind, in a few words for the facts table.
KIND_SHORT = {
    "rapid_review": "rapid review",
    "lac_death": "LAC death (notification only)",
    "care_leaver_death": "care leaver death (notification only)",
}


def _children(record: CaseRecord) -> RenderableType:
    if not record.children:
        return Text("No children recorded. Press c to add the first.", style="dim")
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    for name in ("#", "Child", "Age", "Sex", "Ethnicity", "Status"):
        table.add_column(name, no_wrap=name not in ("Ethnicity", "Status"))
    bands = {**AGE_BANDS, **EARLIER_AGE_BANDS}
    for child in record.children:
        c = child.fields
        disabled = {"yes": "disabled", "no": "", "unknown": "disability unknown"}
        status = [CHILD_STATUSES[s] for s in c.statuses]
        if disabled.get(c.disability):
            status.append(disabled[c.disability])
        table.add_row(
            str(child.position),
            Text(for_display(c.initials) or "—"),
            bands.get(c.age_band, "—"),
            SEXES.get(c.sex, "—"),
            ETHNICITIES.get(c.ethnicity, "—"),
            ", ".join(status) or "—",
        )
    return table


def _outcome_notes(record: CaseRecord) -> dict[str, str]:
    """What the timeline says under the Panel's response and the partnership's answer."""
    panel = record.panel
    if panel is None:
        return {}
    notes = {"panel_response": PANEL_OUTCOMES.get(panel.outcome, "")}
    notes["reconsideration"] = RECONSIDERATION_OUTCOMES.get(panel.reconsideration_outcome, "")
    return {k: v for k, v in notes.items() if v}


def _steps(
    schedule: CaseSchedule,
    st: dict[str, str],
    short: Profile | None,
    outcomes: dict[str, str] | None = None,
) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Step", ratio=2)
    table.add_column("Due", no_wrap=True)
    table.add_column("Done", no_wrap=True)
    table.add_column("Slack", justify="right", no_wrap=True)
    notes: list[str] = []
    for step in schedule.steps:
        label = Text(short.short_label(step.id) if short else step.label)
        if step.note:
            label.append(f"\n{step.note}", style=st["paused"] if step.state == "paused" else "dim")
        if outcomes and step.done is not None and step.id in outcomes:
            label.append(f"\n{outcomes[step.id]}", style="dim")
        due = uk(step.due, "")
        if step.due is not None and step.provisional:
            due += PROVISIONAL_MARK
            note = provisional_note(step)
            if note not in notes:
                notes.append(note)
        if step.due is not None and step.local and step.done is None:
            due += "*"
        plain_row(
            table,
            state_text(step.state, st),
            label,
            due,
            uk(step.done, ""),
            slack_text(step.slack),
        )
    hint = [f"{PROVISIONAL_MARK} {note}" for note in notes]
    if any(s.due is not None and s.local and s.done is None for s in schedule.steps):
        hint.append("* local target (the partnership's own, not Panel guidance)")
    if hint:
        table.caption = "   ".join(hint)
        table.caption_justify = "left"
        table.caption_style = "dim"
    return table


def _agencies(
    record: CaseRecord, profile: Profile, today: date, st: dict[str, str], narrow: bool
) -> RenderableType:
    # Below 100 columns, three full dates would squeeze the agency names away.
    fmt = uk_short if narrow else uk
    if not record.agencies:
        return Text("No agencies yet. Press a to add one and its scoping request.", style="dim")
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    for name in ("Agency", "Requested", "Due", "Received", "Secured", "State"):
        table.add_column(name, no_wrap=name != "Agency")
    for agency in record.agencies:
        due = agency_due(agency.facts(), profile)
        if agency.received_on:
            late = due is not None and agency.received_on > due
            state = Text("✓! late" if late else "✓ in", style=st["late"] if late else st["done"])
            if agency.nil_return:
                state.append(" (nil)")
        elif due is None:
            state = Text("· not asked", style="dim")
        elif today > due:
            state = Text("✗ overdue", style=st["overdue"])
        else:
            state = Text("○ due")
        chased = f" · chased {len(agency.chasers)}×" if agency.chasers else ""
        plain_row(
            table,
            Text(for_display(agency.name) + chased),
            fmt(agency.request_sent, ""),
            fmt(due, ""),
            fmt(agency.received_on, ""),
            "yes" if agency.records_secured else "no",
            state,
        )
    return table


def _block(label: str, value: str) -> Text:
    text = Text()
    text.append(f"{label}: ", style="dim")
    text.append(clean_text(value) if value.strip() else "—")
    return text


def _meeting(record: CaseRecord) -> RenderableType:
    meeting = record.meeting
    held = record.done.get("rr_meeting")
    if meeting is None and held is None:
        return Text("Not held yet. Press m to record it.", style="dim")
    parts: list[RenderableType] = [Text(f"Held: {uk(held, 'date not recorded')}")]
    if meeting is not None:
        parts += [
            _block("Decision", decision_label(meeting.decision, meeting.national_referral)),
            _block("Rationale", meeting.rationale),
            _block("Attendees", meeting.attendees),
            _block("Facts", meeting.facts_summary),
            _block("Learning", meeting.learning),
        ]
        if meeting.actions:
            actions = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
            for name in ("Immediate action", "Owner", "Due", "Done"):
                actions.add_column(name, no_wrap=name in ("Due", "Done"))
            for a in meeting.actions:
                plain_row(
                    actions,
                    Text(for_display(a.action)),
                    Text(for_display(a.owner)),
                    uk(a.due_on, ""),
                    uk(a.done_on, ""),
                )
            parts.append(actions)
    return Group(*parts)


def _panel(record: CaseRecord) -> RenderableType:
    panel = record.panel
    notified, response = record.done.get("panel_notified"), record.done.get("panel_response")
    if panel is None and notified is None and response is None:
        return Group(
            Text("RR not sent to Panel yet. Press p to record it.", style="dim"),
            _signoffs(record),
        )
    parts: list[RenderableType] = [Text(f"RR sent to Panel: {uk(notified, 'not yet')}")]
    if panel is not None:
        parts.append(_block("Notification notes", panel.notification_notes))
    parts.append(Text(f"Response: {uk(response, 'awaited')}"))
    if panel is not None:
        parts.append(_block("Outcome", PANEL_OUTCOMES.get(panel.outcome, "")))
        parts.append(_block("Response notes", panel.response_notes))
        answered = record.done.get("reconsideration")
        if panel.outcome in RECONSIDER_OUTCOMES or answered or panel.reconsideration_outcome:
            parts.append(Text(f"Reconsideration: answer sent {uk(answered, 'not yet')}"))
            parts.append(
                _block("Outcome", RECONSIDERATION_OUTCOMES.get(panel.reconsideration_outcome, ""))
            )
            parts.append(_block("Reconsideration notes", panel.reconsideration_notes))
    return Group(*parts, _signoffs(record))


def _signoffs(record: CaseRecord) -> Text:
    """Who has signed the rapid review off; the pack is a draft until all three have."""
    missing = missing_partners(record.signoffs)
    if not missing:
        return Text("Sign-off: ✓ all three partners (s to change)")
    signed = [PARTNERS[s.partner] for s in record.signoffs if s.partner in PARTNERS]
    text = Text("Sign-off: ")
    if signed:
        text.append("✓ " + ", ".join(signed) + "; ")
    text.append("awaited from " + ", ".join(missing) + " (s to record)")
    return text


def _actions(record: CaseRecord, schedule: CaseSchedule, st: dict[str, str]) -> RenderableType:
    """Immediate safeguarding actions and recommendations' actions, to completion."""
    if not record.actions and not record.recommendations:
        return Text("No actions yet. Press i to add one, R for a recommendation.", style="dim")
    states = {s.id: s for s in schedule.actions}
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    for name in ("No.", "Action", "Owner", "Due", "Done", "State"):
        table.add_column(name, no_wrap=name not in ("Action", "Owner"))
    for a in record.actions:
        status = states.get(action_id(a.number))
        state = status.state if status else "waiting"
        text = Text(for_display(a.text))
        if a.recommendation is not None:
            text.append(f" (rec. {a.recommendation})", style="dim")
        if a.evidence:
            text.append(f"\nevidence: {for_display(a.evidence)}", style="dim")
        table.add_row(
            str(a.number),
            text,
            Text(for_display(a.owner)),
            uk_short(a.due_on, ""),
            uk_short(a.done_on, ""),
            state_text(state, st),
        )
    parts: list[RenderableType] = [table]
    for r in record.recommendations:
        made = f" (made {uk(r.made_on)})" if r.made_on else ""
        parts.append(Text(f"Recommendation {r.number}{made}: {for_display(r.text)}"))
    return Group(*parts)


def _local_review(record: CaseRecord, schedule: CaseSchedule, today: date) -> RenderableType:
    """The local review's initiation, pauses and progress checks."""
    steps = {s.id: s for s in schedule.steps}
    initiated = steps.get("lcspr_initiated")
    if initiated is None:
        return Text("No local review decided.", style="dim")
    recorded = "lcspr_initiated" in record.done
    parts: list[RenderableType] = [
        Text(
            f"Initiated: {uk(initiated.done, 'not yet')}"
            + ("" if recorded or initiated.done is None else " (the meeting date)")
            + f" · Panel agreed: {uk(record.done.get('lcspr_panel_agreed'), 'not recorded')}"
        )
    ]
    published = steps.get("published")
    if published is not None:
        parts.append(
            Text(
                f"Publication: {uk(published.done)}"
                if published.done
                else f"Publication due {uk(published.due, '—')}"
            )
        )
    for pause in record.pauses:
        until = pause.ended_on or today
        line = Text(f"Paused: {pause.reason_label} since {uk(pause.started_on)}")
        line.append(f", ended {uk(pause.ended_on)}" if pause.ended_on else ", still paused")
        line.append(f" · {describe_length(pause.started_on, until)}")
        if pause.detail:
            line.append(f" · {for_display(pause.detail)}", style="dim")
        parts.append(line)
    check = steps.get("progress_check")
    if record.progress_checks:
        last = record.progress_checks[-1]
        line = Text(f"Progress checks: {len(record.progress_checks)}, last {uk(last.checked_on)}")
        if last.note:
            line.append(f": {for_display(last.note)}", style="dim")
        parts.append(line)
    if check is not None and check.due is not None:
        parts.append(Text(f"Next progress check due {uk(check.due)}"))
    return Group(*parts)


def _history(entries: list[HistoryEntry]) -> RenderableType:
    if not entries:
        return Text("No changes recorded.", style="dim")
    table = Table(box=None, padding=(0, 1), header_style="bold", expand=True)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    for entry in entries[-15:]:
        plain_row(
            table,
            moment_text(entry.at),
            for_display(entry.actor),
            f"{entry.table_name.replace('_', ' ')}: {entry.summary}",
        )
    return table


class CaseScreen(RRScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="case.back", tooltip="Back to the case list"),
        Binding(
            "e",
            "edit",
            "Edit",
            id="case.edit",
            tooltip="Edit the case's details and its notification (and close it)",
        ),
        Binding(
            "c",
            "children",
            "Children",
            id="case.children",
            tooltip="Add, edit or remove a child on the notification",
        ),
        Binding(
            "a",
            "add_agency",
            "Agency",
            id="case.agency",
            tooltip="Add an agency and its scoping request",
        ),
        Binding(
            "r",
            "record_return",
            "Return",
            id="case.return",
            tooltip="Record an agency's scoping return",
        ),
        Binding(
            "m",
            "meeting",
            "Meeting",
            id="case.meeting",
            tooltip="Record the Rapid Review meeting and its decision",
        ),
        Binding(
            "p",
            "panel",
            "Panel",
            id="case.panel",
            tooltip="Record the Panel notification or response",
        ),
        Binding(
            "t",
            "step",
            "Step",
            id="case.step",
            tooltip="Record the date of any step (full-review steps too)",
        ),
        Binding(
            "w",
            "pack",
            "Pack",
            id="case.pack",
            show=False,
            tooltip="Write the rapid review pack for the Panel (PDF, Word or Markdown)",
        ),
        Binding(
            "s",
            "signoff",
            "Sign-off",
            id="case.signoff",
            show=False,
            tooltip="Record the safeguarding partners' sign-off of the rapid review",
        ),
        Binding(
            "M",
            "meeting_mode",
            "Share",
            id="case.share",
            show=False,
            tooltip="Meeting mode: a large view of this case to share",
        ),
        Binding(
            "i",
            "add_action",
            "Action",
            id="case.action",
            show=False,
            tooltip="Add an immediate safeguarding action (or a recommendation's action)",
        ),
        Binding(
            "I",
            "edit_action",
            "Edit action",
            id="case.edit_action",
            show=False,
            tooltip="Change an action's text, owner or due date",
        ),
        Binding(
            "d",
            "action_done",
            "Done",
            id="case.action_done",
            show=False,
            tooltip="Record an action as done, with its evidence",
        ),
        Binding(
            "l",
            "local_review",
            "Local review",
            id="case.local_review",
            show=False,
            tooltip="Record the LCSPR's initiation and the Panel's agreement",
        ),
        Binding(
            "k",
            "progress_check",
            "Check",
            id="case.progress_check",
            show=False,
            tooltip="Record a progress check of the local review (regulation 14)",
        ),
        Binding(
            "z",
            "pause",
            "Pause",
            id="case.pause",
            show=False,
            tooltip="Pause the local review for parallel proceedings, or end the pause",
        ),
        Binding(
            "R",
            "recommendation",
            "Recommendation",
            id="case.recommendation",
            show=False,
            tooltip="Add a recommendation of the review and its actions",
        ),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.data: CaseData | None = None
        self._after_load: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Loading…", id="case-title", markup=False)
        with VerticalScroll(id="case-body"):
            titles = {
                "facts": "",
                "steps": "Timeline",
                "bar": "Rapid review clock",
                "actions": "Actions",
                "children": "Children",
                "agencies": "Agencies",
                "meeting": "Rapid Review meeting",
                "panel": "National Panel",
                "review": "Local review",
                "history": "History",
            }
            for name in titles:
                if titles[name]:
                    yield Static(titles[name], classes="section-title", markup=False)
                yield Static("", id=f"case-{name}", markup=False)
        yield KeyBar(compact=True)

    def on_resize(self) -> None:
        if self.data is not None:
            self._show(self.data)

    def on_mount(self) -> None:
        self.query_one("#case-body").focus()
        self.set_interval(3.0, self._poll)
        self.load()

    def load(self) -> None:
        case_id = self.case_id

        def job(store: Store) -> CaseData:
            token = store.change_token()
            return CaseData(store.get_case(case_id), store.history(case_id), token)

        self.rr.run_db(job, self._show, self._failed, group=f"case-{case_id}", exclusive=True)

    def _failed(self, exc: RRError) -> None:
        """The case cannot be shown (deleted, or the database failed): say so, go back."""
        self.notify(exc.message, title="Cannot show the case", severity="error", timeout=10)
        if self.data is None and self.app.screen is self:
            self.app.pop_screen()

    def _poll(self) -> None:
        if self.data is None or self.app.screen is not self:
            return

        def compare(token: int) -> None:
            if self.data is not None and token != self.data.token:
                self.load()

        self.rr.run_db(
            lambda s: s.change_token(), compare, lambda _e: None, group="poll", exclusive=True
        )

    def _until_loaded(self, action: Callable[[], None]) -> bool:
        """A key pressed before the case is shown: run its action once it is (never lose it)."""
        if self.data is not None:
            return False
        if self._after_load is None:
            self._after_load = action
        return True

    @property
    def holds_keys(self) -> bool:
        """Keys after one waiting for the case wait too, so they reach what it opens."""
        return self._after_load is not None

    def _show(self, data: CaseData) -> None:
        first = self.data is None
        self.data = data
        if first and self._after_load is not None:
            action = self._after_load

            def run() -> None:
                # Held until the action has run (and pushed its form): see holds_keys.
                self._after_load = None
                action()

            self.call_after_refresh(run)
        record, profile, today = data.record, self.rr.profile, self.rr.today
        schedule = compute(record.facts(), profile, today)
        rag = schedule.rag
        st = state_styles(self.app)
        title = Text()
        title.append(for_display(record.reference), style="bold")
        title.append(f"  {RAG_GLYPHS[rag]} {RAG_WORDS[rag]}", style=st[rag])
        nxt, awaited = schedule.next_step, schedule.awaited
        if nxt is not None:
            title.append(
                f"  next: {profile.short_label(nxt.id)}, due {uk_short(nxt.due)}"
                f" ({slack_text(nxt.slack)})"
            )
        elif awaited is not None:
            title.append(f"  awaiting: {awaited.label} (no due date)")
        self.query_one("#case-title", Static).update(title)
        # Below 100 columns the long step names would wrap: use the short ones.
        short = profile if self.size.width < 100 else None
        self.query_one("#case-facts", Static).update(_facts(record, schedule, profile, st))
        self.query_one("#case-bar", Static).update(
            progress_bar(clock_bar(schedule, profile, today), profile, st)
        )
        self.query_one("#case-steps", Static).update(
            _steps(schedule, st, short, _outcome_notes(record))
        )
        self.query_one("#case-children", Static).update(_children(record))
        self.query_one("#case-agencies", Static).update(
            _agencies(record, profile, today, st, narrow=short is not None)
        )
        self.query_one("#case-meeting", Static).update(_meeting(record))
        self.query_one("#case-panel", Static).update(_panel(record))
        self.query_one("#case-actions", Static).update(_actions(record, schedule, st))
        self.query_one("#case-review", Static).update(_local_review(record, schedule, today))
        self.query_one("#case-history", Static).update(_history(data.history))

    # -- actions -----------------------------------------------------------------

    def _open_form(self, form: ModalScreen[int | None], what: str) -> None:
        self.app.push_screen(form, on_saved(self, self.load, what))

    def _form(
        self,
        key: Callable[[], None],
        make: Callable[[CaseRecord], ModalScreen[int | None]],
        what: str,
        refusal: Callable[[CaseRecord], str] | None = None,
    ) -> None:
        """Open a form on the case once it is shown (``key``, pressed before, waits for
        it), unless ``refusal`` says why not: then say that instead."""
        if self._until_loaded(key) or self.data is None:
            return
        why = refusal(self.data.record) if refusal is not None else ""
        if why:
            self.notify(why, severity="warning")
            return
        self._open_form(make(self.data.record), what)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        from rr_tui.screens.case_form import CaseForm

        self._form(self.action_edit, CaseForm, "Case")

    def action_children(self) -> None:
        from rr_tui.screens.child_form import ChildForm

        self._form(self.action_children, ChildForm, "Child")

    def action_add_agency(self) -> None:
        from rr_tui.screens.agency_forms import AgencyForm

        self._form(self.action_add_agency, AgencyForm, "Agency")

    def action_record_return(self) -> None:
        from rr_tui.screens.agency_forms import ReturnForm

        self._form(self.action_record_return, ReturnForm, "Agency return", _no_agency)

    def action_meeting(self) -> None:
        from rr_tui.screens.meeting_form import MeetingForm

        self._form(self.action_meeting, MeetingForm, "Meeting")

    def action_panel(self) -> None:
        from rr_tui.screens.panel_form import PanelForm

        self._form(self.action_panel, PanelForm, "Panel record")

    def action_step(self) -> None:
        from rr_tui.screens.step_form import StepForm

        self._form(self.action_step, StepForm, "Step date")

    def action_pack(self) -> None:
        from rr_tui.screens.pack_form import PackForm

        if self._until_loaded(self.action_pack):
            return
        if not self.data:
            return
        form = PackForm(self.data.record)
        saved = on_saved(self, self.load, "Rapid review pack")

        def done(result: int | None) -> None:
            saved(result)
            if result is not None and form.warnings_shown:
                from rr_tui.screens.confirm import NoticeScreen

                self.app.push_screen(
                    NoticeScreen("The pack was written, with warnings", list(form.warnings_shown))
                )

        self.app.push_screen(form, done)

    def action_signoff(self) -> None:
        from rr_tui.screens.signoff_form import SignOffForm

        self._form(self.action_signoff, SignOffForm, "Sign-off")

    def action_add_action(self) -> None:
        from rr_tui.screens.lifecycle_forms import ActionForm

        self._form(self.action_add_action, ActionForm, "Action")

    def action_edit_action(self) -> None:
        from rr_tui.screens.lifecycle_forms import ActionForm

        def editing(record: CaseRecord) -> ActionForm:
            return ActionForm(record, editing=True)

        self._form(self.action_edit_action, editing, "Action", _no_action)

    def action_action_done(self) -> None:
        from rr_tui.screens.lifecycle_forms import ActionDoneForm

        self._form(self.action_action_done, ActionDoneForm, "Action", _no_open_action)

    def _no_local_review(self, record: CaseRecord) -> str:
        if record.decision in self.rr.profile.full_review_decisions:
            return ""
        return "No local review was decided: record the meeting's decision first (m)."

    def action_local_review(self) -> None:
        from rr_tui.screens.lifecycle_forms import LocalReviewForm

        self._form(self.action_local_review, LocalReviewForm, "Local review", self._no_local_review)

    def action_progress_check(self) -> None:
        from rr_tui.screens.lifecycle_forms import ProgressCheckForm

        self._form(
            self.action_progress_check, ProgressCheckForm, "Progress check", self._no_local_review
        )

    def action_pause(self) -> None:
        from rr_tui.screens.lifecycle_forms import PauseForm

        self._form(self.action_pause, PauseForm, "Pause", self._no_local_review)

    def action_recommendation(self) -> None:
        from rr_tui.screens.lifecycle_forms import RecommendationForm

        self._form(self.action_recommendation, RecommendationForm, "Recommendation")

    def action_meeting_mode(self) -> None:
        from rr_tui.screens.meeting_mode import MeetingModeScreen

        self.app.push_screen(MeetingModeScreen(self.case_id))

    # Keys the scrolling view handles itself; the rest come from BINDINGS.
    help_notes = (("↑ ↓ PgUp PgDn", "scroll"),)


# Why a form cannot open on this case yet (blank: it can).


def _no_agency(record: CaseRecord) -> str:
    return "" if record.agencies else "Add an agency first (a)."


def _no_action(record: CaseRecord) -> str:
    return "" if record.actions else "No action yet: add one first (i)."


def _no_open_action(record: CaseRecord) -> str:
    if any(a.done_on is None for a in record.actions):
        return ""
    return "No open action: add one first (i)."
