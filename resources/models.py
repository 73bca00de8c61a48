"""The directory of medical and care resources (ア).

Kinds, capabilities and specialties are rows, not columns, so an admin can add one without a
migration. Text search runs on `search_text`, a normalised copy of name, kana, address and
corporation (see coordination.text.normalize), and on PostgreSQL on one GIN expression index over
it: portal_bigrams(search_text), the tsvector of its 2-grams, which serves terms of any length
(森, 眼科, ひまわり; docs/architecture.md says why not pg_trgm)."""

import datetime
import math
import operator

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from coordination.models import Area
from coordination.text import normalize

WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日", "祝"]
HOLIDAY = 7


class FacilityKind(models.Model):
    class Group(models.TextChoices):
        MEDICAL = "medical", "医療"
        CARE = "care", "介護"
        OTHER = "other", "その他"

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("種別", max_length=60, unique=True)
    group = models.CharField("区分", max_length=10, choices=Group, default=Group.CARE)
    service_code = models.CharField(
        "サービスコード",
        max_length=4,
        blank=True,
        help_text="介護サービス情報公表システムのサービス種類コード",
    )
    sort_order = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "施設種別"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Capability(models.Model):
    """A home-care capability (訪問診療, 往診, 在宅看取り, 支援診1 …)."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    group = models.CharField("分類", max_length=30, blank=True)
    description = models.CharField("説明", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "在宅対応機能"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Specialty(models.Model):
    name = models.CharField("診療科目", max_length=40, unique=True)
    sort_order = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "診療科目"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


def contact_slot(moment):
    """(ContactWindow weekday, minute) of a moment in Asia/Tokyo; national holidays are 祝 (7)."""
    from coordination.dates import is_national_holiday

    local = timezone.localtime(moment)
    weekday = HOLIDAY if is_national_holiday(local.date()) else local.weekday()
    return weekday, local.time().replace(second=0, microsecond=0)


def _ids_by_name(model, terms, rows=None):
    """{normalised name: pk} of the rows of a small lookup table whose name is one of `terms`
    (`rows`: the table's held {pk: row}, when the caller has it)."""
    wanted = set(terms)
    pairs = (
        ((pk, row.name) for pk, row in rows.items())
        if rows is not None
        else model.objects.values_list("pk", "name")
    )
    return {normalize(name): pk for pk, name in pairs if normalize(name) in wanted}


def _pg_term_condition(term, specialty_id=None, capability_id=None):
    """One search term on PostgreSQL: the 2-gram GIN index (migration 0010) finds the rows
    that have every 2-gram of the term (a 1-character term: a 2-gram starting with it), and
    strpos() checks that the term itself occurs. A term that also names a specialty/capability
    (眼科, 訪問診療) also matches the facilities tagged with it (search_tags, migration 0009),
    ORed inside the indexes.

    The statistics of the expression index give the planner the share of rows with a 2-gram
    (for 1–2 characters, that of the term: 中央 is a fifth of the directory); strpos() is
    cheap per row, so the planner runs it before portal_bigrams() (costly) wherever it filters
    rows of another index. The planner multiplies the shares of a longer term's 2-grams as if
    they were independent (ひまわり: 4 estimated, 11,695 found), which only makes it prefer the
    index; resources.filters.CappedPaginator reads pages by the count, not by the estimate."""
    # strpos() first: inside an OR (the tags below) the planner keeps the written order, and a
    # row that fails it must not pay for portal_bigrams().
    text_sql = f"(strpos(resources_facility.search_text, %s) > 0 AND {BIGRAMS_SQL} @@ %s::tsquery)"
    text_params = [term, bigram_query(term)]
    tags = ([f"s{specialty_id}"] if specialty_id else []) + ([f"c{capability_id}"] if capability_id else [])
    if tags:
        # Or has that specialty/capability: the two GIN indexes are ORed before any row is read.
        text_sql = f"({text_sql} OR {TAGS_SQL} && %s)"
        text_params = [*text_params, tags]
    return Q(RawSQL(text_sql, text_params, output_field=BooleanField()))


def bigram_query(term):
    """The tsquery text for a term: each of its 2-grams quoted (a quote doubled, a backslash
    escaped) and ANDed; one character is a prefix query."""

    def quoted(lexeme):
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

    if len(term) == 1:
        return quoted(term) + ":*"
    grams = dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1))  # in order, once each
    return " & ".join(quoted(g) for g in grams)


# The indexed expression (migration 0010): the 2-grams of search_text as a tsvector.
BIGRAMS_SQL = "portal_bigrams(resources_facility.search_text)"
# PostgreSQL only (migration 0009): a facility's capability and specialty ids as tokens ("c12",
# "s5"), kept by triggers on the link tables, with a GIN index over this expression.
TAGS_SQL = "string_to_array(resources_facility.search_tags, ' ')"


def _pg_tags(tags):
    return Q(RawSQL(f"{TAGS_SQL} @> %s", [list(tags)], output_field=BooleanField()))


def distance_km(lat1, lng1, lat2, lng2):
    """Equirectangular distance; exact enough within a city."""
    x = (lng2 - lng1) * math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    y = (lat2 - lat1) * 110.57
    return math.hypot(x, y)


# The Meta.ordering of the lookup tables (kinds, capabilities, specialties), for rows held in Python.
LOOKUP_ORDER = operator.attrgetter("sort_order", "name")


def lookup_tables(version):
    """{"capability"|"specialty"|"kind"|"area": {pk: row}} held per process for a directory version: the
    tables are small and change rarely, and every write moves the version (coordination.fragments)."""
    from coordination.fragments import held

    return held(
        "resources.lookups",
        version,
        lambda: {
            "capability": {c.pk: c for c in Capability.objects.all()},
            "specialty": {s.pk: s for s in Specialty.objects.all()},
            "kind": {k.pk: k for k in FacilityKind.objects.all()},
            "area": {a.pk: a for a in Area.objects.all()},
        },
    )


class FacilityQuerySet(models.QuerySet):
    def search(self, text, lookups=None):
        """Every whitespace-separated term must occur in name, kana, address or corporation,
        folded for width and kana. A term that names a specialty or a capability (眼科,
        訪問診療) also matches facilities that have it. `lookups`: the held lookup tables."""
        terms = [normalize(raw) for raw in (text or "").split()]
        terms = [t for t in terms if t]
        if not terms:
            return self
        specialty_ids = _ids_by_name(Specialty, terms, lookups and lookups["specialty"])
        capability_ids = _ids_by_name(Capability, terms, lookups and lookups["capability"])
        for term in terms:
            if connection.vendor == "postgresql":
                self = self.filter(
                    _pg_term_condition(term, specialty_ids.get(term), capability_ids.get(term))
                )
                continue
            condition = Q(search_text__contains=term)
            if term in specialty_ids:
                links = FacilitySpecialty.objects.filter(
                    facility=OuterRef("pk"), specialty_id=specialty_ids[term]
                )
                condition |= Q(Exists(links))
            if term in capability_ids:
                links = FacilityCapability.objects.filter(
                    facility=OuterRef("pk"), capability_id=capability_ids[term]
                )
                condition |= Q(Exists(links))
            self = self.filter(condition)
        return self

    def with_capabilities(self, capabilities):
        """Facilities that have ALL of the given capabilities."""
        if connection.vendor == "postgresql":
            return self.filter(_pg_tags(f"c{c.pk}" for c in capabilities)) if capabilities else self
        for capability in capabilities:
            links = FacilityCapability.objects.filter(facility=OuterRef("pk"), capability=capability)
            self = self.filter(Exists(links))
        return self

    def with_specialty(self, specialty):
        if connection.vendor == "postgresql":
            return self.filter(_pg_tags([f"s{specialty.pk}"]))
        return self.filter(
            Exists(FacilitySpecialty.objects.filter(facility=OuterRef("pk"), specialty=specialty))
        )

    def in_area(self, area):
        return self.filter(area_id__in=area.descendant_ids())

    def callable_at(self, moment):
        """★ 電話できる時間帯: a ケアマネタイム window covers `moment` (Asia/Tokyo) and no
        'avoid' window does. National holidays use the 祝 windows only."""
        weekday, now = contact_slot(moment)
        windows = ContactWindow.objects.filter(
            facility=OuterRef("pk"), weekday=weekday, start__lte=now, end__gt=now
        )
        return self.filter(Exists(windows.filter(kind=ContactWindow.Kind.CALL))).exclude(
            Exists(windows.filter(kind=ContactWindow.Kind.AVOID))
        )

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


# The optional text fields of a facility have their empty default in the database too: an
# import writes only the columns its format owns and leaves the rest to the database (a
# national file fills about half of the 33 columns; each column sent costs every row).
OPTIONAL_TEXT = {"blank": True, "default": "", "db_default": ""}


class Facility(models.Model):
    class Accepting(models.TextChoices):
        UNKNOWN = "", "不明"
        YES = "yes", "受入可"
        CONSULT = "consult", "要相談"
        NO = "no", "受入停止中"

    # No index of its own: facility_kind_area and facility_code_unique_per_kind start with it,
    # and every index costs each imported row (docs/performance.md).
    kind = models.ForeignKey(
        FacilityKind, verbose_name="種別", on_delete=models.PROTECT, related_name="facilities", db_index=False
    )
    services = models.ManyToManyField(
        FacilityKind,
        verbose_name="提供サービス",
        blank=True,
        related_name="+",
        help_text="同じ事業所番号で提供している他のサービス",
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
    # area, updated_by and confirmed_by have no database constraint: the database checked each
    # of them for every imported row (0.5 s per 100,000 rows each, docs/performance.md).
    # Deleting an area or a user sets them to NULL through Django (on_delete), as it did
    # before; the imports take areas from the loaded table, the forms from a choice of them.
    area = models.ForeignKey(
        Area,
        verbose_name="地域",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        db_constraint=False,
    )
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
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

    # Freshness: when somebody confirmed the entry is current, not when the row was saved.
    confirmed_on = models.DateField("最終確認日", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # only deleting a user looks facilities up by it (a scan is fine there)
        db_constraint=False,  # see area
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # only deleting a user looks facilities up by it (a scan is fine there)
        db_constraint=False,  # see area
    )

    # Identifier in 医療情報ネット (ナビイ) open data: 13 digits, not the 医療機関番号.
    navii_id = models.CharField("医療情報ネットID", max_length=13, **OPTIONAL_TEXT)  # index in Meta
    # Fields a person edited (form, admin, the portal's own sheet). National data never
    # overwrites them; see docs/import.md for which format owns which field.
    manual_fields = models.JSONField("手入力した項目", default=list, blank=True, editable=False)

    search_text = models.TextField(editable=False, default="")

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
        from django.urls import reverse

        return reverse("resources:detail", args=[self.pk])

    # --- derived values -----------------------------------------------------------------

    SEARCH_FIELDS = ("name", "name_kana", "address", "corporation_name")

    def build_search(self):
        self.search_text = self.search_text_for({f: getattr(self, f) for f in self.SEARCH_FIELDS})

    @classmethod
    def search_text_for(cls, values):
        """search_text from a dict of field values (imports build rows without instances).
        One normalize() over the joined fields gives the same text as one per field (each step
        works character by character and '|' composes with nothing) at a third of the cost."""
        return normalize("|".join(str(values.get(f) or "") for f in cls.SEARCH_FIELDS))

    def mark_manual(self, field_names):
        """Remember fields a person set, so that imports of national data leave them alone."""
        known = {f.name for f in self._meta.fields}
        self.manual_fields = sorted(set(self.manual_fields) | {n for n in field_names if n in known})

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def is_stale(self):
        if not self.confirmed_on:
            return True
        return self.confirmed_on < timezone.localdate() - datetime.timedelta(
            days=settings.FACILITY_FRESH_DAYS
        )

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

    @classmethod
    def attach_list_labels(cls, facilities, tables):
        """Sets each facility's kind, area and `capability_list` from the held lookup tables: one
        query for the capability links of the whole page, instead of two joins and a prefetch
        that build a kind, an area and every capability anew for each row."""
        ids = [f.pk for f in facilities]
        held = {pk: [] for pk in ids}
        links = FacilityCapability.objects.filter(facility_id__in=ids).values_list(
            "facility_id", "capability_id"
        )
        for facility_id, capability_id in links:
            if capability_id in tables["capability"]:
                held[facility_id].append(tables["capability"][capability_id])
        for f in facilities:
            # A row written after the tables were read (a new kind or area) loads its own.
            if f.kind_id in tables["kind"]:
                f.kind = tables["kind"][f.kind_id]
            if f.area_id in tables["area"]:
                f.area = tables["area"][f.area_id]
            f.capability_list = sorted(held[f.pk], key=LOOKUP_ORDER)
        return facilities

    def labels(self):
        """(capabilities, specialties, other services) of this facility, each in its table's order:
        one query over the three link tables, the rows from the per-process lookup tables (the
        facility page's three prefetches cost more than the rest of its queries together)."""
        from coordination.fragments import versions

        tables = lookup_tables(versions("directory")["directory"])
        links = (
            ("capability", FacilityCapability._meta.db_table, "capability_id"),
            ("specialty", FacilitySpecialty._meta.db_table, "specialty_id"),
            ("kind", Facility.services.through._meta.db_table, "facilitykind_id"),
        )
        sql = " UNION ALL ".join(
            f"SELECT %s, {column} FROM {table} WHERE facility_id = %s" for _, table, column in links
        )
        found = {name: [] for name, _, _ in links}
        with connection.cursor() as cursor:
            cursor.execute(sql, [p for name, _, _ in links for p in (name, self.pk)])
            for name, pk in cursor.fetchall():
                if pk in tables[name]:
                    found[name].append(tables[name][pk])
        services = [k for k in found["kind"] if k.pk != self.kind_id]
        return (
            sorted(found["capability"], key=LOOKUP_ORDER),
            sorted(found["specialty"], key=LOOKUP_ORDER),
            sorted(services, key=LOOKUP_ORDER),
        )


class FacilityCapability(models.Model):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="capability_links")
    capability = models.ForeignKey(Capability, on_delete=models.CASCADE, related_name="facility_links")
    source = models.CharField("情報源", max_length=30, blank=True, help_text="manual / kouseikyoku など")
    since = models.DateField("開始日", null=True, blank=True)
    note = models.CharField("補足", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "施設の在宅対応機能"
        constraints = [
            models.UniqueConstraint(fields=["facility", "capability"], name="facility_capability_unique")
        ]
        indexes = [models.Index(fields=["capability", "facility"], name="capability_facility")]

    def __str__(self):
        return f"{self.facility} / {self.capability}"


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
        from django.core.exceptions import ValidationError

        if self.start and self.end and self.start >= self.end:
            raise ValidationError({"end": "終了時刻は開始時刻より後にしてください。"})


class FacilityChange(models.Model):
    """Who changed or confirmed a facility, and when (the row's history).

    An append-only log written by the portal's own code, next to the change it records and in
    the same transaction: its references are not database constraints (db_constraint=False).
    A constraint check costs a row lock of the facility at commit, which was 0.7 s of a
    100,000-row import (docs/performance.md). Deleting a facility still deletes its history,
    and deleting a user or an import record still empties the reference: Django does both."""

    class Action(models.TextChoices):
        CREATE = "create", "登録"
        UPDATE = "update", "更新"
        CONFIRM = "confirm", "最新と確認"
        IMPORT = "import", "取込"

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="changes", db_constraint=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,  # never looked up by user; every imported row paid for it
    )
    at = models.DateTimeField("日時", default=timezone.now)
    action = models.CharField("操作", max_length=10, choices=Action)
    fields = models.JSONField("変更項目", default=list, blank=True)
    batch = models.ForeignKey(
        "FacilityImport",
        verbose_name="取込",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
        db_constraint=False,
    )

    class Meta:
        verbose_name = verbose_name_plural = "施設の変更履歴"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.facility} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class FacilityImport(models.Model):
    """An uploaded directory file between preview and confirm, and afterwards the record of
    the import (who, when, file, format, counts). The file is kept in the database until
    confirm so that any app server can finish it."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "確認待ち"
        DONE = "done", "取込済み"
        REJECTED = "rejected", "エラーのため中止"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("日時", default=timezone.now)
    file_name = models.CharField("ファイル名", max_length=255)
    format = models.CharField("形式", max_length=40, blank=True)
    content = models.BinaryField(default=b"")
    status = models.CharField("状態", max_length=10, choices=Status, default=Status.PREVIEW)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新規", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("変更なし", default=0)
    errors = models.PositiveIntegerField("エラー", default=0)
    duplicates = models.JSONField("重複の可能性", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "施設データの取込"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    def finish(self, plan):
        """Record the writing pass: counts and possible duplicates when it was saved, the
        error count (and nothing imported) when it was rolled back. The file is not kept."""
        from resources.duplicates import possible_duplicates

        saved = plan.ok
        self.format = plan.format.code if plan.format else ""
        self.status = self.Status.DONE if saved else self.Status.REJECTED
        self.content = b""
        self.rows = plan.rows
        self.created, self.updated, self.unchanged = (
            (plan.created, plan.updated, plan.unchanged) if saved else (0, 0, 0)
        )
        self.errors = len(plan.errors)
        self.duplicates = (
            [[f.pk for f in group] for group in possible_duplicates(only_ids=plan.changed_ids)]
            if saved
            else []
        )
        self.save()
