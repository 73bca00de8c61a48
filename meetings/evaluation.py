"""事業評価: per item ア〜ク of the 在宅医療・介護連携推進事業, what was done in a 年度 against the
planned targets (計画値, `ItemTarget`). Meetings and 課題 count under the items they carry;
consultations are オ; training events カ or キ by their item. A fixed number of queries whatever
the number of records (a few hundred meetings and events a year are counted in Python)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.models import Consultation
from coordination import dates
from coordination.models import Area, AreaStatistics, Center
from meetings.models import (
    PROGRAM_ITEMS,
    EvaluationNarrative,
    Issue,
    IssueStatus,
    IssueStatusChange,
    ItemTarget,
    Measure,
    Meeting,
    Tier,
)
from surveys.models import Survey
from surveys.models import rate as response_rate
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
# Where an item's measure has a plainer name than the Measure's own (which the targets share):
# カ counts training for professionals, キ the public's lectures and events (training.Item).
ITEM_MEASURE_LABELS = {
    ("カ", Measure.EVENTS): "研修の開催数（回）",
    ("カ", Measure.PARTICIPANTS): "研修の参加人数（人）",
    ("キ", Measure.EVENTS): "講座・講演会などの開催数（回）",
    ("キ", Measure.PARTICIPANTS): "講座・講演会などの参加人数（人）",
}


def measure_label(item, measure):
    """The name of an item's measure with its unit (回, 件, 人)."""
    return ITEM_MEASURE_LABELS.get((item, measure)) or Measure(measure).label


@dataclass
class Figure:
    measure: str
    label: str
    actual: int
    planned: int | None
    # A ward's figure without a target of its own: the city's target, shown beside for reference
    # only (a city target is never read against a ward's numbers: no 達成率 from it).
    city_planned: int | None = None

    @property
    def rate(self):
        """達成率 (%), against the figure's own target only."""
        if not self.planned:
            return None
        return round(self.actual * 100 / self.planned)


@dataclass
class ItemReport:
    item: str
    label: str
    figures: list = field(default_factory=list)


@dataclass
class Evaluation:
    """The items' figures and whose targets they are measured against."""

    items: list
    # "center", "ward" or "city": whose 計画値 the figures carry.
    targets_of: str
    ward: Area | None = None
    events: list = field(default_factory=list)  # [(event, attendance)] held in the 年度

    @property
    def ward_without_targets(self):
        """A ward's page whose 年度 has no target of the ward's own at all."""
        return self.targets_of == "ward" and all(f.planned is None for r in self.items for f in r.figures)

    @property
    def targets_label(self):
        if self.targets_of == "ward":
            return f"{self.ward.name}の計画値"
        if self.targets_of == "center":
            return "センターの計画値"
        return "市の計画値"


def _year_bounds(fiscal_year):
    start, end = dates.fiscal_year_range(fiscal_year)
    return start, end, *dates.day_bounds(start, end)


def _owned(center_ids, with_city, prefix=""):
    """Records of the centers, and the city's own (no center) when the city or a ward is shown."""
    owned = Q(**{f"{prefix}center_id__in": center_ids})
    return owned | Q(**{f"{prefix}center": None}) if with_city else owned


def actuals(fiscal_year, center_ids, with_city):
    """({item: {measure: n}}, [(event, attendance)]) over the centers in the 年度."""
    start, end, first, after = _year_bounds(fiscal_year)
    actual = {letter: {} for letter, _ in PROGRAM_ITEMS}

    def add(letters, measure, n=1):
        for letter in letters or "":
            if letter in actual:
                actual[letter][measure] = actual[letter].get(measure, 0) + n

    owned = _owned(center_ids, with_city)
    for letters in (
        Meeting.objects.filter(owned, held_on__gte=start, held_on__lte=end)
        .held()
        .values_list("items", flat=True)
    ):
        add(letters, Measure.MEETINGS)
    for letters in Issue.objects.filter(owned, raised_on__gte=start, raised_on__lte=end).values_list(
        "items", flat=True
    ):
        add(letters, Measure.ISSUES_RAISED)
    for letters in (
        IssueStatusChange.objects.filter(
            _owned(center_ids, with_city, "issue__"),
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
    # An event held jointly counts once, under its host and under each co-hosting center shown,
    # as 研修の実績 counts it (training.models.EventQuerySet.of_centers).
    events = {
        e.pk: e
        for e in Event.objects.of_centers(center_ids)
        .filter(starts_at__gte=first, starts_at__lt=after)
        .held()
        .only("pk", "item", "title", "starts_at")
        .order_by("starts_at", "pk")
    }
    attendance = dict.fromkeys(events, 0)
    for event in events.values():
        add(EVENT_ITEMS.get(event.item, ""), Measure.EVENTS)
    for event_id, _profession, n in attendance_rows(list(events)):
        add(EVENT_ITEMS.get(events[event_id].item, ""), Measure.PARTICIPANTS, n)
        attendance[event_id] += n
    return actual, [(e, attendance[pk]) for pk, e in events.items()]


def ward_center_ids(ward):
    """The centers covering the ward or an area inside it (as a ward-scoped official reads them)."""
    return set(Center.objects.filter(areas__in=ward.descendant_ids()).values_list("pk", flat=True))


def scope_name(centers, ward=None):
    """What the page covers, as its title says it: the one center by name (a ward that one center
    covers is that center, not 「全センター」), else all of the ward's or the city's with their number."""
    if len(centers) == 1:
        return centers[0].name
    whose = f"{ward.name}の" if ward else ""
    return f"{whose}全センター（{len(centers)}か所）" if centers else f"{whose}全センター"


def planned_targets(fiscal_year, center=None, ward=None):
    """{(item, measure): planned} of the center, the ward, or (neither) the city."""
    targets = ItemTarget.objects.filter(fiscal_year=fiscal_year, center=center, ward=ward)
    return {(t.item, t.measure): t.planned for t in targets}


def _reports(actual, planned, city_planned=None):
    """The items' figures against `planned`; `city_planned` (a ward's page) is shown beside a
    figure the ward set no target for."""
    city_planned = city_planned or {}
    reports = []
    for letter, label in PROGRAM_ITEMS:
        measures = list(ITEM_MEASURES[letter])
        for i, m in [*planned, *city_planned]:
            if i == letter and m not in measures:
                measures.append(m)
        figures = [
            Figure(
                m,
                measure_label(letter, m),
                actual[letter].get(m, 0),
                planned.get((letter, m)),
                city_planned.get((letter, m)) if (letter, m) not in planned else None,
            )
            for m in measures
        ]
        reports.append(ItemReport(letter, label, figures))
    return reports


def build(fiscal_year, centers, selected_center=None):
    """[ItemReport] for the 年度 over `centers` (those the user reads); the targets are the
    selected center's, or the city's when all centers are shown."""
    actual, _events = actuals(fiscal_year, [c.pk for c in centers], selected_center is None)
    return _reports(actual, planned_targets(fiscal_year, center=selected_center))


def evaluate(fiscal_year, centers, selected_center=None, ward=None):
    """The 事業評価 of the centers shown. With one center chosen: its targets. With a ward (a
    ward-scoped official, or a ward chosen): the ward's own results against the ward's targets;
    a figure the ward set no target for reads 「目標未設定」, the city's target beside it for
    reference (never the city's results in place of the ward's)."""
    actual, events = actuals(fiscal_year, [c.pk for c in centers], selected_center is None)
    if selected_center is not None:
        return Evaluation(
            _reports(actual, planned_targets(fiscal_year, center=selected_center)),
            "center",
            ward,
            events=events,
        )
    if ward is None:
        return Evaluation(_reports(actual, planned_targets(fiscal_year)), "city", events=events)
    return Evaluation(
        _reports(actual, planned_targets(fiscal_year, ward=ward), planned_targets(fiscal_year)),
        "ward",
        ward,
        events=events,
    )


# --- 取組事例（様式） (seed 000) -------------------------------------------------------------------


def population_lines(fiscal_year, area):
    """② 人口 and ③ 高齢化率 of `area` (the city or the ward) from the area statistics
    (coordination.AreaStatistics, summed from the areas below when only they have figures):
    {"population": str, "ageing": str}, empty when none are registered (the page shows 「未登録」)."""
    figures = AreaStatistics.figures_of(area, fiscal_year) if area else None
    if figures is None:
        return {}
    source = f"、{figures.source}" if figures.source else ""
    ageing = f"65歳以上 {figures.aging_rate}%（{figures.aged_65:,}人）"
    if figures.aged_75 is not None:
        ageing += f"、75歳以上 {figures.aged_75_rate}%（{figures.aged_75:,}人）"
    return {
        "population": f"{figures.population:,}人（{area.name}、{fiscal_year}年度{source}）",
        "ageing": ageing,
    }


@dataclass
class Section:
    number: str
    title: str
    text: str = ""
    data: list = field(default_factory=list)  # lines counted from the records


SECTION_FIELDS = [
    ("④", "overview"),
    ("⑤", "features"),
    ("⑥", "started"),
    ("⑦", "history"),
    ("⑧", "users"),
    ("⑨", "bodies"),
    ("⑩", "municipal_role"),
    ("⑪", "national_role"),
    ("⑫", "challenges"),
    ("⑬", "plans"),
    ("⑭", "other"),
    ("⑮", "contact"),
]


def narrative_for(fiscal_year, ward=None):
    return EvaluationNarrative.objects.filter(fiscal_year=fiscal_year, ward=ward).first()


def case_sheet(fiscal_year, centers, evaluation, city, with_city=True):
    """The 取組事例（様式）'s sections ①〜⑮: the written ones from the 年度's EvaluationNarrative (the
    city's or the ward's), each with the lines the records give (centers and their 開設日, meetings
    by tier, 課題, events and attendance, survey response rates, consultations)."""
    start, end, _first, _after = _year_bounds(fiscal_year)
    ward = evaluation.ward
    narrative = narrative_for(fiscal_year, ward)
    # A ward that wrote nothing of its own reads the city's text, labelled as such by the page.
    narrative_is_city = narrative is None and ward is not None
    if narrative_is_city:
        narrative = narrative_for(fiscal_year)
    narrative = narrative or EvaluationNarrative(fiscal_year=fiscal_year, ward=ward)
    center_ids = [c.pk for c in centers]
    population = population_lines(fiscal_year, ward or city)
    place = " ".join(n for n in [city.name if city else "", ward.name if ward else ""] if n) or "未登録"
    figures = {(r.item, f.measure): f.actual for r in evaluation.items for f in r.figures}
    tiers = dict(
        Meeting.objects.filter(_owned(center_ids, with_city), held_on__gte=start, held_on__lte=end)
        .held()
        .values_list("tier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Response rates as the survey list and the results page count them (an event's survey over
    # the event's participants).
    surveys = list(
        Survey.objects.filter(_owned(center_ids, with_city), fiscal_year=fiscal_year)
        .with_response_counts()
        .order_by("opens_at", "pk")
    )
    raised = sum(n for (item, m), n in figures.items() if m == Measure.ISSUES_RAISED and item == "イ")
    solved = sum(n for (item, m), n in figures.items() if m == Measure.ISSUES_SOLVED and item == "イ")
    participants = {item: figures.get((item, Measure.PARTICIPANTS), 0) for item in ("カ", "キ")}

    data = {
        "⑥": [
            f"{c.name}: {_day(c.opened_on)}開設" + (f"（{_day(c.closed_on)}閉所）" if c.closed_on else "")
            if c.opened_on
            else f"{c.name}: 開設日未登録"
            for c in centers
        ],
        "⑦": [
            "会議・連携: " + "、".join(f"{label} {tiers.get(value, 0)}回" for value, label in Tier.choices),
            f"課題（イ）: 提起 {raised}件、解決 {solved}件",
            *[
                f"{_day(timezone.localtime(event.starts_at).date())} {event.title}（{n}人参加）"
                for event, n in evaluation.events
            ],
            *[_survey_line(s) for s in surveys],
        ],
        "⑧": [
            f"相談: 延べ {figures.get(('オ', Measure.CONSULTATIONS), 0)}件、実人数 {figures.get(('オ', Measure.PERSONS), 0)}人",
            f"研修（カ）: {figures.get(('カ', Measure.EVENTS), 0)}回、参加 {participants['カ']}人",
            f"普及啓発（キ）: {figures.get(('キ', Measure.EVENTS), 0)}回、参加 {participants['キ']}人",
        ],
        "⑨": [f"実施: {c.name}" for c in centers],
        "⑮": [f"{c.name} {c.phone}" for c in centers if c.phone],
    }
    titles = {name: EvaluationNarrative._meta.get_field(name).verbose_name for _n, name in SECTION_FIELDS}
    sections = [
        Section("①", "市区町村名", place),
        Section("②", "人口", population.get("population", "")),
        Section("③", "高齢化率（65歳以上、75歳以上）", population.get("ageing", "")),
    ]
    for number, name in SECTION_FIELDS:
        text = getattr(narrative, name)
        if name == "started" and not text:
            opened = min((c.opened_on for c in centers if c.opened_on), default=None)
            text = (
                f"{dates.fiscal_year(opened)}年度（最初のセンターの開設 {_day(opened)} から）"
                if opened
                else ""
            )
        sections.append(Section(number, titles[name], text, data.get(number, [])))
    return sections, narrative_is_city


def _survey_line(survey):
    """A survey's line of ⑦ from SurveyQuerySet.with_response_counts (answered, asked). One not
    yet open says when it opens: an event still to come has sign-ups, not participants, and ⑧
    counts only the events held."""
    if survey.opens_at > timezone.now():
        return f"調査「{survey.title}」: 回答受付前（{_day(timezone.localtime(survey.opens_at).date())}から）"
    if survey.event_id:
        line = f"調査「{survey.title}」: 研修の参加者 {survey.asked}名・回答 {survey.answered}件"
    else:
        line = f"調査「{survey.title}」: 回答 {survey.answered}/{survey.asked}件"
    share = response_rate(survey.answered, survey.asked)
    return line + (f"（回答率 {share}%）" if share is not None else "")


def _day(day):
    return f"{day.year}年{day.month}月{day.day}日"
