"""「地域の見える化」: per 圏域 (under its 区, with the city's total), for one 年度, the population
figures, the resources of each indicator as a count and per 1,000 people aged 65+, and the
counts later apps offer (consultations) per 1,000 aged 65+.

Everything is counted in the database, grouped by area: one query for the facilities (each
indicator a filtered COUNT), one for the statistics, one per offered count, however many areas
and facilities there are. The roll-up from 圏域 to 区 to city walks the area tree (a few hundred
rows), never the facilities."""

import decimal
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from coordination import area_counts, dates
from coordination.models import Area, AreaStatistics, Role, aging_rate, official_center_ids
from coordination.publishing import is_suppressed
from resources.models import Capability, Facility, FacilityCapability, FacilityKind

ONE_DECIMAL = decimal.Decimal("0.1")


@dataclass(frozen=True)
class Indicator:
    """A row of resources to count: facilities of any of `kinds` (a kind's code or name, as
    main kind or as a service of the office) and/or of the kind group `group`, having any of
    `capabilities` (codes). An indicator whose kinds, group or capabilities are not in the
    directory is left out, so a kind admins add later (通いの場・サロン) appears when it exists."""

    key: str
    label: str
    kinds: tuple = ()
    group: str = ""
    capabilities: tuple = ()


# The indicators of the page, in order. Data, not templates: add a line to count another kind.
INDICATORS = (
    Indicator("home-visit-clinic", "訪問診療を行う診療所", kinds=("clinic",), capabilities=("home-visit",)),
    Indicator(
        "support-clinic",
        "在宅療養支援診療所",
        kinds=("clinic",),
        capabilities=("shienshin-1", "shienshin-2", "shienshin-3"),
    ),
    Indicator("home-dental", "訪問歯科を行う歯科診療所", kinds=("dental",), capabilities=("home-dental",)),
    Indicator(
        "home-pharmacy", "訪問服薬指導を行う薬局", kinds=("pharmacy",), capabilities=("home-medication",)
    ),
    Indicator("visiting-nursing", "訪問看護ステーション", kinds=("visiting-nursing",)),
    Indicator("care-management", "居宅介護支援事業所", kinds=("care-management",)),
    Indicator("salon", "通いの場・サロン", kinds=("salon", "通いの場・サロン", "通いの場")),
    Indicator("community", "地域の活動（すべて）", group="community"),
)


def per_1000(count, aged_65):
    """count per 1,000 people aged 65+, to one decimal (half up), None without the population."""
    if not aged_65 or count is None:
        return None
    return (decimal.Decimal(count) * 1000 / decimal.Decimal(aged_65)).quantize(
        ONE_DECIMAL, rounding=decimal.ROUND_HALF_UP
    )


def suppressed(n):
    """A count as published (coordination.publishing): None when suppressed, shown 「－」."""
    return None if is_suppressed(n) else n


@dataclass
class Cell:
    count: int | None
    rate: decimal.Decimal | None
    below: bool = False  # the rate is below the city's
    hidden: bool = False  # not counted for this visitor (another ward's centers)
    unplaced: int = 0  # of the count, those known only at this area (a 区), not at a 圏域 below it

    @property
    def rate_text(self):
        return "" if self.rate is None else f"{self.rate:.1f}"


@dataclass
class Row:
    area: Area
    level: str  # "area" (a 圏域), "ward" (a 区's total) or "city" (the city's total)
    population: int | None = None
    aged_65: int | None = None
    aged_75: int | None = None
    care_certified: int | None = None
    summed: bool = False  # the figures are the sum of the areas below (none entered for it)
    source: str = ""
    resources: list = field(default_factory=list)  # Cell per indicator
    counts: list = field(default_factory=list)  # Cell per offered count

    @property
    def code(self):
        return self.area.code or f"id{self.area.pk}"

    @property
    def aging_rate(self):
        return aging_rate(self.aged_65, self.population)

    @property
    def below(self):
        return any(c.below for c in self.resources + self.counts)

    @property
    def below_labels(self):
        return [
            label for label, c in zip(self._labels, self.resources + self.counts, strict=False) if c.below
        ]


@dataclass
class Group:
    """A 区 with its 圏域 (or, for a city without wards, the city's 圏域)."""

    heading: Area | None
    rows: list
    total: Row | None


@dataclass
class CityBlock:
    city: Area
    groups: list
    total: Row


class AreaReport:
    def __init__(self, fiscal_year, user, public=False):
        self.fiscal_year = fiscal_year
        self.user = user
        self.public = public
        self.offered = [] if public else area_counts.for_user(user)
        self.center_ids = None
        self.scope_area_ids = None  # the areas a ward-scoped official's counts cover
        if user.is_authenticated and user.role == Role.OFFICIAL and user.ward_id:
            self.center_ids = official_center_ids(user)

    # --- the queries -------------------------------------------------------------------------

    def _indicators(self):
        """The indicators present in the directory, each with its kind and capability ids."""
        kinds = list(FacilityKind.objects.values_list("pk", "code", "name", "group"))
        capabilities = dict(Capability.objects.values_list("code", "pk"))
        found = []
        for indicator in INDICATORS:
            kind_ids = {
                pk for pk, code, name, _ in kinds if code in indicator.kinds or name in indicator.kinds
            }
            if indicator.group:
                kind_ids |= {pk for pk, _, _, group in kinds if group == indicator.group}
            capability_ids = {capabilities[c] for c in indicator.capabilities if c in capabilities}
            if (indicator.kinds or indicator.group) and not kind_ids:
                continue
            if indicator.capabilities and not capability_ids:
                continue
            found.append((indicator, kind_ids, capability_ids))
        return found

    def _facility_counts(self, indicators):
        """{area id: [count per indicator]} in one GROUP BY area query."""
        if not indicators:
            return {}
        annotations = {}
        for i, (_, kind_ids, capability_ids) in enumerate(indicators):
            condition = Q()
            if kind_ids:
                services = Facility.services.through.objects.filter(
                    facility_id=OuterRef("pk"), facilitykind_id__in=kind_ids
                )
                condition &= Q(kind_id__in=kind_ids) | Q(Exists(services))
            if capability_ids:
                links = FacilityCapability.objects.filter(
                    facility_id=OuterRef("pk"), capability_id__in=capability_ids
                )
                condition &= Q(Exists(links))
            annotations[f"i{i}"] = Count("pk", filter=condition)
        rows = (
            Facility.objects.open()
            .filter(area_id__isnull=False)
            .order_by()
            .values("area_id")
            .annotate(**annotations)
        )
        return {row["area_id"]: [row[f"i{i}"] for i in range(len(indicators))] for row in rows}

    def build(self):
        areas = list(Area.objects.all())
        indicators = self._indicators()
        self.indicators = [indicator for indicator, _, _ in indicators]
        direct = self._facility_counts(indicators)
        stats = {s.area_id: s for s in AreaStatistics.objects.filter(fiscal_year=self.fiscal_year)}
        offered = [(c, c.count(self.fiscal_year, self.center_ids)) for c in self.offered]

        children = {}
        for area in areas:
            children.setdefault(area.parent_id, []).append(area)
        for siblings in children.values():
            siblings.sort(key=lambda a: (a.sort_order, a.code, a.name))
        by_id = {a.pk: a for a in areas}
        if self.center_ids is not None:
            self.scope_area_ids = _subtree(children, {self.user.ward_id})

        n = len(indicators)
        resource_totals, count_totals, rows = {}, {}, {}

        def walk(area):
            """Subtree sums of the facilities and the offered counts, and the area's row."""
            res = list(direct.get(area.pk, [0] * n))
            cnt = [values.get(area.pk, 0) for _, values in offered]
            kids = children.get(area.pk, [])
            for kid in kids:
                walk(kid)
                res = [a + b for a, b in zip(res, resource_totals[kid.pk], strict=True)]
                cnt = [a + b for a, b in zip(cnt, count_totals[kid.pk], strict=True)]
            resource_totals[area.pk], count_totals[area.pk] = res, cnt
            rows[area.pk] = self._row(area, stats, rows, kids)

        roots = [a for a in areas if a.parent_id is None or a.parent_id not in by_id]
        roots.sort(key=lambda a: (a.sort_order, a.code, a.name))
        for root in roots:
            walk(root)
        for area_id, row in rows.items():
            row.resources = [Cell(c, per_1000(c, row.aged_65)) for c in resource_totals[area_id]]
            row.counts = []
            has_children = bool(children.get(area_id))
            for (_, values), c in zip(offered, count_totals[area_id], strict=True):
                counted = self.scope_area_ids is None or area_id in self.scope_area_ids
                if not counted:
                    row.counts.append(Cell(None, None, hidden=True))
                    continue
                unplaced = values.get(area_id, 0) if has_children else 0
                row.counts.append(Cell(c, per_1000(c, row.aged_65), unplaced=unplaced))
            row._labels = [i.label for i in self.indicators] + [c.label for c in self.offered]

        self.blocks = []
        for root in roots:
            city = rows[root.pk]
            groups = []
            for child in children.get(root.pk, []):
                kids = children.get(child.pk, [])
                if kids:
                    ward = self._mark(rows[child.pk], city)
                    # A 区 with consultations known only at the 区 cannot compare its 圏域' counts.
                    unplaced = [bool(cell.unplaced) for cell in ward.counts]
                    groups.append(Group(child, [self._mark(rows[k.pk], city, unplaced) for k in kids], ward))
                elif groups and groups[-1].heading is None:  # areas right under the city, in order
                    groups[-1].rows.append(self._mark(rows[child.pk], city))
                else:
                    groups.append(Group(None, [self._mark(rows[child.pk], city)], None))
            self.blocks.append(CityBlock(root, groups, city))
        return self

    def _row(self, area, stats, rows, kids):
        level = "city" if area.parent_id is None else ("ward" if kids else "area")
        row = Row(area, level)
        own = stats.get(area.pk)
        if own is not None:
            row.population, row.aged_65 = own.population, own.aged_65
            row.aged_75, row.care_certified, row.source = own.aged_75, own.care_certified, own.source
            return row
        below = [rows[k.pk] for k in kids if rows[k.pk].population is not None]
        if below:
            row.summed = True
            row.population = sum(r.population for r in below)
            row.aged_65 = sum(r.aged_65 for r in below)
            sources = {r.source for r in below}
            row.source = sources.pop() if len(sources) == 1 else ""
            complete = len(below) == len(kids)
            for name in ("aged_75", "care_certified"):
                values = [getattr(r, name) for r in below]
                setattr(row, name, sum(values) if complete and None not in values else None)
            if not complete:  # a sum over part of the areas is not the area's figure
                row.population = row.aged_65 = None
                row.summed = False
        return row

    @staticmethod
    def _mark(row, city, skip_counts=None):
        """Marks each rate below the city's (compared as shown, to one decimal); an offered count
        whose flag in `skip_counts` is set is not compared."""
        skip = [False] * len(row.resources) + list(skip_counts or [False] * len(row.counts))
        for cell, reference, skipped in zip(
            row.resources + row.counts, city.resources + city.counts, skip, strict=True
        ):
            cell.below = (
                not skipped
                and cell.rate is not None
                and reference.rate is not None
                and cell.rate < reference.rate
            )
        return row

    # --- what the page and the export show ---------------------------------------------------

    @property
    def columns(self):
        return 1 + 2 * (len(self.indicators) + len(self.offered))

    @property
    def count_labels(self):
        return [c.label for c in self.offered]

    def all_rows(self):
        for block in self.blocks:
            for group in block.groups:
                yield from ((group.heading, row) for row in group.rows)
                if group.total:
                    yield group.heading, group.total
            yield None, block.total

    def chart(self, indicator_key=None):
        """Data for the chart of one indicator's rate per 圏域 (and the city's), for static/js."""
        keys = [i.key for i in self.indicators]
        if not keys:
            return None
        index = keys.index(indicator_key) if indicator_key in keys else 0
        bars = []
        city_rates = []
        for block in self.blocks:
            city_rates.append([block.city.name, _float(block.total.resources[index].rate)])
            for group in block.groups:
                for row in group.rows:
                    label = ("▼" if row.resources[index].below else "") + row.area.name
                    bars.append([label, _float(row.resources[index].rate), row.resources[index].below])
        indicator = self.indicators[index]
        return {
            "key": indicator.key,
            "title": f"{indicator.label}（65歳以上人口千人あたり、{self.fiscal_year}年度）",
            "bars": bars,
            "cities": city_rates,
        }

    def xlsx_sheets(self, publish=False):
        header = [
            "区",
            "圏域・地域",
            "地域コード",
            "人口",
            "65歳以上人口",
            "75歳以上人口",
            "高齢化率（%）",
            "要介護認定者数",
        ]
        for indicator in self.indicators:
            header += [f"{indicator.label}（件数）", f"{indicator.label}（65歳以上千人あたり）"]
        for label in self.count_labels:
            header += [f"{label}（件数）", f"{label}（65歳以上千人あたり）"]
        header.append("市の値を下回る項目")
        rows = []
        for heading, row in self.all_rows():
            name = {"city": f"{row.area.name}（合計）", "ward": f"{row.area.name}（合計）"}.get(
                row.level, row.area.name
            )
            line = [
                heading.name if heading else "",
                name,
                row.area.code,
                row.population,
                row.aged_65,
                row.aged_75,
                float(row.aging_rate) if row.aging_rate is not None else None,
                row.care_certified,
            ]
            for cell in row.resources:
                line += [cell.count, float(cell.rate) if cell.rate is not None else None]
            for cell in row.counts:
                if cell.hidden:
                    line += ["対象外", "対象外"]
                elif publish and suppressed(cell.count) is None:
                    line += ["－", "－"]
                else:
                    line += [cell.count, float(cell.rate) if cell.rate is not None else None]
            line.append("、".join(row.below_labels))
            rows.append(line)
        notes = [f"地域の見える化 {dates.fiscal_year_label(self.fiscal_year)}"]
        if publish and self.count_labels:
            notes.append(f"公表用: {settings.PUBLISH_SUPPRESS_BELOW}件未満は「－」")
        return [("地域の見える化", header, rows, {"title_rows": notes, "orientation": "landscape"})]


def _subtree(children, roots):
    ids, frontier = set(roots), list(roots)
    while frontier:
        nxt = [kid.pk for pk in frontier for kid in children.get(pk, [])]
        frontier = [pk for pk in nxt if pk not in ids]
        ids.update(frontier)
    return ids


def _float(value):
    return None if value is None else float(value)


def fiscal_years():
    """The 年度 with statistics, newest first, and the one to show by default (this 年度 when it
    has figures, else the newest that has)."""
    years = list(
        AreaStatistics.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    )
    current = dates.fiscal_year(dates.today())
    return years, (current if current in years or not years else years[0])
