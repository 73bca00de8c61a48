"""The 月報 / 年度累計 tallies, as the 大阪市 report lays them out: per center, the total, and the
minimum and maximum across centers. Every number comes from database aggregation; the number
of queries does not depend on how many consultations there are."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from consultations.models import (
    ConsultantType,
    Consultation,
    ConsultationTopic,
    Coordination,
    Method,
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
        tz = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return first, after

    def fiscal_to_date(self):
        """April of the fiscal year up to the end of this period (年度累計)."""
        start, _ = dates.fiscal_year_range(self.fiscal_year)
        return Period(start, self.end, f"{self.fiscal_year}年度累計", self.fiscal_year)

    @property
    def query(self):
        if self.month:
            return f"year={self.month[0]}&month={self.month[1]}"
        return f"fiscal_year={self.fiscal_year}"


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
    start, end = dates.month_range(year, month)
    era, n = dates.era_year(year, month, 1)
    return Period(
        start,
        end,
        f"{year}年{month}月（{era}{'元' if n == 1 else n}年{month}月）",
        dates.fiscal_year(start),
        (year, month),
    )


@dataclass
class Row:
    label: str  # 項目 (相談内容 items as 大分類/項目)
    values: dict  # center_id → number
    subtotal: bool = False
    total_row: bool = False

    def total(self):
        return sum(self.values.values())


@dataclass
class Section:
    name: str  # 区分
    rows: list = field(default_factory=list)
    has_total: bool = True


def _min_max(row, center_ids):
    numbers = [row.values.get(c, 0) for c in center_ids]
    return (min(numbers), max(numbers)) if numbers else (0, 0)


class Report:
    def __init__(self, period, centers):
        self.period = period
        self.centers = list(centers)
        self.center_ids = [c.pk for c in self.centers]

    def _base(self):
        first, after = self.period.bounds
        return Consultation.objects.filter(
            center_id__in=self.center_ids, received_at__gte=first, received_at__lt=after
        )

    def build(self):
        consultations = self._base()
        # 1 query: method × location × status per center (and so the total per center).
        facets = (
            consultations.order_by()
            .values_list("center_id", "method", "consultant_location", "status")
            .annotate(n=Count("id"))
        )
        method, location, status, totals = {}, {}, {}, {}
        for center_id, m, loc, st, n in facets:
            for bucket, key in ((method, m), (location, loc), (status, st)):
                bucket.setdefault(key, {}).setdefault(center_id, 0)
                bucket[key][center_id] += n
            totals[center_id] = totals.get(center_id, 0) + n
        # 1 query each: consultant type, topic, 連絡調整 result, per center.
        by_type = self._grid(consultations.order_by().values_list("center_id", "consultant_type_id"))
        first, after = self.period.bounds
        by_topic = self._grid(
            ConsultationTopic.objects.filter(
                consultation__center_id__in=self.center_ids,
                consultation__received_at__gte=first,
                consultation__received_at__lt=after,
            ).values_list("consultation__center_id", "topic_id")
        )
        by_result = self._grid(
            Coordination.objects.filter(
                consultation__center_id__in=self.center_ids,
                consultation__received_at__gte=first,
                consultation__received_at__lt=after,
            ).values_list("consultation__center_id", "result")
        )
        types = list(ConsultantType.objects.all())
        topics = list(Topic.objects.select_related("parent"))

        sections = [self._open_days()]
        sections.append(self._section("相談者", [(t.name, by_type.get(t.pk, {})) for t in types]))
        sections.append(self._topic_section(topics, by_topic))
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
        sections.append(
            self._section(
                "連絡調整",
                [(label, by_result.get(value, {})) for value, label in Coordination.Result.choices],
            )
        )
        self.sections = sections
        self.totals = totals
        return self

    @staticmethod
    def _grid(pairs):
        """{key: {center_id: n}} from (center_id, key) pairs, counted in the database."""
        grid = {}
        for center_id, key, n in pairs.order_by().annotate(n=Count("pk")).values_list(*pairs._fields, "n"):
            grid.setdefault(key, {})[center_id] = n
        return grid

    def _open_days(self):
        values = {c.pk: c.open_days(self.period.start, self.period.end) for c in self.centers}
        return Section("窓口開設日数", [Row("窓口開設日数", values)], has_total=False)

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

    def table(self, include_subtotals=True):
        """[(区分, 項目, 合計, [per center], 最少, 最大, kind)] in report order, with a 合計 row per 区分
        (except 窓口開設日数)."""
        lines = []
        for section in self.sections:
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
        return lines

    def _line(self, section, row, kind):
        low, high = _min_max(row, self.center_ids)
        per_center = [row.values.get(c, 0) for c in self.center_ids]
        return section, row.label, sum(per_center), per_center, low, high, kind

    def monthly(self):
        """Consultations per month of the fiscal year up to the period's end, per center (1 query)."""
        tz = timezone.get_current_timezone()
        first, after = self.period.fiscal_to_date().bounds
        counts = (
            Consultation.objects.filter(
                center_id__in=self.center_ids, received_at__gte=first, received_at__lt=after
            )
            .annotate(m=TruncMonth("received_at", tzinfo=tz))
            .order_by()
            .values_list("m", "center_id")
            .annotate(n=Count("id"))
        )
        grid = {}
        for month, center_id, n in counts:
            key = (
                (month.year, month.month)
                if hasattr(month, "year")
                else tuple(map(int, str(month)[:7].split("-")))
            )
            grid.setdefault(key, {})[center_id] = n
        months = [
            m
            for m in dates.fiscal_months(self.period.fiscal_year)
            if dates.month_range(*m)[0] <= self.period.end
        ]
        return [(f"{y}年{m}月", [grid.get((y, m), {}).get(c, 0) for c in self.center_ids]) for y, m in months]
