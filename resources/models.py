"""The directory of medical and care resources (ア).

Kinds, capabilities and specialties are rows, not columns, so an admin can add one without a
migration. Text search runs on `search_text`, a normalised copy of name, kana, address and
corporation (see coordination.text.normalize), through the `contains_term` lookup
(resources.search): on PostgreSQL one GIN expression index over the 2-grams of search_text serves
terms of any length (森, 眼科, ひまわり; docs/architecture.md says why not pg_trgm)."""

import datetime
import functools
import hashlib
import math
import re
import secrets
import typing

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import Contains
from django.urls import reverse
from django.utils import timezone

from coordination.batches import ImportBatch, Progress
from coordination.dates import is_national_holiday
from coordination.models import (
    Area,
    CenterOwnedQuerySet,
    LastUpdated,
    LookupTable,
    Role,
    sees_professional_fields,
)
from coordination.text import digits, normalize
from resources import recurrence
from resources.links import national_page_url
from resources.search import SearchTextField

WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日", "祝"]
HOLIDAY = 7


class FacilityKind(LookupTable):
    class Group(models.TextChoices):
        MEDICAL = "medical", "医療"
        CARE = "care", "介護"
        OTHER = "other", "その他"
        # 住民主体 and informal resources (サロン, 認知症カフェ, 見守り …): resources.community.
        COMMUNITY = "community", "地域の活動"

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("種別", max_length=60, unique=True)
    group = models.CharField("区分", max_length=10, choices=Group, default=Group.CARE)
    service_code = models.CharField(
        "サービスコード",
        max_length=4,
        blank=True,
        help_text="介護サービス情報公表システムのサービス種類コード",
    )

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "施設種別"
        ordering = ["sort_order", "name"]


class Capability(LookupTable):
    """A home-care capability (訪問診療, 往診, 在宅看取り, 支援診1 …)."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    group = models.CharField("分類", max_length=30, blank=True)
    description = models.CharField("説明", max_length=200, blank=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "在宅対応機能"
        ordering = ["sort_order", "name"]


class Specialty(LookupTable):
    name = models.CharField("診療科目", max_length=40, unique=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "診療科目"
        ordering = ["sort_order", "name"]


class SearchSynonym(models.Model):
    """A word people type for a kind, a capability or a specialty the directory names otherwise
    (訪看 → 訪問看護ステーション, がんか → 眼科). Admins add more; the search folds both sides."""

    term = models.CharField("言い換え", max_length=40)
    kind = models.ForeignKey(
        FacilityKind, verbose_name="種別", null=True, blank=True, on_delete=models.CASCADE
    )
    capability = models.ForeignKey(
        Capability, verbose_name="在宅対応機能", null=True, blank=True, on_delete=models.CASCADE
    )
    specialty = models.ForeignKey(
        Specialty, verbose_name="診療科目", null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = verbose_name_plural = "検索の言い換え"
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__isnull=False) | Q(capability__isnull=False) | Q(specialty__isnull=False),
                name="synonym_has_a_target",
            )
        ]

    def __str__(self):
        return f"{self.term} → {self.kind or self.capability or self.specialty}"


def contact_slot(moment):
    """(ContactWindow weekday, minute) of a moment in Asia/Tokyo; national holidays are 祝 (7)."""
    local = timezone.localtime(moment)
    weekday = HOLIDAY if is_national_holiday(local.date()) else local.weekday()
    return weekday, local.time().replace(second=0, microsecond=0)


def distance_km(lat1, lng1, lat2, lng2):
    """Equirectangular distance; exact enough within a city."""
    x = (lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    y = (lat2 - lat1) * 110.57
    return math.hypot(x, y)


class LookupNames:
    """The kinds, capabilities and specialties a search page needs twice, for the terms that name
    one (眼科, 訪問診療), the checks of its form's choices and the form's options: read once, in one
    query (UNION ALL of the three small tables, each row tagged with its table), and kept for the
    request; the areas (the form's tree, an area's 圏域 for its filter) and the synonyms each in a
    plain query of their own when asked for (one more part of the UNION costs more to compile)."""

    KIND, CAPABILITY, SPECIALTY = 0, 1, 2

    @functools.cached_property
    def tables(self):
        def rows(model, table, group, description):
            return (
                model.objects.annotate(table=Value(table), group_=group, description_=description)
                .values_list("table", "pk", "name", "group_", "description_", "sort_order")
                .order_by()
            )

        blank = Value("", output_field=models.CharField())
        # A kind's group (医療/介護/地域の活動) rides in the group column: the search's switch
        # between 医療・介護 and 地域の活動 offers each its own kinds.
        union = rows(FacilityKind, self.KIND, F("group"), blank).union(
            rows(Capability, self.CAPABILITY, F("group"), F("description")),
            rows(Specialty, self.SPECIALTY, blank, blank),
            all=True,
        )
        tables = {self.KIND: [], self.CAPABILITY: [], self.SPECIALTY: []}
        # Each model's own order (Meta.ordering: sort order, then pk for kinds, name for the rest).
        for table, pk, name, group, description, _sort_order in sorted(
            union.order_by(), key=lambda r: (r[0], r[5], r[1] if r[0] == self.KIND else r[2])
        ):
            tables[table].append((pk, name, group, description))
        return tables

    def kinds(self):
        return self.tables[self.KIND]

    def community_kind_ids(self):
        return {pk for pk, _name, group, _ in self.kinds() if group == FacilityKind.Group.COMMUNITY}

    def capabilities(self):
        return self.tables[self.CAPABILITY]

    def specialties(self):
        return self.tables[self.SPECIALTY]

    @functools.cached_property
    def areas(self):
        """[AreaName] of every area."""
        columns = ("pk", "name", "kind", "parent_id", "code", "sort_order")
        return [AreaName(*row) for row in Area.objects.order_by().values_list(*columns)]

    def area_tree(self):
        """[(area, depth)] as Area.tree() gives them, of AreaName rows."""
        return Area.tree(self.areas)

    @functools.cached_property
    def synonyms(self):
        """[(term, table, id)]: each synonym and what it names (KIND, CAPABILITY or SPECIALTY)."""
        rows = SearchSynonym.objects.order_by().values_list("term", "kind", "capability", "specialty")
        return [(term, table, pk) for term, *targets in rows for table, pk in enumerate(targets) if pk]


class AreaName(typing.NamedTuple):
    """An area as LookupNames reads it: what Area.tree() and the search's area filters use."""

    pk: int
    name: str
    kind: str
    parent_id: int | None
    code: str
    sort_order: int


class FacilityQuerySet(models.QuerySet):
    def search(self, text, names=None, direct_lines=False):
        """Every whitespace-separated term must occur in name, kana, address or corporation,
        folded for width, kana and dashes. A term that names a specialty or a capability (眼科,
        訪問診療) also matches facilities that have it. `direct_lines` (a professional's search):
        a phone number also finds the facility whose 直通電話 it is, as a coordinator looks up
        who called from a number the directory shows only to professionals."""
        # A phone number typed with spaces in it (「(093) 315-1159」) is one term, not three.
        whole = search_term(text or "")
        if whole.isdigit() and len(whole) >= PHONE_MIN_DIGITS:
            if direct_lines:
                # Few professionals search by number, so no column or index of its own: the
                # direct lines' digits are read where the number does not match the search text.
                direct = Contains(_digits_of("direct_phone"), Value(whole))
                return self.filter(Q(search_text__contains_term=whole) | Q(direct))
            terms = [whole]
        else:
            terms = [search_term(raw) for raw in (text or "").split()]
        terms = list(dict.fromkeys(t for t in terms if t))[:MAX_TERMS]
        if not terms:
            return self
        names = names or LookupNames()
        tags = _tags(terms, names)
        for term in terms:
            text = Q(search_text__contains_term=term)
            kinds, capabilities, specialties = tags[term]
            if not (kinds or capabilities or specialties):
                self = self.filter(text)
                continue
            # A term that also names a kind, capability or specialty: the facilities of each
            # (each from its own index) in one UNION, so that the database reads those few rows
            # instead of testing every facility against each alternative in turn.
            matches = [Facility.objects.filter(text).values("pk")]
            if kinds:
                matches += [Facility.objects.filter(kind__in=kinds).values("pk"), _with_service(kinds)]
            if capabilities:
                matches.append(
                    FacilityCapability.objects.filter(capability__in=capabilities).values("facility")
                )
            if specialties:
                matches.append(FacilitySpecialty.objects.filter(specialty__in=specialties).values("facility"))
            matches = [part.order_by() for part in matches]  # SQLite allows no ORDER BY inside a UNION
            self = self.filter(pk__in=matches[0].union(*matches[1:]))
        return self

    def of_kind(self, kind):
        """Facilities that provide the service, as their main kind or as another service of the
        same office (a 老健 found under 短期入所療養介護 too). When no office lists the kind as
        another service, the kind alone decides (one small query), and its index serves it."""
        services = Facility.services.through.objects.filter(facilitykind=kind)
        if not services.exists():
            return self.filter(kind=kind)
        return self.filter(Q(kind=kind) | Q(Exists(services.filter(facility=OuterRef("pk")))))

    def with_capabilities(self, capabilities):
        """Facilities that have ALL of the given capabilities."""
        for capability in capabilities:
            links = FacilityCapability.objects.filter(facility=OuterRef("pk"), capability=capability)
            self = self.filter(Exists(links))
        return self

    def with_specialty(self, specialty):
        return self.filter(
            Exists(FacilitySpecialty.objects.filter(facility=OuterRef("pk"), specialty=specialty))
        )

    def open(self):
        """Not marked 廃止 by an admin."""
        return self.filter(closed_on__isnull=True)

    def in_area(self, area):
        return self.filter(area_id__in=area.descendant_ids())

    def visiting(self, area):
        """「この地域に訪問できる」: facilities whose areas served include the area or one above
        it (a clinic that visits the whole ward visits each of its 圏域)."""
        ancestors, current = [], area
        while current is not None:
            ancestors.append(current.pk)
            current = current.parent
        served = Facility.areas_served.through.objects.filter(facility=OuterRef("pk"), area_id__in=ancestors)
        return self.filter(Exists(served))

    def callable_at(self, moment):
        """★ 電話できる時間帯: a ケアマネタイム window covers `moment` (Asia/Tokyo) and no
        'avoid' window does. National holidays use the 祝 windows only."""
        windows = _windows_covering(moment)
        return self.filter(Exists(windows.filter(kind=ContactWindow.Kind.CALL))).exclude(
            Exists(windows.filter(kind=ContactWindow.Kind.AVOID))
        )

    def with_callable_now(self, moment):
        """Annotate `callable_now`: callable_at's rule as a column of each row, for a list that
        marks ★ without reading the windows. Of the windows covering `moment`, an 'avoid' one
        decides first; the row is callable when the deciding one is a ケアマネタイム window. One
        scalar subquery, which the database reads for the rows shown only."""
        avoid_first = Case(When(kind=ContactWindow.Kind.AVOID, then=Value(0)), default=Value(1))
        deciding = _windows_covering(moment).order_by(avoid_first).values("kind")[:1]
        return self.alias(deciding_window=Subquery(deciding)).annotate(
            callable_now=ExpressionWrapper(
                Q(deciding_window=ContactWindow.Kind.CALL), output_field=BooleanField()
            )
        )

    def with_capability_ids(self):
        """Annotate `capability_ids`: the ids of the facility's capabilities as one text ("3,1,7"),
        for a list that names them from the lookups it has read (LookupNames) rather than by a
        prefetch query."""
        ids = (
            FacilityCapability.objects.filter(facility=OuterRef("pk"))
            .order_by()
            .values("facility")
            .annotate(ids=StringAgg(Cast("capability_id", models.CharField()), Value(",")))
            .values("ids")
        )
        return self.annotate(capability_ids=Subquery(ids))

    def accepting(self):
        return self.filter(accepting=Facility.Accepting.YES)

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def near(self, lat, lng, radius_km=None):
        """Annotate `distance` (km) from (lat, lng), keep those within radius_km, nearest first."""
        kx = math.cos(math.radians(lat)) * 111.32
        ky = 110.57
        qs = self.located()
        if radius_km:
            dlat, dlng = radius_km / ky, radius_km / kx
            qs = qs.filter(
                latitude__range=(lat - dlat, lat + dlat), longitude__range=(lng - dlng, lng + dlng)
            )
        # Squared distance in SQL (portable to SQLite); the square root is taken in Python.
        dx = (Cast(F("longitude"), FloatField()) - Value(lng)) * Value(kx)
        dy = (Cast(F("latitude"), FloatField()) - Value(lat)) * Value(ky)
        qs = qs.annotate(distance_sq=dx * dx + dy * dy)
        if radius_km:
            qs = qs.filter(distance_sq__lte=radius_km * radius_km)
        return qs.order_by("distance_sq", "pk")

    def for_listing(self):
        return self.select_related("kind", "area").prefetch_related("capabilities")

    def community(self, kind_ids=None):
        """Community resources (サロン, 見守り …): kinds of the 「地域の活動」 group. `kind_ids`:
        those kinds' ids when the caller already read them (LookupNames), to spare a join."""
        if kind_ids is None:
            return self.filter(kind__group=FacilityKind.Group.COMMUNITY)
        return self.filter(kind_id__in=kind_ids)

    def medical_and_care(self, kind_ids=None):
        """Everything but community resources: the directory's 医療・介護 side."""
        if kind_ids is None:
            return self.exclude(kind__group=FacilityKind.Group.COMMUNITY)
        return self.exclude(kind_id__in=kind_ids) if kind_ids else self

    def community_editable_by(self, user):
        """Community resources `user` may edit (coordination.access.community_area_ids)."""
        from coordination.access import community_area_ids  # noqa: PLC0415 — access imports models

        area_ids = community_area_ids(user)
        queryset = self.community()
        return queryset if area_ids is None else queryset.filter(area_id__in=area_ids)

    def meeting_between(self, start, end):
        """Community resources with a meeting date from start to end (「今週ひらかれる」): the
        dates come from the rules in Python (resources/recurrence.py), so the rules are read
        in one query and the matching facilities kept by id."""
        rules = {}
        for rule in MeetingRule.objects.filter(activity__facility__in=self.values("pk")).select_related(
            "activity"
        ):
            rules.setdefault(rule.activity.facility_id, []).append(rule)
        ids = [pk for pk, own in rules.items() if recurrence.dates_of_rules(own, start, end)]
        return self.filter(pk__in=ids)


MAX_TERMS = 10  # search terms read from a query; more say nothing more and cost a join each
# A phone number or part of one as people write it, once normalised: digits with dashes (every
# dash the normaliser knows is "-" by then; a long-vowel mark only after a digit, so ー is taken
# too) and brackets round the area code. Six digits at least: a shorter run (a lot number such as
# 1-2-3) is an address's and stays as typed.
_PHONE_TERM = re.compile(r"[0-9()ー-]+")
PHONE_MIN_DIGITS = 6


@functools.lru_cache(maxsize=1024)
def _fold(name):
    return normalize(name)


def _windows_covering(moment):
    """The outer facility's windows (both kinds) that cover `moment`."""
    weekday, now = contact_slot(moment)
    return ContactWindow.objects.filter(facility=OuterRef("pk"), weekday=weekday, start__lte=now, end__gt=now)


def _with_service(kinds):
    return Facility.services.through.objects.filter(facilitykind__in=kinds).values("facility")


def _tags(terms, names):
    """{term: (kind ids, capability ids, specialty ids)} a term also means: the lookups whose
    name contains it (2 characters or more: 看取り → 在宅看取り, 特養, 内科 → 心療内科 too) and its
    synonyms (SearchSynonym). `names`: LookupNames, which has read both."""
    found = {term: (set(), set(), set()) for term in terms}
    for index in (names.KIND, names.CAPABILITY, names.SPECIALTY):
        for pk, name, *_ in names.tables[index]:
            folded = _fold(name)
            for term in terms:
                if len(term) >= 2 and term in folded:
                    found[term][index].add(pk)
    for term, index, pk in names.synonyms:
        folded = _fold(term)
        if folded in found:
            found[folded][index].add(pk)
    return found


# Where a free text (a consultation's 主な疾患・状態) breaks into words: spaces and the marks
# people put between conditions (褥瘡、在宅酸素 / 胃ろう・IVH / 末期がん（看取り希望）).
_TEXT_BREAKS = re.compile(r"[\s、。，,．・/／()（）「」『』［］\[\]【】:：;；]+")
# A name's bracketed explanation says nothing a condition names: (機能強化型・単独) is not 単独世帯.
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def capabilities_named_in(text, names=None):
    """[capability id] a free text names, in the directory's order: what a consultation's
    主な疾患・状態 (人工呼吸器, 胃ろう造設, 褥瘡・在宅酸素) selects in the search it opens. Each
    word of the text is read as the search reads a typed term (_tags: a capability whose name
    contains it, or a synonym that is it); a word inside a longer one (胃ろう造設済み) is found
    when a capability's name, a part of it (経管栄養・胃ろう), or one of its synonyms (呼吸器,
    床ずれ) occurs in the text. A text that names none gives []. `names`: LookupNames."""
    folded = normalize(text or "")
    if not folded:
        return []
    names = names or LookupNames()
    terms = list(dict.fromkeys(t for t in (search_term(w) for w in _TEXT_BREAKS.split(text)) if t))
    found = set()
    for _kinds, capabilities, _specialties in _tags(terms[:MAX_TERMS], names).values():
        found |= capabilities
    for pk, name, *_ in names.capabilities():
        parts = [_fold(part) for part in _BRACKETED.sub("・", name).split("・")]
        if any(len(part) >= 2 and part in folded for part in parts):
            found.add(pk)
    for term, table, pk in names.synonyms:
        if table == names.CAPABILITY and len(_fold(term)) >= 2 and _fold(term) in folded:
            found.add(pk)
    return [pk for pk, *_ in names.capabilities() if pk in found]


def _digits_of(field):
    """A phone field's digits, as the search text holds phone numbers (the form and the imports
    store the number with its dashes and brackets)."""
    expression = F(field)
    for mark in ("-", "(", ")", " "):
        expression = Replace(expression, Value(mark), Value(""))
    return expression


def search_term(raw):
    """A typed term as the search text holds it: folded; a phone number, whole or in part
    (315-1159, 093-315, (093)315-1159), as its digits, as the search text holds phone numbers."""
    term = normalize(raw)
    if _PHONE_TERM.fullmatch(term):
        number = re.sub(r"\D", "", term)
        if len(number) >= PHONE_MIN_DIGITS:
            return number
    return term


OPTIONAL_TEXT = {"blank": True, "default": ""}


class Facility(LastUpdated):
    class Accepting(models.TextChoices):
        UNKNOWN = "", "不明"
        YES = "yes", "受入可"
        CONSULT = "consult", "要相談"
        NO = "no", "受入停止中"

    # No index of its own: facility_kind_area and facility_code_unique_per_kind start with it.
    # The kind shown; `services` holds every service of the office, this one included.
    kind = models.ForeignKey(
        FacilityKind, verbose_name="種別", on_delete=models.PROTECT, related_name="facilities", db_index=False
    )
    services = models.ManyToManyField(
        FacilityKind,
        verbose_name="提供サービス",
        blank=True,
        related_name="+",
        help_text="同じ事業所番号で提供しているサービス",
    )
    name = models.CharField("名称", max_length=200)
    name_kana = models.CharField("名称（カナ）", max_length=200, **OPTIONAL_TEXT)
    corporation_name = models.CharField("法人名", max_length=200, **OPTIONAL_TEXT)
    corporation_number = models.CharField("法人番号", max_length=13, **OPTIONAL_TEXT)
    code = models.CharField(
        "医療機関番号・事業所番号",
        max_length=20,
        help_text="先頭の0を含めて入力（例: 4010100001）",
        **OPTIONAL_TEXT,
    )
    postal_code = models.CharField("郵便番号", max_length=8, **OPTIONAL_TEXT)
    address = models.CharField("住所", max_length=300, **OPTIONAL_TEXT)
    area = models.ForeignKey(
        Area, verbose_name="地域", null=True, blank=True, on_delete=models.SET_NULL, related_name="facilities"
    )
    # The 市町村コード (5 digits) the national file gave, which decides whether a later full file
    # of the same scope should still list the facility.
    municipality_code = models.CharField("市町村コード", max_length=5, **OPTIONAL_TEXT)
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
    # A pin placed from the directory's own addresses (a row that came without coordinates),
    # shown as approximate until a file or a person gives the real one.
    location_approximate = models.BooleanField("位置はおおよそ", default=False)
    phone = models.CharField("電話番号", max_length=20, **OPTIONAL_TEXT)
    fax = models.CharField("FAX番号", max_length=20, **OPTIONAL_TEXT)
    url = models.URLField("ホームページ", max_length=300, **OPTIONAL_TEXT)
    opening_days = models.CharField("営業日", max_length=100, help_text="例: 平日・土曜日", **OPTIONAL_TEXT)
    opening_hours = models.CharField("受付時間", max_length=200, **OPTIONAL_TEXT)
    closed_days = models.CharField("休診日・休業日", max_length=100, **OPTIONAL_TEXT)
    capacity = models.PositiveIntegerField("定員・病床数", null=True, blank=True)
    public_note = models.TextField("備考（公開）", **OPTIONAL_TEXT)
    capabilities = models.ManyToManyField(
        Capability,
        verbose_name="在宅対応機能",
        through="FacilityCapability",
        blank=True,
        related_name="facilities",
    )
    specialties = models.ManyToManyField(
        Specialty, verbose_name="診療科目", through="FacilitySpecialty", blank=True, related_name="facilities"
    )

    # Professionals-only part: never rendered for anonymous visitors or officials.
    direct_phone = models.CharField("直通電話（専門職向け）", max_length=20, **OPTIONAL_TEXT)
    contact_person = models.CharField("連絡窓口・担当者", max_length=100, **OPTIONAL_TEXT)
    avoid_note = models.CharField("連絡を避けてほしい時間（補足）", max_length=200, **OPTIONAL_TEXT)
    accepting = models.CharField("新規受入状況", max_length=10, choices=Accepting, **OPTIONAL_TEXT)
    accepting_stated_on = models.DateField("受入状況の確認日", null=True, blank=True)
    internal_note = models.TextField("内部メモ（専門職向け）", **OPTIONAL_TEXT)
    # How the center reaches the facility (update links, letters): not shown in the directory.
    contact_email = models.EmailField("センター連絡用メールアドレス", max_length=200, **OPTIONAL_TEXT)
    contact_fax = models.CharField("センター連絡用FAX", max_length=20, **OPTIONAL_TEXT)
    # 訪問対応地域: the wards, 圏域 or towns a home-visit service goes to.
    areas_served = models.ManyToManyField(
        Area, verbose_name="訪問できる地域", blank=True, related_name="served_by"
    )

    # Freshness: when somebody confirmed the entry is current, not when the row was saved.
    confirmed_on = models.DateField("最終確認日", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    # Identifier in 医療情報ネット (ナビイ) open data: 13 digits, not the 医療機関番号.
    navii_id = models.CharField("医療情報ネットID", max_length=13, **OPTIONAL_TEXT)  # index in Meta
    # Fields a person edited (form, admin, the portal's own sheet). National data never
    # overwrites them; see docs/import.md for which format owns which field.
    manual_fields = models.JSONField("手入力した項目", default=list, blank=True, editable=False)

    search_text = SearchTextField(editable=False, default="")

    # A national source stopped listing it: flagged for an admin, who marks it 廃止 or keeps it.
    missing_since = models.DateField("公表データに見当たらなくなった日", null=True, blank=True)
    missing_batch = models.ForeignKey(
        "FacilityImport",
        verbose_name="見当たらなかった取込",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="missing_facilities",
    )
    closed_on = models.DateField("廃止日", null=True, blank=True)
    # Closed as a duplicate of another entry (「同じ施設: こちらを残す」 on /resources/duplicates/):
    # the entry stays, so that whatever points at it (consultations, rota shifts, update links)
    # stays valid, and its page sends readers to the one kept.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="統合先",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        help_text="重複として廃止したとき、残した方の施設",
    )

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "施設・事業所"
        ordering = ["name_kana", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], condition=~Q(code=""), name="facility_code_unique_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="facility_latlng"),
            models.Index(fields=["kind", "area"], name="facility_kind_area"),
            models.Index(fields=["code"], name="facility_code"),
            models.Index(fields=["name_kana", "name", "id"], name="facility_listing_order"),
            models.Index(fields=["accepting", "kind"], name="facility_accepting_kind"),
            # Not db_index=True, which adds a second, LIKE-prefix index nobody queries.
            models.Index(fields=["navii_id"], name="facility_navii_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.latitude is not None and self.longitude is not None and not (self.latitude or self.longitude):
            self.latitude = self.longitude = None  # 0,0 means unknown
        self.build_search()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resources:detail", args=[self.pk])

    # --- derived values -----------------------------------------------------------------

    SEARCH_FIELDS = ("name", "name_kana", "address", "corporation_name", "phone", "fax")
    PHONE_FIELDS = ("phone", "fax")

    def build_search(self):
        self.search_text = self.search_text_for({f: getattr(self, f) for f in self.SEARCH_FIELDS})

    @classmethod
    def search_text_for(cls, values):
        """search_text from a dict of field values (imports build rows without instances): the
        folded name, kana, address and corporation, and the phone numbers as digits only (a
        number is typed with or without its dashes; search_term() drops them)."""
        texts = [str(values.get(f) or "") for f in cls.SEARCH_FIELDS if f not in cls.PHONE_FIELDS]
        phones = [digits(values.get(f) or "") for f in cls.PHONE_FIELDS]
        return normalize("|".join(texts + [p for p in phones if p]))

    def mark_manual(self, field_names):
        """Remember fields a person set, so that imports of national data leave them alone."""
        known = {f.name for f in self._meta.fields}
        self.manual_fields = sorted(set(self.manual_fields) | {n for n in field_names if n in known})

    @property
    def ward(self):
        """The ward (区) the facility is in: its area when that is a ward, else the ward above its
        日常生活圏域; None without one. It reads `area` and `area.parent` only, so a list that
        select_related("area__parent") asks nothing more for it."""
        area = self.area if self.area_id else None
        if area is not None and area.kind != Area.Kind.WARD:
            area = area.parent if area.parent_id else None
        return area if area is not None and area.kind == Area.Kind.WARD else None

    @property
    def place(self):
        """Where the facility is, in a few words: its address, else its ward, else its area."""
        if self.address:
            return self.address
        ward = self.ward
        if ward is not None:
            return ward.name
        return self.area.name if self.area_id else ""

    @property
    def where(self):
        """Its kind and place (「診療所・北九州市東区…」): what tells two facilities of one name apart
        in a list (name_with_place, or beside a linked name)."""
        return "・".join(part for part in (self.kind.name, self.place) if part)

    @property
    def name_with_place(self):
        """「すこやかクリニック（診療所・北九州市門司区…）」: the facility in a choice list."""
        return f"{self.name}（{self.where}）"

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def is_stale(self):
        return self.stale_as_of(self.stale_before())

    def stale_as_of(self, stale_before):
        """Never confirmed, or confirmed before `stale_before` (stale_before(): a list works it
        out once for its rows)."""
        return not self.confirmed_on or self.confirmed_on < stale_before

    @staticmethod
    def stale_before():
        """The day before which a confirmation is too old (is_stale)."""
        return timezone.localdate() - datetime.timedelta(days=settings.FACILITY_FRESH_DAYS)

    @property
    def distance_km(self):
        sq = getattr(self, "distance_sq", None)
        return None if sq is None else math.sqrt(max(sq, 0))

    def confirm(self, user, on=None):
        self.confirmed_on = on or timezone.localdate()
        self.confirmed_by = user
        self.save(update_fields=["confirmed_on", "confirmed_by", "updated_at"])
        FacilityChange.objects.create(facility=self, user=user, action=FacilityChange.Action.CONFIRM)

    def is_callable_at(self, moment):
        """Same rule as FacilityQuerySet.callable_at, on the (prefetched) windows."""
        weekday, now = contact_slot(moment)
        covering = [w for w in self.contact_windows.all() if w.weekday == weekday and w.start <= now < w.end]
        return any(w.kind == ContactWindow.Kind.CALL for w in covering) and not any(
            w.kind == ContactWindow.Kind.AVOID for w in covering
        )

    def weekly_windows(self):
        """{kind: [(weekday label, [windows])]} for the ケアマネタイム table."""
        table = {k: {d: [] for d in range(8)} for k in ContactWindow.Kind.values}
        for window in self.contact_windows.all():
            table[window.kind][window.weekday].append(window)
        return {kind: [(WEEKDAYS[d], days[d]) for d in range(8)] for kind, days in table.items()}

    def labels(self):
        """(capabilities, specialties, other services) of this facility, each in its table's order."""
        services = [k for k in self.services.all() if k.pk != self.kind_id]
        return list(self.capabilities.all()), list(self.specialties.all()), services

    @property
    def national_page_url(self):
        """This facility's page on the national site its code comes from, or ""."""
        return national_page_url(self)


class FacilityCapability(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="capability_links")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="facility_links")
    source = models.CharField("情報源", max_length=30, blank=True, help_text="manual / kouseikyoku など")
    since = models.DateField("開始日", null=True, blank=True)
    note = models.CharField("補足", max_length=200, blank=True)
    # When the answer "we offer it" was last given, and by whom (source says: manual is a
    # coordinator, facility the facility through its update link, anything else an import).
    stated_on = models.DateField("回答日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "施設の在宅対応機能"
        constraints = [
            models.UniqueConstraint(fields=["facility", "capability"], name="facility_capability_unique")
        ]
        indexes = [models.Index(fields=["capability", "facility"], name="capability_facility")]

    def __str__(self):
        return f"{self.facility} / {self.capability}"

    SOURCE_LABELS = {"manual": "センター", "facility": "施設の回答"}

    @property
    def source_label(self):
        return self.SOURCE_LABELS.get(self.source, "公表データの取込" if self.source else "")

    @property
    def is_old(self):
        return self.stated_on is not None and self.stated_on < timezone.localdate() - datetime.timedelta(
            days=settings.FACILITY_FRESH_DAYS
        )


class FacilitySpecialty(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="specialty_links")
    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="facility_links")

    class Meta:
        verbose_name = verbose_name_plural = "施設の診療科目"
        constraints = [
            models.UniqueConstraint(fields=["facility", "specialty"], name="facility_specialty_unique")
        ]
        indexes = [models.Index(fields=["specialty", "facility"], name="specialty_facility")]

    def __str__(self):
        return f"{self.facility} / {self.specialty}"


class ContactWindow(models.Model):
    """ケアマネタイム (when the doctor takes care managers' calls) or a time to avoid calling."""

    class Kind(models.TextChoices):
        CALL = "call", "ケアマネタイム（連絡可）"
        AVOID = "avoid", "連絡を避けてほしい時間"

    class Method(models.TextChoices):
        PHONE = "phone", "電話"
        FAX = "fax", "FAX"
        EMAIL = "email", "メール"
        VISIT = "visit", "来所・面談"
        ANY = "any", "指定なし"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="contact_windows")
    kind = models.CharField("種類", max_length=10, choices=Kind, default=Kind.CALL)
    weekday = models.PositiveSmallIntegerField("曜日", choices=list(enumerate(WEEKDAYS)))
    start = models.TimeField("開始")
    end = models.TimeField("終了")
    method = models.CharField("方法", max_length=10, choices=Method, default=Method.PHONE)
    note = models.CharField("補足", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "ケアマネタイム・連絡時間"
        ordering = ["kind", "weekday", "start"]
        indexes = [models.Index(fields=["facility", "weekday", "kind"], name="window_lookup")]

    def __str__(self):
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "終了時刻は開始時刻より後にしてください。"})


class FacilityChange(models.Model):
    """Who changed or confirmed a facility, and when (the row's history)."""

    class Action(models.TextChoices):
        CREATE = "create", "登録"
        UPDATE = "update", "更新"
        CONFIRM = "confirm", "最新と確認"
        IMPORT = "import", "取込"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField("日時", default=timezone.now)
    action = models.CharField("操作", max_length=10, choices=Action)
    fields = models.JSONField("変更項目", default=list, blank=True)
    # Who stated it when no user of the portal did: a facility's own answer by its update link
    # (施設の回答（更新用リンク）: the contact's name); `user` is then the coordinator who approved it.
    actor = models.CharField("回答者", max_length=150, blank=True, default="")
    batch = models.ForeignKey(
        "FacilityImport",
        verbose_name="取込",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )

    class Meta:
        verbose_name = verbose_name_plural = "施設の変更履歴"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.facility} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class DuplicateDismissal(models.Model):
    """Two facilities an admin judged to be different places (「重複ではない」 on
    /resources/duplicates/): the pair is not proposed again. Deleting the row (the list of
    dismissed pairs, or the admin) proposes it again. `first` is the one with the smaller id, so
    that a pair has one row whichever side it was dismissed from."""

    # No index of its own: the unique constraint starts with it.
    first = models.ForeignKey(
        Facility, verbose_name="施設1", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    second = models.ForeignKey(Facility, verbose_name="施設2", on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="判断した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismissed_at = models.DateTimeField("判断日時", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "重複ではないとした組"
        ordering = ["-dismissed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_dismissal_unique_pair"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="duplicate_dismissal_ordered"),
        ]

    def __str__(self):
        return f"{self.first} ／ {self.second}"

    @staticmethod
    def key(a, b):
        """(smaller id, larger id) of two facilities or ids: how a pair is stored and looked up."""
        a, b = getattr(a, "pk", a), getattr(b, "pk", b)
        return (a, b) if a < b else (b, a)


class FacilityImport(ImportBatch):
    """An uploaded directory file: its preview, its confirm and afterwards the record of the
    import (who, when, file, format, counts, the rows set aside)."""

    format = models.CharField("形式", max_length=40, blank=True)
    area_codes = models.JSONField("対象地域の追加（この取込のみ）", default=list, blank=True)
    mapping = models.JSONField("列の対応", default=dict, blank=True)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新規", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("変更なし", default=0)
    rejected = models.PositiveIntegerField("取り込めなかった行", default=0)
    out_of_scope = models.PositiveIntegerField("対象外", default=0)
    missing = models.PositiveIntegerField("見当たらなくなった施設", default=0)
    duplicates = models.JSONField("重複の可能性", default=list, blank=True)
    # What the preview (and then the import) found, for the batch page: samples of each action,
    # warnings, the rejected rows as read (for their download), the places out of scope.
    result = models.JSONField("結果", default=dict, blank=True)

    class Meta(ImportBatch.Meta):
        verbose_name = verbose_name_plural = "施設データの取込"

    @property
    def format_label(self):
        from resources.imports.formats import FORMATS  # noqa: PLC0415 — the import formats import these models

        return next((f.label for f in FORMATS if f.code == self.format), "")

    pipeline = "resources.importing"


def header_key(header):
    """What identifies a sheet's layout for its saved mapping: its column names, in order."""
    return hashlib.sha256("\x1f".join(header).encode()).hexdigest()[:32]


class ColumnMapping(models.Model):
    """How the columns of a city's own sheet map onto the portal's columns, remembered by the
    sheet's header so that next year's sheet with the same header maps itself."""

    header_key = models.CharField(max_length=32, unique=True)
    header = models.JSONField("見出し", default=list)
    mapping = models.JSONField("列の対応", default=dict)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField("保存日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "取込の列の対応"

    def __str__(self):
        return "、".join(h for h in self.header[:4] if h)

    @classmethod
    def remember(cls, header, mapping, user=None):
        return cls.objects.update_or_create(
            header_key=header_key(header), defaults={"header": header, "mapping": mapping, "saved_by": user}
        )[0]

    @classmethod
    def for_header(cls, header):
        found = cls.objects.filter(header_key=header_key(header)).first()
        return found.mapping if found else None


# --- keeping the directory true: update links, change requests, rounds, re-checks ------------

# Kinds whose 空床 (free beds) the update form asks about: short stays, residential care and
# hospitals (後方支援病床).
BED_KIND_CODES = (
    "hospital",
    "short-stay",
    "short-stay-medical",
    "short-stay-medical-hospital",
    "short-stay-care-hospital",
    "group-home",
    "specified-facility",
    "community-specified-facility",
    "special-nursing-home",
    "community-nursing-home",
    "health-facility",
    "care-medical-hospital",
    "small-multi",
    "nursing-small-multi",
)


class Vacancy(models.Model):
    """空床: how many beds of one service were free on a date, as the facility stated it."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="vacancies")
    service = models.ForeignKey(
        FacilityKind, verbose_name="サービス", on_delete=models.CASCADE, related_name="+"
    )
    beds = models.PositiveIntegerField("空床数")
    stated_on = models.DateField("時点")

    class Meta:
        verbose_name = verbose_name_plural = "空床"
        ordering = ["service__sort_order", "service__name"]
        constraints = [models.UniqueConstraint(fields=["facility", "service"], name="vacancy_unique_service")]

    def __str__(self):
        return f"{self.facility} {self.service}: {self.beds}床（{self.stated_on}）"


def new_token():

    return secrets.token_urlsafe(32)


def default_link_expiry():
    return timezone.localdate() + datetime.timedelta(days=settings.UPDATE_LINK_DAYS)


class ConfirmationRound(models.Model):
    """年1回の再調査: one update link per facility of a set, tracked until closed."""

    name = models.CharField("名称", max_length=100)
    kind = models.ForeignKey(
        FacilityKind, verbose_name="種別", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Area, verbose_name="地域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remind_after_days = models.PositiveSmallIntegerField("督促までの日数", default=21)
    started_at = models.DateTimeField("開始日時", default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="開始者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("締切日時", null=True, blank=True)
    # The center that runs the round: several centers share one directory (a prefecture-wide
    # deployment), and a round's reminders, letters and closing are that center's work alone.
    # Empty for a round started by an admin without a center (and old rows whose starter had
    # none): only admins reach those.
    center = models.ForeignKey(
        "coordination.Center",
        verbose_name="センター",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CenterOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "再調査"
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:round", args=[self.pk])


class UpdateLinkQuerySet(models.QuerySet):
    def live(self, today=None):
        """Neither revoked nor expired, whatever became of the facility."""
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)

    def active(self, today=None):
        """The links that open the update form, are emailed, reminded and printed: live links of
        an entry still in the directory. A closed entry (廃止, or merged into the one kept as a
        duplicate) takes no more changes, so its links stop here, not in each view."""
        return self.live(today).filter(facility__closed_on__isnull=True)

    def of_closed_facility(self, today=None):
        """Live links whose entry has since been closed or merged: their holder is told so
        (resources/update_closed.html) instead of a bare 404."""
        return self.live(today).filter(facility__closed_on__isnull=False)


class UpdateLink(models.Model):
    """A facility's private link to its update form: a long random token, one per facility
    contact, revocable and expiring. Whoever holds it may propose changes, never make them."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="update_links")
    contact = models.CharField("宛先（担当者）", max_length=100, blank=True, default="")
    email = models.EmailField("送付先メールアドレス", blank=True, default="")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    round = models.ForeignKey(
        ConfirmationRound,
        verbose_name="再調査",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links",
    )
    expires_on = models.DateField("有効期限", default=default_link_expiry)
    created_at = models.DateTimeField("発行日時", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField("送付日時", null=True, blank=True)
    reminded_at = models.DateTimeField("督促日時", null=True, blank=True)
    opened_at = models.DateTimeField("初回の開封日時", null=True, blank=True)
    answered_at = models.DateTimeField("回答日時", null=True, blank=True)
    revoked_at = models.DateTimeField("無効にした日時", null=True, blank=True)

    objects = UpdateLinkQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "更新用リンク"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "contact"],
                condition=Q(revoked_at__isnull=True),
                name="update_link_one_per_contact",
            )
        ]

    def __str__(self):
        return f"{self.facility}（{self.contact or '担当者'}）"

    def get_absolute_url(self):
        return reverse("resources:update_form", args=[self.token])

    @property
    def is_active(self):
        """As UpdateLinkQuerySet.active(), for one link already read (with its facility)."""
        return (
            self.revoked_at is None
            and self.expires_on >= timezone.localdate()
            and self.facility.closed_on is None
        )

    # One definition for a round's counts (updates.round_counts) and its rows.

    @staticmethod
    def first_opened(opened_at, answered_at):
        """When the link was first opened: an answer is an opening too (a link answered before
        its opening was stamped counts as opened when it was answered)."""
        return min((t for t in (opened_at, answered_at) if t is not None), default=None)

    @staticmethod
    def answer_changed(statuses):
        """Whether an answered link's answers (the statuses of its change requests) changed
        anything: 変更なし only when every answer was 変更なし."""
        return set(statuses) != {ChangeRequest.Status.UNCHANGED}

    @property
    def opened_on(self):
        return self.first_opened(self.opened_at, self.answered_at)

    @property
    def answer(self):
        """(changed, latest change request) of an answered link, None before its answer; reads
        change_requests.all(), which a list prefetches."""
        if self.answered_at is None:
            return None
        requests = sorted(self.change_requests.all(), key=lambda cr: (cr.submitted_at, cr.pk), reverse=True)
        changed = self.answer_changed(cr.status for cr in requests)
        latest = next((cr for cr in requests if cr.status != ChangeRequest.Status.UNCHANGED), None)
        return changed, latest

    @property
    def state(self):
        if self.answered_at:
            return "answered"
        if self.opened_at:
            return "opened"
        if self.sent_at:
            return "sent"
        return "issued"


class ChangeRequest(models.Model):
    """What a facility submitted through its link: the proposed values of every field of the
    form and the values they replaced, until a coordinator approves (all or some) or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認"
        PARTLY = "partly", "一部承認"
        REJECTED = "rejected", "却下"
        UNCHANGED = "unchanged", "変更なし"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="change_requests")
    link = models.ForeignKey(
        UpdateLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="change_requests"
    )
    submitted_at = models.DateTimeField("受付日時", default=timezone.now)
    submitted_by = models.CharField("回答者", max_length=100, blank=True, default="")
    before = models.JSONField("変更前", default=dict)
    proposed = models.JSONField("変更案", default=dict)
    message = models.TextField("センターへの連絡事項", blank=True, default="")
    status = models.CharField("状態", max_length=10, choices=Status, default=Status.PENDING)
    approved_fields = models.JSONField("承認した項目", default=list, blank=True)
    reason = models.CharField("理由（却下、または一部の反映）", max_length=300, blank=True, default="")
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "施設からの変更申請"
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="change_request_status")]

    def __str__(self):
        return f"{self.facility} {self.submitted_at:%Y-%m-%d} {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("resources:change_request", args=[self.pk])

    # The update form's order: the diff and the approved fields read in it on every database
    # (PostgreSQL's jsonb does not keep a dict's key order).
    KEY_ORDER = (
        "postal_code",
        "address",
        "phone",
        "fax",
        "accepting",
        "contact_person",
        "direct_phone",
        "contact_email",
        "contact_fax",
        "avoid_note",
        "windows",
        "capabilities",
        "areas_served",
    )

    @classmethod
    def ordered(cls, keys):
        rank = {key: index for index, key in enumerate(cls.KEY_ORDER)}
        return sorted(keys, key=lambda key: (rank.get(key, len(rank)), key))

    @property
    def changed_keys(self):
        return self.ordered(key for key, value in self.proposed.items() if self.before.get(key) != value)


class Recheck(models.Model):
    """A facility the consultation window found wrong (no answer, wrong data, not accepting):
    on the coordinators' list until someone checks it. The entry itself is never edited here."""

    class Reason(models.TextChoices):
        UNREACHABLE = "unreachable", "連絡不通"
        WRONG = "wrong", "情報誤り"
        STOPPED = "stopped", "受入停止"

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="rechecks")
    reason = models.CharField("理由", max_length=12, choices=Reason)
    detail = models.CharField("内容", max_length=300, blank=True, default="")
    # Where it came from (a consultation): told as a label and the page it is on, since the
    # directory comes before the consultation log and never refers to its tables.
    origin = models.CharField("きっかけ", max_length=100, blank=True, default="")
    origin_url = models.CharField("きっかけのページ", max_length=200, blank=True, default="")
    origin_key = models.CharField(max_length=60, blank=True, default="", editable=False)
    center = models.ForeignKey(
        "coordination.Center",
        verbose_name="センター",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", default=timezone.now)
    # The day the facility said it (a 連絡調整's 連絡日時, Asia/Tokyo), told by the consultation log
    # that opened it: a call is often logged days later, and a status is dated by when it was
    # heard. Empty for a report, and for the re-checks opened before it was kept (heard_date).
    heard_on = models.DateField("聞き取った日", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("確認済みの日時", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.CharField("確認の結果", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "再確認リスト"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["closed_at", "facility"], name="recheck_open")]

    def __str__(self):
        return f"{self.facility} {self.get_reason_display()}"

    @property
    def heard_date(self):
        """The day the re-check's news was heard: the one told, else the day it was listed."""
        return self.heard_on or timezone.localdate(self.created_at)


class RoundMailing(Progress, models.Model):
    """One sending of a round's emails (the links at its start, or a reminder), done by the task
    worker so that a request only queues it: a city's round reaches thousands of addresses. The
    round page shows its progress as the import pages show theirs."""

    class Kind(models.TextChoices):
        LINKS = "links", "リンクの送付"
        REMINDERS = "reminders", "督促"

    class Status(models.TextChoices):
        QUEUED = "queued", "送信待ち"
        RUNNING = "running", "送信中"
        DONE = "done", "送信済み"
        FAILED = "failed", "失敗"

    RUNNING_STATES = (Status.QUEUED, Status.RUNNING)
    QUEUED_STATES = (Status.QUEUED,)

    round = models.ForeignKey(
        ConfirmationRound, verbose_name="再調査", on_delete=models.CASCADE, related_name="mailings"
    )
    kind = models.CharField("内容", max_length=10, choices=Kind)
    status = models.CharField("状態", max_length=10, choices=Status, default=Status.QUEUED)
    # The address people reach the portal by, taken from the request that queued the sending,
    # so that the emailed links are the same as the ones shown on the round page.
    base_url = models.CharField(max_length=200, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依頼者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("依頼日時", default=timezone.now)
    phase = models.CharField("処理中の段階", max_length=100, blank=True, default="")
    done = models.PositiveIntegerField("送信済み", default=0)
    total = models.PositiveIntegerField("全体", default=0)
    sent = models.PositiveIntegerField("送ったメール", default=0)
    heartbeat = models.DateTimeField("最終更新", null=True, blank=True)
    failure = models.TextField("失敗の理由", blank=True, default="")
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "再調査のメール送信"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.round}: {self.get_kind_display()}（{self.get_status_display()}）"


# --- Community resources (生活支援): the facts a サロン or a 見守り group has beside a facility's ---


class CommunityActivity(models.Model):
    """What a community resource (a Facility whose kind is in the 「地域の活動」 group) has beyond a
    facility's fields: who runs it, for whom, what it costs, how to reach the organiser. Its
    meeting days are MeetingRule rows (resources/recurrence.py computes the dates)."""

    facility = models.OneToOneField(
        Facility, verbose_name="施設・事業所", on_delete=models.CASCADE, related_name="community"
    )
    organiser = models.CharField(
        "運営団体", max_length=200, help_text="例: 〇〇町内会、ボランティアグループ△△", **OPTIONAL_TEXT
    )
    audience = models.CharField(
        "対象", max_length=200, help_text="例: おおむね65歳以上の方、どなたでも", **OPTIONAL_TEXT
    )
    fee = models.CharField("参加費", max_length=100, help_text="例: 無料、100円、実費", **OPTIONAL_TEXT)
    # Unknown (None) until the organiser says: a resident must not read 「予約はいりません」 of an
    # entry nobody asked about.
    booking_required = models.BooleanField(
        "予約",
        null=True,
        blank=True,
        default=None,
        choices=[(True, "予約が必要"), (False, "予約はいらない")],
    )
    contact_name = models.CharField("問い合わせ先（担当者）", max_length=100, **OPTIONAL_TEXT)
    contact_phone = models.CharField("問い合わせ先（電話）", max_length=20, **OPTIONAL_TEXT)
    contact_public = models.BooleanField(
        "問い合わせ先を一般に公開する",
        default=False,
        help_text="外すと、問い合わせ先は専門職・センターの職員だけに表示されます",
    )
    schedule_note = models.CharField(
        "日程の補足", max_length=200, help_text="例: 8月はお休み、雨天中止", **OPTIONAL_TEXT
    )

    class Meta:
        verbose_name = verbose_name_plural = "地域の活動の詳細"

    def __str__(self):
        return str(self.facility)

    def rules_list(self):
        return list(self.rules.all())

    def next_date(self, today=None):
        """The first meeting date on or after `today` (default: today in Asia/Tokyo)."""
        return recurrence.next_of_rules(self.rules_list(), today or recurrence.today())

    def next_meeting(self, today=None):
        """(date, rule) of the next meeting: the page says its hours."""
        return recurrence.next_meeting(self.rules_list(), today or recurrence.today())

    def dates_between(self, start, end):
        return recurrence.dates_of_rules(self.rules_list(), start, end)

    def schedule_text(self):
        return "、".join(recurrence.describe(rule) for rule in self.rules_list())

    def contact_visible_to(self, user):
        """The organiser's contact reaches anonymous visitors and officials only when public; the
        生活支援コーディネーター who keep the community resources see it too."""
        is_keeper = user.is_authenticated and user.role == Role.LIFE_SUPPORT
        return self.contact_public or sees_professional_fields(user) or is_keeper


class MeetingRule(models.Model):
    """One recurrence of a community activity: every week, the nth weekdays of the month
    (第2・第4火曜; 月1回 is one n) or a day of the month, with its hours; a group that does not
    meet on 祝日 says so. An activity may have several (毎週月曜 and 第1土曜)."""

    class Pattern(models.TextChoices):
        WEEKLY = recurrence.WEEKLY, "毎週"
        MONTHLY_NTH = recurrence.MONTHLY_NTH, "毎月 第n曜日"
        MONTHLY_DAY = recurrence.MONTHLY_DAY, "毎月 日付"

    activity = models.ForeignKey(
        CommunityActivity, verbose_name="地域の活動", on_delete=models.CASCADE, related_name="rules"
    )
    pattern = models.CharField("くり返し", max_length=12, choices=Pattern, default=Pattern.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        "曜日", choices=list(enumerate(WEEKDAYS[:7])), null=True, blank=True
    )
    weeks = models.CharField(
        "第何週",
        max_length=5,
        blank=True,
        default="",
        help_text="「毎月 第n曜日」のとき、数字を続けて（第2・第4なら 24）",
    )
    day = models.PositiveSmallIntegerField(
        "日", null=True, blank=True, help_text="「毎月 日付」のとき（1〜31）"
    )
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    skips_holidays = models.BooleanField("祝日は休み", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "開催日のきまり"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day__isnull=True) | Q(day__gte=1, day__lte=31), name="meeting_rule_day_range"
            ),
        ]

    def __str__(self):
        return recurrence.describe(self)

    def clean(self):
        errors = {}
        if self.pattern in (self.Pattern.WEEKLY, self.Pattern.MONTHLY_NTH) and self.weekday is None:
            errors["weekday"] = "曜日を選んでください。"
        if self.pattern == self.Pattern.MONTHLY_NTH:
            weeks = str(self.weeks or "")
            if not weeks or any(c not in "12345" for c in weeks):
                errors["weeks"] = (
                    "第何週かを 1〜5 の数字で入力してください（第2・第4なら「2・4」または「24」）。"
                )
        if self.pattern == self.Pattern.MONTHLY_DAY and not (self.day and 1 <= self.day <= 31):
            errors["day"] = "日付を 1〜31 で入力してください。"
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            errors["end_time"] = "終了時刻は開始時刻より後にしてください。"
        if errors:
            raise ValidationError(errors)
