"""The 月報 / 年度累計 tallies, as the 大阪市 report lays them out: per center, the total, and the
minimum and maximum across centers. Every number comes from database aggregation over the daily
tallies (consultations/tallies.py); the number of queries does not depend on how many
consultations there are, and the rows read grow with the days, not the consultations."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from consultations import tallies
from consultations.models import (
    ConsultantType,
    Consultation,
    Coordination,
    DailyTally,
    Method,
    MonthClosing,
    PastMonthlyTotal,
    Topic,
)
from coordination import dates


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    fiscal_year: int
    month: tuple | None = None  # (year, month) for a monthly report

    @property
    def bounds(self):
        """Aware datetimes [start, end) in Asia/Tokyo, so the index on received_at is used."""
        return dates.day_bounds(self.start, self.end)

    def fiscal_to_date(self):
        """April of the fiscal year up to the end of this period (年度累計)."""
        start, _ = dates.fiscal_year_range(self.fiscal_year)
        return Period(start, self.end, f"{self.fiscal_year}年度累計", self.fiscal_year)

    @property
    def fiscal_year_label(self):
        """令和8年度（2026年度）: the 年度 as the report's headings name it."""
        return dates.fiscal_year_label(self.fiscal_year)

    @property
    def span_words(self):
        """The period as a note names it: この月, この年度, or 2026年4月〜8月 (a 年度累計)."""
        if self.month:
            return "この月"
        if (self.start, self.end) == dates.fiscal_year_range(self.fiscal_year):
            return "この年度"
        end = (
            f"{self.end.month}月"
            if self.end.year == self.start.year
            else f"{self.end.year}年{self.end.month}月"
        )
        return f"{self.start.year}年{self.start.month}月〜{end}"

    @property
    def query(self):
        if self.month:
            return f"year={self.month[0]}&month={self.month[1]}"
        return f"fiscal_year={self.fiscal_year}"

    def compared_span(self, today):
        """The months a fiscal-year report compares with the previous 年度 (前年度同期): April up
        to the last month that has ended (April–November read in December), the whole year once
        it has ended; the same months in both years, so that neither side has a month the other
        has only part of. None for a 月報, a 年度 not yet begun, or April (no month has ended)."""
        if self.month or self.start > today:
            return None
        if today > self.end:
            return ComparedSpan(self.start, self.end, whole_year=True)
        if (today.year, today.month) == (self.start.year, 4):
            return None
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return ComparedSpan(self.start, last, whole_year=False)

    def neighbours(self):
        """(label, query) of the period before and after this one (前月/次月, 前年度/次年度)."""
        if self.month:
            year, month = self.month
            before = (year - 1, 12) if month == 1 else (year, month - 1)
            after = (year + 1, 1) if month == 12 else (year, month + 1)
            return [
                (f"{y}年{m}月", f"year={y}&month={m}") if 2000 <= y <= 2100 else None
                for y, m in (before, after)
            ]
        return [
            (f"{fy}年度", f"fiscal_year={fy}") if 2000 <= fy <= 2100 else None
            for fy in (self.fiscal_year - 1, self.fiscal_year + 1)
        ]


@dataclass
class ComparedSpan:
    """This 年度's April up to the end of a month, and the same months of the previous 年度."""

    start: datetime.date
    end: datetime.date
    whole_year: bool  # the 年度 has ended: compared whole, April–March

    @property
    def previous_start(self):
        return self.start.replace(year=self.start.year - 1)

    @property
    def previous_end(self):
        return dates.month_range(self.end.year - 1, self.end.month)[1]

    @property
    def bounds(self):
        return dates.day_bounds(self.start, self.end)

    @property
    def previous_bounds(self):
        return dates.day_bounds(self.previous_start, self.previous_end)

    @property
    def months_words(self):
        """4月〜11月 (or 4月 alone)."""
        return "4月" if self.end.month == 4 else f"4月〜{self.end.month}月"

    @property
    def label(self):
        return f"前年度同期（{self.months_words}）"

    @property
    def this_label(self):
        return f"今年度（{self.months_words}）"

    def months(self):
        return [m for m in dates.fiscal_months(self.start.year) if dates.month_range(*m)[1] <= self.end]

    def previous_months(self):
        return [(y - 1, m) for y, m in self.months()]


class PeriodError(ValueError):
    pass


def period_from(params, today=None):
    """?year=2026&month=8 → that month; ?fiscal_year=2026 → April 2026–March 2027;
    nothing → the current month."""
    today = today or dates.today()
    try:
        if params.get("fiscal_year"):
            fy = int(params["fiscal_year"])
            if not 2000 <= fy <= 2100:
                raise PeriodError("年度は2000〜2100の範囲で指定してください。")
            start, end = dates.fiscal_year_range(fy)
            return Period(start, end, dates.fiscal_year_label(fy), fy)
        year = int(params.get("year") or today.year)
        month = int(params.get("month") or today.month)
    except ValueError:
        raise PeriodError("年・月・年度は数字で指定してください。") from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise PeriodError("年は2000〜2100、月は1〜12で指定してください。")
    return month_period(year, month)


def month_period(year, month):
    start, end = dates.month_range(year, month)
    era, n = dates.era_year(year, month, 1)
    return Period(
        start,
        end,
        f"{year}年{month}月（{era}{'元' if n == 1 else n}年{month}月）",
        dates.fiscal_year(start),
        (year, month),
    )


# The 連絡調整 rows by result count contacts; these two name what is counted (docs/architecture.md).
FACILITIES_LABEL = "連絡した施設数（1件の相談で同じ施設は1）"
PERSONS_LABEL = "実人数（同じ対象者は1人）"
CASES_LABEL = "延べ件数"
CONTACTS_LABEL = "連絡回数（延べ）"


@dataclass
class Row:
    label: str  # 項目 (相談内容 items as 大分類/項目)
    values: dict  # center_id → number
    subtotal: bool = False
    total_row: bool = False
    # False for 窓口開設日数: the days of several centers added up mean nothing (see _combine).
    summable: bool = True

    def total(self):
        return sum(self.values.values())


def _combine(numbers, summable=True):
    """The 合計 of a line over centers: the sum, or for figures that do not add up across
    centers (窓口開設日数) the one value the centers share, else None. A city officer reading
    「窓口開設日数」 beside three centers wants to know how many days the window was open, to read
    the counts against it; 60 (three centers × 20 days) is no day count at all. When the
    centers' days differ the cell stays empty and 最少/最大 (and each center's column) say it."""
    numbers = list(numbers)
    if summable:
        return sum(numbers)
    return numbers[0] if numbers and len(set(numbers)) == 1 else None


@dataclass
class Section:
    name: str  # 区分
    rows: list = field(default_factory=list)
    has_total: bool = True
    after: list = field(default_factory=list)  # figures shown after the 合計, not summed into it


@dataclass
class Line:
    """One line of the report as shown and exported: 区分, 項目, the total, one number per
    center (in the centers' order), the smallest and largest of those, and what kind of line
    it is (item, subtotal, total). `cumulative` is the same line of the 年度累計, when shown."""

    section: str
    label: str
    total: int | None  # None: a figure that does not add up across centers, which differ
    per_center: list
    # Across the centers that have entered something in the period (Report.left_out); None when
    # none has.
    low: int | None
    high: int | None
    kind: str  # item, subtotal, total, figure (a count beside the 合計, not part of it)
    cumulative: "Line | None" = None
    # 締め: the figure submitted for this line by the closed centers, and the same centers' figure
    # now (None when none of the report's centers closed the month).
    submitted: int | None = None
    current_of_closed: int | None = None
    summable: bool = True
    compared: bool = False  # compare_with_submitted set the two figures above
    # Some closed center's figure differs from what it submitted (decided per center: two
    # centers' 窓口開設日数 have no 合計 to compare).
    changed: bool = False
    # 前年度同期 (a fiscal-year report): the line over the compared months of this 年度 and of
    # the previous one, None where that year has no record to give it (never a 0 standing for
    # "nothing was entered").
    now: int | None = None
    previous: int | None = None

    @property
    def change(self):
        """増減: this 年度's compared months minus the previous one's."""
        if self.previous is None or self.now is None:
            return None
        return self.now - self.previous

    @property
    def changed_after_submission(self):
        return self.compared and self.changed

    @property
    def difference(self):
        """「提出後の修正」: now minus submitted, for the centers that closed the month."""
        if self.submitted is None or self.current_of_closed is None:
            return None
        return self.current_of_closed - self.submitted

    @property
    def key(self):
        return self.section, self.label

    def cells(self):
        """The exported row: 区分, 項目, 合計, each center, 最少, 最大."""
        return [self.section, self.label, self.total, *self.per_center, self.low, self.high]


def _min_max(row, center_ids):
    numbers = [row.values.get(c, 0) for c in center_ids]
    return (min(numbers), max(numbers)) if numbers else (None, None)


class Report:
    def __init__(self, period, centers, today=None):
        self.period = period
        self.centers = list(centers)
        self.center_ids = [c.pk for c in self.centers]
        # Consultations are counted as far as they are logged, i.e. up to today; the open days
        # are counted to the same day, so that a 年度累計 read in December does not set the
        # consultations of April–December against the open days of April–March.
        today = today or dates.today()
        self.today = today
        self.open_days_until = min(period.end, today)

    @property
    def open_days_cut(self):
        """The last day counted in 窓口開設日数 when it is before the period's end, else None."""
        return self.open_days_until if self.open_days_until < self.period.end else None

    def _tallies(self, start, end):
        return DailyTally.objects.filter(center_id__in=self.center_ids, day__gte=start, day__lte=end)

    def build(self, compare=False, closings=()):
        """The report's sections. `compare` (a fiscal-year report): the compared months of this
        年度 and of the previous one (前年度同期) are read by the same queries (one date range
        per year, summed apart), for compare_with_previous. `closings`: the active closings read
        for the page (those of the period's months count), for 最少/最大."""
        self.span = self.period.compared_span(self.today) if compare else None
        # No month of this 年度 has ended yet (April): said on the page instead of a comparison.
        self.comparison_pending = bool(compare and self.span is None and self.period.start <= self.today)
        # 1 query: the period's daily tallies summed by category and center (consultations.tallies).
        grid, now, before = {}, {}, {}
        for kind, key, center_id, *sums in self._grid_rows():
            for into, n in zip((grid, now, before), sums, strict=True):
                if n is not None:
                    into.setdefault(kind, {}).setdefault(key, {})[center_id] = n
        linked = self._linked()
        self.types = list(ConsultantType.objects.all())
        self.topics = list(Topic.objects.select_related("parent"))
        totals = dict(grid.get(tallies.TOTAL, {}).get("", {}))
        self.sections = self._sections(grid, linked[""], self._open_days())
        self.totals = totals
        if self.span:
            # No 窓口開設日数 in the comparison: a calendar, not a record.
            no_days = Section("窓口開設日数", [], has_total=False)
            self.compared = {}
            for year, counts in (("now", now), ("before", before)):
                self.compared[year] = (
                    {c for c, n in counts.get(tallies.TOTAL, {}).get("", {}).items() if n},
                    self._sections(counts, linked[year], no_days),
                )
        # A center that has logged no consultation in the period is left out of 最少/最大: its
        # zeros say that nothing was entered (yet), not that nobody called, and a city officer
        # reading 「最少 0」 beside the centers would take it for the latter. Its own column stays.
        # A center that closed (締め) a month of the period with nothing logged has submitted that
        # 0 as its figure: it is a real 0 and counts (an empty month not closed still does not).
        closed = {c.center_id for c in closings if self.month_in_period(c.year, c.month)}
        counted = [c for c in self.centers if totals.get(c.pk) or c.pk in closed]
        self.left_out = [c for c in self.centers if c not in counted]
        self.range_ids = [c.pk for c in counted]
        self.closed_zero = [c for c in counted if not totals.get(c.pk)]
        return self

    def _grid_rows(self):
        """(kind, key, center_id, the period's sum[, the compared months' sum this 年度 and the
        previous one's, None where there is none])."""
        if not self.span:
            rows = (
                self._tallies(self.period.start, self.period.end)
                .order_by()
                .values_list("kind", "key", "center_id")
                .annotate(total=Sum("n"))
            )
            return ((*row, None, None) for row in rows)
        period = Q(day__gte=self.period.start, day__lte=self.period.end)
        now = Q(day__gte=self.span.start, day__lte=self.span.end)
        before = Q(day__gte=self.span.previous_start, day__lte=self.span.previous_end)
        # One range from the previous April to the period's end (the index's range scan; an OR of
        # the two years' ranges made SQLite merge two index searches and sort for the GROUP BY).
        return (
            self._tallies(self.span.previous_start, self.period.end)
            .order_by()
            .values_list("kind", "key", "center_id")
            .annotate(total=Sum("n", filter=period), now=Sum("n", filter=now), before=Sum("n", filter=before))
        )

    def _sections(self, grid, linked, open_days):
        method, location, status = grid.get("method", {}), grid.get("location", {}), grid.get("status", {})
        by_result = grid.get("result", {})
        by_type = {int(k): v for k, v in grid.get("type", {}).items()}
        by_topic = {int(k): v for k, v in grid.get("topic", {}).items()}
        totals = dict(grid.get(tallies.TOTAL, {}).get("", {}))
        sections = [open_days, self._persons(totals, linked)]
        sections.append(self._section("相談者", [(t.name, by_type.get(t.pk, {})) for t in self.types]))
        sections.append(self._topic_section(self.topics, by_topic))
        sections.append(
            self._section("受付方法", [(label, method.get(value, {})) for value, label in Method.choices])
        )
        sections.append(
            self._section(
                "相談者の所在",
                [(label, location.get(value, {})) for value, label in Consultation.Location.choices],
            )
        )
        sections.append(
            self._section(
                "状態", [(label, status.get(value, {})) for value, label in Consultation.Status.choices]
            )
        )
        coordination = self._section(
            "連絡調整",
            [(label, by_result.get(value, {})) for value, label in Coordination.Result.choices],
        )
        coordination.after = [
            Row(FACILITIES_LABEL, dict(grid.get(tallies.FACILITIES, {}).get("", {}))),
            Row(CONTACTS_LABEL, dict(grid.get(tallies.CONTACTS, {}).get("", {}))),
        ]
        sections.append(coordination)
        return sections

    def left_out_reason(self, center):
        if center.clip(self.period.start, self.period.end) is None:
            return f"{self.period.span_words}は開設していません"
        return f"{self.period.span_words}の相談記録がありません"

    def not_closed(self, closings):
        """A 月報 of a month that has ended: the centers that owe it a closing, open for some of
        it (開設日..閉所日) and not closed."""
        if not self.period.month or self.period.end >= self.today:
            return []
        closed = {c.center_id for c in closings}
        return [c for c in self.centers if c.pk not in closed and c.clip(self.period.start, self.period.end)]

    def range_notes(self, cumulative=None, closings=()):
        """Every note on what 最少/最大 (and the 年度累計's) are taken over: the centers left out,
        and those of an ended month counted before they closed it (their figures may change)."""
        if len(self.centers) < 2:
            return []
        if cumulative and [c.pk for c in cumulative.left_out] == [c.pk for c in self.left_out]:
            # The same centers (nothing since April, so nothing this month): said once.
            notes = [cumulative.range_note("当月と累計の最少・最大")]
        else:
            notes = [self.range_note(), cumulative.range_note("累計の最少・最大") if cumulative else None]
        if cumulative and [c.pk for c in cumulative.closed_zero] == [c.pk for c in self.closed_zero]:
            notes.append(cumulative.closed_zero_note("当月と累計の最少・最大"))
        else:
            notes += [
                self.closed_zero_note(),
                cumulative.closed_zero_note("累計の最少・最大") if cumulative else None,
            ]
        unclosed = [c for c in self.not_closed(closings) if c.pk in self.range_ids]
        if unclosed:
            names = "、".join(f"{c.code} {c.name}" for c in unclosed)
            notes.append(
                f"最少・最大には、この月をまだ締めていないセンター（{names}）の数値も含みます"
                "（締めるまでに変わることがあります）。"
            )
        return [n for n in notes if n]

    def closed_zero_note(self, label="最少・最大"):
        """The centers whose 0 counts in 最少/最大 because they closed a month with nothing
        logged (else a 0 there would read as "left out"), or None."""
        if len(self.centers) < 2 or not self.closed_zero:
            return None
        names = "、".join(f"{c.code} {c.name}" for c in self.closed_zero)
        return f"相談0件で締めたセンター（{names}）は、その0件を{label}に含めています。"

    def range_note(self, label="最少・最大"):
        """What the report's 最少/最大 leave out and why, for the page and the files; None when
        nothing is left out or there is no range (one center)."""
        if len(self.centers) < 2 or not self.left_out:
            return None
        if not self.range_ids:
            return f"{label}: {self.period.span_words}はどのセンターにも相談記録がないため、出していません。"
        names = "、".join(f"{c.code} {c.name}（{self.left_out_reason(c)}）" for c in self.left_out)
        return f"{label}は、相談記録のないセンターを除いて出しています。除いたセンター: {names}"

    def _open_days(self):
        values = {c.pk: c.open_days(self.period.start, self.open_days_until) for c in self.centers}
        return Section("窓口開設日数", [Row("窓口開設日数", values, summable=False)], has_total=False)

    def _linked(self):
        """{span: {center_id: (consultations linked to an earlier one, distinct clients of those
        whose first consultation lies before the span)}} for the period ("") and, compared, the
        months of this 年度 ("now") and of the previous one ("before"). 1 query."""
        # Only the few linked consultations are read (the first_consultation index), not the
        # whole year's.
        spans = {"": self.period.bounds}
        if self.span:
            spans |= {"now": self.span.bounds, "before": self.span.previous_bounds}
        aggregates, reach = {}, Q()
        for name, (first, after) in spans.items():
            within = Q(received_at__gte=first, received_at__lt=after)
            earlier = ~Q(
                first_consultation__received_at__gte=first, first_consultation__received_at__lt=after
            )
            reach |= within
            one = len(spans) == 1  # the query as it always was when nothing is compared
            aggregates[f"n_{name}"] = Count("id") if one else Count("id", filter=within)
            aggregates[f"returning_{name}"] = Count(
                "first_consultation_id", distinct=True, filter=earlier if one else within & earlier
            )
        rows = (
            Consultation.objects.filter(
                reach, center_id__in=self.center_ids, first_consultation__isnull=False
            )
            .order_by()
            .values("center_id")
            .annotate(**aggregates)
        )
        linked = {name: {} for name in spans}
        for row in rows:
            for name in spans:
                linked[name][row["center_id"]] = (row[f"n_{name}"], row[f"returning_{name}"])
        return linked

    def _persons(self, totals, linked):
        """実人数 (a client consulted about again is one person: consultations linked to the same
        first consultation count once) and 延べ件数 (every consultation)."""
        # Each client once: 延べ件数 less the consultations linked to an earlier one, plus the
        # clients of those whose first consultation lies outside the period.
        persons = {
            center_id: cases - linked.get(center_id, (0, 0))[0] + linked.get(center_id, (0, 0))[1]
            for center_id, cases in dict(totals).items()
        }
        return Section(
            "相談件数",
            [Row(PERSONS_LABEL, persons), Row(CASES_LABEL, dict(totals))],
            has_total=False,
        )

    def _section(self, name, items):
        rows = [Row(label, dict(values)) for label, values in items]
        return Section(name, rows)

    def _topic_section(self, topics, by_topic):
        """Items under 医療 and 介護 with a 小計 each, then the top-level items; 重複可."""
        children = {}
        for t in topics:
            if t.parent_id:
                children.setdefault(t.parent_id, []).append(t)
        rows = []
        for t in topics:
            if t.parent_id:
                continue
            if t.pk in children:
                items = [Row(c.path, dict(by_topic.get(c.pk, {}))) for c in children[t.pk]]
                rows.extend(items)
                subtotal = {}
                for item in items:
                    for center_id, n in item.values.items():
                        subtotal[center_id] = subtotal.get(center_id, 0) + n
                rows.append(Row(f"{t.name}/小計", subtotal, subtotal=True))
            else:
                rows.append(Row(t.path, dict(by_topic.get(t.pk, {}))))
        return Section("相談内容", rows)

    # --- presentation -----------------------------------------------------------------

    def table(self, include_subtotals=True, sections=None):
        """[Line] in report order, with a 合計 line per 区分 (except 窓口開設日数)."""
        lines = []
        for section in self.sections if sections is None else sections:
            totals = {}
            for row in section.rows:
                if row.subtotal and not include_subtotals:
                    continue
                lines.append(self._line(section.name, row, "subtotal" if row.subtotal else "item"))
                if not row.subtotal:
                    for center_id, n in row.values.items():
                        totals[center_id] = totals.get(center_id, 0) + n
            if section.has_total:
                lines.append(self._line(section.name, Row("合計", totals), "total"))
            lines.extend(self._line(section.name, row, "figure") for row in section.after)
        return lines

    def _line(self, section, row, kind):
        low, high = _min_max(row, self.range_ids)
        per_center = [row.values.get(c, 0) for c in self.center_ids]
        total = _combine(per_center, row.summable)
        return Line(section, row.label, total, per_center, low, high, kind, summable=row.summable)

    def _month_end(self):
        """The last day of the monthly trend: a running 年度 stops at the end of this month."""
        today = self.today
        return min(self.period.end, dates.month_range(today.year, today.month)[1])

    def _months(self):
        """{(year, month): {center_id: consultations}} from April (of the previous 年度 when it
        is compared) to the trend's end, and the (year, month, center_id) taken from an old 月報's
        total (2 queries, once per report)."""
        if not hasattr(self, "_month_grid"):
            span = getattr(self, "span", None)
            start = span.previous_start if span else self.period.fiscal_to_date().start
            self._month_grid = month_grid(self.center_ids, start, self._month_end())
        return self._month_grid

    def monthly(self):
        """Consultations per month of the fiscal year up to the period's end, per center. A running
        年度 stops at the end of this month: the months to come would read as months with no calls, and
        this month counts whole, as its own 月報 does."""
        end = self._month_end()
        grid, _paper = self._months()
        months = [m for m in dates.fiscal_months(self.period.fiscal_year) if dates.month_range(*m)[0] <= end]
        return [(f"{y}年{m}月", [grid.get((y, m), {}).get(c, 0) for c in self.center_ids]) for y, m in months]

    # --- 前年度同期 -----------------------------------------------------------------------

    def compare_with_previous(self, lines):
        """Sets each line's compared months of this 年度 and of the previous one (build(compare=
        True)) and answers what the page and the files say about them (Comparison), or None when
        there is nothing to compare (a 月報, a 年度 not yet begun). An old 月報's total
        (PastMonthlyTotal) counts for 延べ件数 where the portal has no records of that month, as in
        the monthly trend; it has no breakdown, so the other lines take the records only. A line
        none of whose centers has anything to give it stays None, said as 「前年度の記録は
        ありません」 and never shown as 0."""
        if self.comparison_pending:
            return Comparison(None, self.today, [], [], [])
        if not getattr(self, "span", None):
            return None
        grid, paper = self._months()
        sides = {}
        for year, months in (("now", self.span.months()), ("before", self.span.previous_months())):
            recorded, sections = self.compared[year]
            cases = sum(grid.get(m, {}).get(c, 0) for m in months for c in self.center_ids)
            on_paper = {}
            for y, m, c in paper:
                if (y, m) in months:
                    on_paper[c] = on_paper.get(c, 0) + 1
            by_key = {line.key: line.total for line in self.table(sections=sections)}
            sides[year] = (recorded, on_paper, cases, by_key)
        for line in lines:
            if line.section == "窓口開設日数":
                continue
            for year, (recorded, on_paper, cases, by_key) in sides.items():
                if line.key == ("相談件数", CASES_LABEL):
                    value = cases if recorded or on_paper else None
                else:
                    value = by_key.get(line.key, 0) if recorded else None
                setattr(line, "now" if year == "now" else "previous", value)
        recorded, on_paper, _cases, _by_key = sides["before"]
        now_paper = sides["now"][1]
        return Comparison(
            self.span,
            self.today,
            [c for c in self.centers if c.pk in recorded or c.pk in on_paper],
            [
                (c, on_paper.get(c.pk, 0), now_paper.get(c.pk, 0))
                for c in self.centers
                if c.pk in on_paper or c.pk in now_paper
            ],
            [c for c in self.centers if c.pk not in recorded and c.pk not in on_paper],
        )

    # --- 締め ------------------------------------------------------------------------------

    def closings(self, whole_fiscal_year=False):
        """The active closings of the report's centers in its period (or in its whole fiscal
        year: the 月別推移 of a 月報 marks every month)."""
        months = [
            m
            for m in dates.fiscal_months(self.period.fiscal_year)
            if whole_fiscal_year or self.month_in_period(*m)
        ]
        rows = (
            MonthClosing.objects.active()
            .filter(center_id__in=self.center_ids, year__in={y for y, _m in months})
            .select_related("center", "closed_by")
        )
        return [c for c in rows if (c.year, c.month) in months]

    def earlier_submissions(self):
        """A 月報's closings that ended (締め直し or an admin's 解除), newest first: what was
        submitted when before the figures in force."""
        if not self.period.month:
            return []
        year, month = self.period.month
        return list(
            MonthClosing.objects.filter(center_id__in=self.center_ids, year=year, month=month)
            .exclude(reopened_at=None)
            .select_related("center", "closed_by", "reopened_by")
            .order_by("center__sort_order", "-closed_at")
        )

    def changed_closings(self, lines, closings):
        """The closings whose center's figures now differ from what it submitted (締め直せる)."""
        index = {c: i for i, c in enumerate(self.center_ids)}
        changed = set()
        for closing in closings:
            i = index.get(closing.center_id)
            if i is None:
                continue
            if closing.changed_keys((line.section, line.label, line.per_center[i]) for line in lines):
                changed.add(closing.pk)
        return changed

    def month_in_period(self, year, month):
        start, end = dates.month_range(year, month)
        return start >= self.period.start and end <= self.period.end

    def compare_with_submitted(self, lines, closings):
        """Sets each line's submitted figure and the closed centers' current one (a monthly
        report: the closings are of its month)."""
        if not closings:
            return lines
        index = {c: i for i, c in enumerate(self.center_ids)}
        submitted = [(index[c.center_id], c.submitted_values()) for c in closings if c.center_id in index]
        for line in lines:
            before = [values.get(line.key, 0) for _, values in submitted]
            now = [line.per_center[i] for i, _ in submitted]
            line.submitted = _combine(before, line.summable)
            line.current_of_closed = _combine(now, line.summable)
            line.changed = before != now
            line.compared = True
        return lines


@dataclass
class Comparison:
    """What a fiscal-year report's 前年度同期 was taken over, for the notes of the page and files."""

    span: ComparedSpan | None  # None: no month of this 年度 has ended yet
    today: datetime.date
    with_data: list  # centers with records or an old 月報's total in the previous 年度's months
    on_paper: list  # (center, months of the previous 年度, of this one, from an old 月報's total)
    without: list  # centers with neither

    @property
    def label(self):
        return self.span.label

    @property
    def this_label(self):
        return self.span.this_label

    def notes(self):
        span = self.span
        if span is None:
            return ["前年度同期との比較は、4月が終わってから出します（まだ終わった月がありません）。"]
        if not self.with_data:
            return [f"{span.label}: 前年度の記録はありません。"]
        end = f"{span.previous_end.year}年{span.previous_end.month}月"
        notes = [
            f"{span.label}: {span.previous_start.year}年4月〜{end}の記録と比べています（増減 = 今年度 − 前年度）。"
        ]
        if not span.whole_year:
            notes[0] += (
                f"今年度は終わった月（{span.months_words}）だけで比べるため、{self.today.month}月の分は"
                f"{span.this_label}に含みません。"
            )
        if self.without and len(self.with_data) + len(self.without) > 1:
            names = "、".join(f"{c.code} {c.name}" for c in self.without)
            notes.append(f"前年度の記録がないセンター: {names}（前年度同期の数値に含まれていません）。")
        if self.on_paper:
            names = "、".join(
                f"{c.code} {c.name}"
                + "（"
                + "、".join(f"{which}{n}か月分" for which, n in (("前年度", before), ("今年度", now)) if n)
                + "）"
                for c, before, now in self.on_paper
            )
            notes.append(
                f"ポータル導入前の月報から取り込んだ合計（{names}）は、延べ件数にだけ含みます"
                "（相談者・相談内容などの内訳の記録はありません）。"
            )
        return notes


def month_grid(center_ids, start, end):
    """({(year, month): {center_id: consultations}}, {(year, month, center_id) from an old 月報})
    of the months from `start` to `end` (2 queries): the portal's records, and for a month of a
    center it has none of, the old 月報's total (PastMonthlyTotal)."""
    counts = (
        DailyTally.objects.filter(center_id__in=center_ids, day__gte=start, day__lte=end, kind=tallies.TOTAL)
        .annotate(m=TruncMonth("day"))
        .order_by()
        .values_list("m", "center_id")
        .annotate(total=Sum("n"))
    )
    grid, paper = {}, set()
    for month, center_id, n in counts:
        grid.setdefault((month.year, month.month), {})[center_id] = n
    for year, month, center_id, n in PastMonthlyTotal.objects.filter(
        center_id__in=center_ids, year__gte=start.year, year__lte=end.year
    ).values_list("year", "month", "center_id", "consultations"):
        first = datetime.date(year, month, 1)
        if start <= first <= end and center_id not in grid.get((year, month), {}):
            grid.setdefault((year, month), {})[center_id] = n
            paper.add((year, month, center_id))
    return grid, paper


def monthly_totals(center_ids, fiscal_year, end):
    """{(year, month): {center_id: consultations}} of a fiscal year up to `end` (2 queries), the
    records or an old 月報's total (month_grid). The report's trend and the public page's yearly
    count both read this."""
    start, _ = dates.fiscal_year_range(fiscal_year)
    return month_grid(center_ids, start, end)[0]
