"""事業報告: per item ア〜ク of the 在宅医療・介護連携推進事業, what was done in a 年度 against the
planned targets (計画値, `ItemTarget`). Meetings and 課題 count under the items they carry;
consultations are オ; training events カ or キ by their item. A fixed number of queries whatever
the number of records (a few hundred meetings and events a year are counted in Python)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.models import Consultation
from coordination import dates
from meetings.models import PROGRAM_ITEMS, Issue, IssueStatus, IssueStatusChange, ItemTarget, Measure, Meeting
from training.models import Event, Item, attendance_rows

# Which figures each item reports (besides any with a target).
ITEM_MEASURES = {
    "ア": [Measure.MEETINGS, Measure.ISSUES_RAISED],
    "イ": [Measure.MEETINGS, Measure.ISSUES_RAISED, Measure.ISSUES_SOLVED],
    "ウ": [Measure.MEETINGS, Measure.ISSUES_RAISED, Measure.ISSUES_SOLVED],
    "エ": [Measure.MEETINGS, Measure.ISSUES_RAISED],
    "オ": [Measure.CONSULTATIONS, Measure.PERSONS],
    "カ": [Measure.EVENTS, Measure.PARTICIPANTS],
    "キ": [Measure.EVENTS, Measure.PARTICIPANTS],
    "ク": [Measure.MEETINGS, Measure.ISSUES_RAISED],
}
EVENT_ITEMS = {Item.TRAINING: "カ", Item.PUBLIC: "キ"}


@dataclass
class Figure:
    measure: str
    label: str
    actual: int
    planned: int | None

    @property
    def rate(self):
        """達成率 (%), when there is a target."""
        if not self.planned:
            return None
        return round(self.actual * 100 / self.planned)


@dataclass
class ItemReport:
    item: str
    label: str
    figures: list = field(default_factory=list)


def build(fiscal_year, centers, selected_center=None):
    """[ItemReport] for the 年度 over `centers` (those the user reads); the targets are the
    selected center's, or the city's when all centers are shown."""
    start, end = dates.fiscal_year_range(fiscal_year)
    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    center_ids = [c.pk for c in centers]
    actual = {letter: {} for letter, _ in PROGRAM_ITEMS}

    def add(letters, measure, n=1):
        for letter in letters or "":
            if letter in actual:
                actual[letter][measure] = actual[letter].get(measure, 0) + n

    # The whole city's report also counts the city's own meetings and 課題 (no center).
    owned = Q(center_id__in=center_ids) | (Q(center=None) if selected_center is None else Q(pk__in=[]))
    for letters in Meeting.objects.filter(owned, held_on__gte=start, held_on__lte=end).values_list(
        "items", flat=True
    ):
        add(letters, Measure.MEETINGS)
    for letters in Issue.objects.filter(owned, raised_on__gte=start, raised_on__lte=end).values_list(
        "items", flat=True
    ):
        add(letters, Measure.ISSUES_RAISED)
    solved_owned = Q(issue__center_id__in=center_ids) | (
        Q(issue__center=None) if selected_center is None else Q(pk__in=[])
    )
    for letters in (
        IssueStatusChange.objects.filter(
            solved_owned,
            status=IssueStatus.SOLVED,
            changed_on__gte=start,
            changed_on__lte=end,
        )
        .values_list("issue_id", "issue__items")
        .distinct()
    ):
        add(letters[1], Measure.ISSUES_SOLVED)
    counts = Consultation.objects.filter(
        center_id__in=center_ids, received_at__gte=first, received_at__lt=after
    ).aggregate(n=Count("id"), persons=Count(Coalesce("first_consultation_id", "id"), distinct=True))
    actual["オ"][Measure.CONSULTATIONS] = counts["n"]
    actual["オ"][Measure.PERSONS] = counts["persons"]
    events = dict(
        Event.objects.filter(center_id__in=center_ids, starts_at__gte=first, starts_at__lt=after)
        .held()
        .values_list("pk", "item")
    )
    for item in events.values():
        add(EVENT_ITEMS.get(item, ""), Measure.EVENTS)
    for event_id, _profession, n in attendance_rows(list(events)):
        add(EVENT_ITEMS.get(events[event_id], ""), Measure.PARTICIPANTS, n)

    targets = ItemTarget.objects.filter(fiscal_year=fiscal_year, center=selected_center)
    planned = {(t.item, t.measure): t.planned for t in targets}
    labels = dict(Measure.choices)
    reports = []
    for letter, label in PROGRAM_ITEMS:
        measures = list(ITEM_MEASURES[letter])
        measures += [m for (i, m) in planned if i == letter and m not in measures]
        figures = [Figure(m, labels[m], actual[letter].get(m, 0), planned.get((letter, m))) for m in measures]
        reports.append(ItemReport(letter, label, figures))
    return reports
