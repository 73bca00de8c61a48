"""Training (カ) and public events (キ): events, registrations with a waiting list, attendance
by profession, task lists (棚卸表) and the yearly history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from coordination import dates
from coordination.models import (
    Center,
    CenterOwnedQuerySet,
    CreatedAndUpdated,
    LookupTable,
    Ordered,
    Organisation,
    Profession,
    official_center_ids,
)
from coordination.text import normalize


class EventFormat(LookupTable):
    """形式 (講演, グループワーク, 事例検討 …): data, so an admin adds one without a migration."""

    name = models.CharField("形式", max_length=50, unique=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "研修の形式"


class SupporterCourse(LookupTable):
    """A course that trains volunteers (認知症サポーター養成講座, あったか・サポーター, 健脚推進ボランティア):
    the attendees of an event of that course are that year's new supporters."""

    name = models.CharField("サポーターの種類", max_length=50, unique=True, help_text="例: 認知症サポーター")

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "サポーター養成講座の種類"


class Item(models.TextChoices):
    """The 在宅医療・介護連携推進事業 item an event serves."""

    TRAINING = "ka", "カ 医療・介護関係者の研修"
    PUBLIC = "ki", "キ 地域住民への普及啓発"


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", "対面"
    ONLINE = "online", "オンライン"
    HYBRID = "hybrid", "ハイブリッド"


class EventQuerySet(CenterOwnedQuerySet):
    def for_user(self, user):
        """As for every center's records, and an event held jointly is also its co-hosting
        centers' (one event, managed and counted by each of them once)."""
        if user.is_authenticated and user.is_active and user.role == "coordinator" and user.center_id:
            return self.of_centers([user.center_id])
        return super().for_user(user)

    def readable_by(self, user):
        """Officials read every center's events, or (区役所 staff) those their ward's centers held
        or co-hosted, as they read those centers' other records."""
        if user.is_authenticated and user.is_active and user.role == "official":
            center_ids = official_center_ids(user)
            return self if center_ids is None else self.of_centers(center_ids)
        return self.for_user(user)

    def of_centers(self, center_ids):
        """Events these centers held or co-hosted."""
        co_hosted = Event.co_host_centers.through.objects.filter(center_id__in=center_ids)
        return self.filter(Q(center_id__in=center_ids) | Q(pk__in=co_hosted.values("event_id")))

    def public(self):
        """キ events: the public page lists them without login."""
        return self.filter(item=Item.PUBLIC)

    def not_ended(self, now=None):
        """Events not over by `now`: exactly those whose Event.state() is not 終了, so a list of
        what is coming agrees with each event's badge (an event that has begun stays, 開催中)."""
        return self.filter(_not_ended(now or timezone.now()))

    def ended(self, now=None):
        """Events over by `now` (Event.state() is 終了): the rest of not_ended()."""
        return self.exclude(_not_ended(now or timezone.now()))

    def with_seats(self):
        """Annotates confirmed_count and waitlisted_count (one query for a whole list)."""
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waitlisted_count=Count("registrations", filter=Q(registrations__status="waitlisted")),
        )

    def visible_to_professional(self, user, now=None):
        """What a professional may open: events taking sign-ups, and those they signed up for."""
        return self.filter(
            Q(pk__in=Event.objects.open_for_registration(now).values("pk"))
            | Q(pk__in=Registration.objects.filter(user=user).values("event_id"))
        )

    def held(self, now=None):
        """Events that took place: begun by now (the yearly history counts these only, so a
        planned event with its expected attendance is not reported as done)."""
        return self.filter(starts_at__lte=now or timezone.now())

    def open_for_registration(self, now=None):
        """Events taking sign-ups: registration open, its 申込締切 (if any) not past, and not begun
        (Event.state() is then 受付中 or 満席). Once an event has started the center counts who
        came, so nobody signs up."""
        now = now or timezone.now()
        today = timezone.localtime(now).date()
        return self.filter(registration_open=True, starts_at__gt=now).filter(
            Q(application_deadline__isnull=True) | Q(application_deadline__gte=today)
        )


def _not_ended(now):
    """Event.ends_by > now as a filter: not begun, or an end time still ahead, or (no end time)
    begun today or later in Tokyo, since such an event lasts to the end of its day."""
    today = timezone.localtime(now).date()
    start_of_today, _ = dates.day_bounds(today, today)
    return Q(starts_at__gt=now) | Q(ends_at__gt=now) | Q(ends_at__isnull=True, starts_at__gte=start_of_today)


class EventState(models.TextChoices):
    """Where an event stands for sign-ups and on the day: the one label the event page, the lists
    and the home panel show (Event.state())."""

    OPEN = "open", "申込受付中"
    FULL = "full", "満席（キャンセル待ち可）"
    CLOSED = "closed", "申込受付終了"
    NOT_NEEDED = "not_needed", "申込不要"
    # Sign-ups by phone or FAX to the center (the event's 申込方法), not through the portal.
    ELSEWHERE = "elsewhere", "電話・FAX等で申込"
    IN_PROGRESS = "in_progress", "開催中"
    ENDED = "ended", "終了"


class AlreadyCancelled(Exception):
    """The registration was cancelled already (by a cancel sent at the same moment)."""


class Event(CreatedAndUpdated):
    center = models.ForeignKey(
        Center, verbose_name="担当センター", on_delete=models.PROTECT, related_name="events"
    )
    co_host_centers = models.ManyToManyField(
        Center,
        verbose_name="共催センター",
        blank=True,
        related_name="co_hosted_events",
        help_text="複数のセンターが合同で開く場合（一つの研修として、各センターの一覧と実績に1回だけ載ります）",
    )
    title = models.CharField("名称", max_length=200)
    item = models.CharField("事業項目", max_length=2, choices=Item, default=Item.TRAINING)
    starts_at = models.DateTimeField("開始日時")
    ends_at = models.DateTimeField("終了日時", null=True, blank=True)
    delivery = models.CharField("開催方法", max_length=10, choices=Delivery, default=Delivery.IN_PERSON)
    venue = models.CharField("会場・オンラインの案内", max_length=200, blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name="主催・共催・後援",
        through="EventOrganisation",
        blank=True,
        related_name="events",
    )
    organisers_note = models.CharField(
        "その他の主催・共催・後援",
        max_length=200,
        blank=True,
        help_text="団体一覧にない団体名（例: 県立○○病院）",
    )
    audience_professions = models.ManyToManyField(
        Profession, verbose_name="対象職種", blank=True, related_name="+"
    )
    audience_note = models.CharField("対象", max_length=200, blank=True, help_text="例: 多職種、一般市民")
    formats = models.ManyToManyField(EventFormat, verbose_name="形式", blank=True, related_name="events")
    supporter_course = models.ForeignKey(
        SupporterCourse,
        verbose_name="サポーター養成講座",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="養成講座のとき、その種類（参加人数をその年度に養成したサポーターとして数えます）",
    )
    speakers = models.TextField("講師・ファシリテーター", blank=True)
    capacity = models.PositiveIntegerField("定員", null=True, blank=True, help_text="空欄は定員なし")
    description = models.TextField("内容", blank=True)
    registration_open = models.BooleanField("参加申込を受け付ける", default=True)
    # What residents read on the public page (they apply by phone or FAX, not on the portal).
    fee = models.CharField("参加費", max_length=100, blank=True, help_text="例: 無料、資料代500円")
    application_deadline = models.DateField(
        "申込締切",
        null=True,
        blank=True,
        help_text="この日まで申込を受け付けます（翌日からポータルでの申込も締め切ります）",
    )
    application_method = models.CharField(
        "申込方法",
        max_length=200,
        blank=True,
        help_text="ポータル以外での申込の方法（例: 電話またはFAXで○○センターへ（電話 093-000-0000））",
    )
    extra_organisations = models.PositiveIntegerField(
        "申込以外の参加団体数", default=0, help_text="申込なしで参加した団体の数（参加団体数に加算）"
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "研修・イベント"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["center", "starts_at"], name="event_center_time")]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y/%m/%d} {self.title}"

    def get_absolute_url(self):
        return reverse("training:detail", args=[self.pk])

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "終了日時が開始日時より前になっています。"})

    def organisers_by_role(self):
        """{'主催': [...], '共催': [...], '後援': [...]} from the through rows (prefetch `organiser_links`)."""
        result = {label: [] for _, label in EventOrganisation.Role.choices}
        for link in self.organiser_links.all():
            result[link.get_role_display()].append(link.organisation.name)
        return result

    def organisers_in_order(self):
        """The through rows 主催 first, then 共催, then 後援 (prefetch `organiser_links`): the rows'
        own ordering is by the stored role value, which puts co_host before host."""
        rank = {value: i for i, value in enumerate(EventOrganisation.Role.values)}
        return sorted(self.organiser_links.all(), key=lambda link: (rank[link.role], link.pk))

    # --- Registration and the waiting list -------------------------------------------------

    def register(self, *, name, organisation, profession, email="", name_kana="", user=None, by=None):
        """A registration, on the waiting list when the event is full. The event row is locked
        so that two people taking the last seat at once cannot both get it."""
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=self.pk)
            full = event.capacity is not None and event.registrations.confirmed().count() >= event.capacity
            return Registration.objects.create(
                event=event,
                name=name,
                name_kana=name_kana,
                organisation=organisation,
                profession=profession,
                email=email,
                user=user,
                entered_by=by,
                status=Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED,
            )

    def cancel(self, registration):
        """Cancels a registration; a freed seat goes to the first on the waiting list. Returns the
        promoted registration or None; raises AlreadyCancelled when it was cancelled already."""
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=self.pk)
            # Read again under the event's lock: of two cancels sent together, the second finds it
            # done and writes nothing (no second audit entry, no second promotion).
            registration.refresh_from_db(fields=["status"])
            if registration.status == Registration.Status.CANCELLED:
                raise AlreadyCancelled(registration)
            was_confirmed = registration.status == Registration.Status.CONFIRMED
            # A cancelled sign-up did not attend: a check-in made by mistake goes with it, so the
            # 受付済み count and the attendance by profession count only those still signed up.
            registration.status = Registration.Status.CANCELLED
            registration.checked_in_at = None
            registration.save(update_fields=["status", "checked_in_at"])
            if not was_confirmed:
                return None
            promoted = event.fill_from_waiting_list()
            return promoted[0] if promoted else None

    def fill_from_waiting_list(self):
        """The first on the waiting list take the free seats (all of them without a 定員), each
        stamped `promoted_at` so that staff can see whom to tell. Call with the event locked
        (cancel, or a 定員 raised). Returns the promoted registrations, in their order."""
        waiting = self.registrations.filter(status=Registration.Status.WAITLISTED).order_by(
            "created_at", "pk"
        )
        if self.capacity is not None:
            free = self.capacity - self.registrations.confirmed().count()
            waiting = waiting[: max(free, 0)]
        promoted = list(waiting)
        now = timezone.now()
        for registration in promoted:
            registration.status, registration.promoted_at = Registration.Status.CONFIRMED, now
            registration.save(update_fields=["status", "promoted_at"])
        return promoted

    def own_cancel_refusal(self, now=None):
        """Why a participant can no longer withdraw their own sign-up on the portal, or None: once
        the event has begun the center is counting who came, so a late change goes through the
        center (staff still cancel at any time)."""
        if (now or timezone.now()) < self.starts_at:
            return None
        return f"研修が始まったため、この画面からは申込を取り消せません。{self.contact()}へご連絡ください。"

    def contact(self):
        """Whom a participant asks about the event: its center, with the center's phone when known."""
        center = self.center
        return f"{center.name}（電話 {center.phone}）" if center.phone else center.name

    # --- State ------------------------------------------------------------------------------

    @property
    def ends_by(self):
        """When the event is over: its end time, or (none entered) the end of its day in Tokyo.
        EventQuerySet.not_ended() / ended() filter by the same rule (_not_ended)."""
        if self.ends_at:
            return self.ends_at
        start = timezone.localtime(self.starts_at)
        return (start + timezone.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)

    def state(self, now=None):
        """An EventState. Needs the with_seats() annotations (満席 is read from confirmed_count).
        Matches EventQuerySet.open_for_registration(): OPEN and FULL are exactly its events."""
        now = now or timezone.now()
        if now >= self.starts_at:
            return EventState.ENDED if now >= self.ends_by else EventState.IN_PROGRESS
        past_deadline = bool(
            self.application_deadline and timezone.localtime(now).date() > self.application_deadline
        )
        if not self.registration_open:
            if self.application_method and not self.took_registrations:
                return EventState.CLOSED if past_deadline else EventState.ELSEWHERE
            return EventState.CLOSED if self.took_registrations else EventState.NOT_NEEDED
        if past_deadline:
            return EventState.CLOSED
        return EventState.FULL if self.is_full else EventState.OPEN

    @property
    def took_registrations(self):
        """Someone is signed up (with_seats() annotations): an event not taking sign-ups is then
        申込受付終了, else (a lecture open to all, a training counted by hand) 申込不要."""
        return bool(self.confirmed_count or self.waitlisted_count)

    @property
    def current_state(self):
        """state() now, for templates."""
        return self.state()

    # --- Seats ------------------------------------------------------------------------------

    @property
    def remaining_seats(self):
        """Seats left (None without a capacity), from with_seats() annotations."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.confirmed_count)

    @property
    def is_full(self):
        return self.capacity is not None and self.confirmed_count >= self.capacity

    # --- Attendance ----------------------------------------------------------------------

    @property
    def day(self):
        """The date the event is held, in Asia/Tokyo."""
        return timezone.localtime(self.starts_at).date()

    @property
    def is_planned(self):
        """Held on a later day than today: a plan, as Meeting.is_planned (the 課題 pages say 実施予定)."""
        return self.day > timezone.localdate()

    def check_in_refusal(self, today=None):
        """Why nobody can be checked in yet (before the event's day: a check-in then would count
        as attendance of an event that has not happened), or None."""
        today = today or timezone.localdate()
        if today < self.day:
            return f"当日受付は開催日（{self.day.month}月{self.day.day}日）から行えます。"
        return None

    def attendance_by_profession(self):
        """[(profession name, count)] in profession order: checked-in registrations plus the
        counts entered by hand (people who came without registering). Three queries."""
        counts = {}
        for _, profession_id, n in attendance_rows([self.pk]):
            counts[profession_id] = counts.get(profession_id, 0) + n
        professions = Profession.objects.filter(pk__in=counts)
        return [(p.name, counts[p.pk]) for p in professions if counts[p.pk]]

    def organisation_count(self):
        """参加団体数: distinct organisations among checked-in registrations (folded names) plus
        the number entered by hand."""
        return len(attending_organisations([self.pk])) + self.extra_organisations


def attendance_rows(event_ids):
    """(event id, profession id, n) of the events: checked-in registrations and the counts
    entered afterwards (two queries). Shared by the event page and the yearly history."""
    checked_in = (
        Registration.objects.filter(event_id__in=event_ids, checked_in_at__isnull=False)
        .values_list("event_id", "profession_id")
        .annotate(n=Count("id"))
    )
    entered = AttendanceCount.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "profession_id", "count"
    )
    return [*checked_in, *entered]


def attending_organisations(event_ids):
    """{(event id, folded organisation name)} of the checked-in registrations."""
    rows = Registration.objects.filter(event_id__in=event_ids, checked_in_at__isnull=False).values_list(
        "event_id", "organisation"
    )
    return {(pk, normalize(name)) for pk, name in rows if name.strip()}


class EventOrganisation(models.Model):
    class Role(models.TextChoices):
        HOST = "host", "主催"
        CO_HOST = "co_host", "共催"
        SUPPORT = "support", "後援"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organiser_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="event_organisation_unique")
        ]
        ordering = ["role", "pk"]

    def __str__(self):
        return f"{self.organisation}（{self.get_role_display()}）"


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def promotion_untold(self):
        """Moved up from the waiting list and nobody has told them yet (Registration.promotion_untold)."""
        return self.confirmed().filter(promoted_at__isnull=False, promotion_told_at__isnull=True)

    def with_waiting_position(self):
        """Annotates waiting_position: 1 for the first on its event's waiting list, 2 for the
        next… (the order cancellations move people up in); 0 for others."""
        ahead = (
            Registration.objects.filter(event=OuterRef("event"), status=Registration.Status.WAITLISTED)
            .filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waiting_position=models.Case(
                models.When(status=Registration.Status.WAITLISTED, then=Coalesce(Subquery(ahead), 0) + 1),
                default=0,
            )
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "参加確定"
        WAITLISTED = "waitlisted", "キャンセル待ち"
        CANCELLED = "cancelled", "取消"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField("氏名", max_length=100)
    # The reading the door list and the 受付名簿 sort by (a name's kanji sort by code point, not in
    # 五十音 order); kept in hiragana (coordination.text.kana_reading), optional.
    name_kana = models.CharField("ふりがな", max_length=100, blank=True)
    organisation = models.CharField("所属", max_length=200)
    profession = models.ForeignKey(
        Profession, verbose_name="職種", on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField("連絡先メール", blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.CONFIRMED)
    checked_in_at = models.DateTimeField("受付時刻", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Moved up from the waiting list, and when the person was told (by the email sent then, or by
    # staff who phoned or faxed someone without one and pressed 「連絡した」).
    promoted_at = models.DateTimeField("繰り上げ日時", null=True, blank=True)
    promotion_told_at = models.DateTimeField("繰り上げの連絡日時", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "参加申込"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self):
        return f"{self.name}（{self.organisation}）"

    @property
    def promotion_untold(self):
        """Moved up from the waiting list and nobody has told them yet."""
        return (
            self.promoted_at is not None
            and self.promotion_told_at is None
            and self.status == self.Status.CONFIRMED
        )

    def toggle_check_in(self):
        """当日受付, or its undoing when already checked in: the one place a check-in is written.
        A person on the waiting list who came and was let in counts as attending."""
        if self.checked_in_at:
            self.checked_in_at = None
        else:
            self.checked_in_at = timezone.now()
            if self.status == self.Status.WAITLISTED:
                self.status = self.Status.CONFIRMED
        self.save(update_fields=["checked_in_at", "status"])
        return self.checked_in_at is not None


def in_name_order(registrations):
    """Registrations in the one order the event page, the 受付名簿 and the export share: 五十音順
    by ふりがな, then name; those without ふりがな after them, by name. Both folded as the search
    folds (width, katakana as hiragana, spaces), so a name typed in kana sorts in 五十音 order and
    one in kanji by its characters. The database's collation differs between SQLite and
    PostgreSQL (and neither knows a kanji's reading), so the sort is done here."""
    return sorted(
        registrations,
        key=lambda r: (not r.name_kana, normalize(r.name_kana), normalize(r.name), r.pk),
    )


class AttendanceCount(models.Model):
    """Attendance entered after the fact, as a count by profession (no registration)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance_counts")
    profession = models.ForeignKey(
        Profession, verbose_name="職種", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField("人数")

    class Meta:
        verbose_name = verbose_name_plural = "職種別参加人数（手入力）"
        constraints = [
            models.UniqueConstraint(fields=["event", "profession"], name="attendance_count_unique")
        ]

    def __str__(self):
        return f"{self.profession} {self.count}"


class SupporterCount(models.Model):
    """Supporters trained outside the portal's events (a course run by a school, a company or
    before the portal), entered by hand per 年度: added to the events' attendees."""

    course = models.ForeignKey(
        SupporterCourse, verbose_name="サポーターの種類", on_delete=models.PROTECT, related_name="counts"
    )
    center = models.ForeignKey(
        Center,
        verbose_name="センター",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空欄は市全体（センターに属さない養成数）",
    )
    fiscal_year = models.PositiveIntegerField("年度（西暦）", help_text="例: 2026（2026年4月〜2027年3月）")
    count = models.PositiveIntegerField("人数")
    note = models.CharField("内訳・出典", max_length=200, blank=True, help_text="例: 市内小学校での講座")

    class Meta:
        verbose_name = verbose_name_plural = "サポーター養成数（手入力）"
        ordering = ["fiscal_year", "course", "pk"]

    def __str__(self):
        return f"{dates.fiscal_year_label(self.fiscal_year)} {self.course} {self.count}人"


def supporters_by_year(events, counts):
    """The supporters trained per 年度 and course, and the running count: attendees of `events`
    of a supporter course (checked-in registrations and counts entered afterwards, as the yearly
    history counts people) plus the hand-entered `counts` (SupporterCount rows). Both already
    limited to what the reader may see. Returns (courses, rows); a row is a 年度 with, per
    course, (that year's number, the running total up to it). Five queries."""
    rows = events.filter(supporter_course__isnull=False).values_list("pk", "supporter_course_id", "starts_at")
    course_of, year_of = {}, {}
    for pk, course_id, starts_at in rows:
        course_of[pk] = course_id
        year_of[pk] = dates.fiscal_year(timezone.localtime(starts_at).date())
    per_year = {}
    for event_id, _profession, n in attendance_rows(list(course_of)):
        key = (year_of[event_id], course_of[event_id])
        per_year[key] = per_year.get(key, 0) + n
    for year, course_id, n in counts.values_list("fiscal_year", "course_id", "count"):
        per_year[(year, course_id)] = per_year.get((year, course_id), 0) + n
    courses = list(SupporterCourse.objects.filter(pk__in={c for _, c in per_year}))
    years = sorted({y for y, _ in per_year})
    running = dict.fromkeys((c.pk for c in courses), 0)
    rows = []
    for year in years:
        cells = []
        for course in courses:
            n = per_year.get((year, course.pk), 0)
            running[course.pk] += n
            cells.append((n, running[course.pk]))
        rows.append({"year": year, "label": dates.fiscal_year_label(year), "cells": cells})
    return courses, rows


# --- Task lists (棚卸表) ---------------------------------------------------------------------


class Phase(models.TextChoices):
    BEFORE = "before", "実施前"
    DAY = "day", "当日"
    AFTER = "after", "実施後"


class TaskTemplate(models.Model):
    """A reusable task list for a kind of event (e.g. 多職種研修会, 市民公開講座)."""

    name = models.CharField("名称", max_length=100, unique=True)
    format = models.ForeignKey(
        EventFormat,
        verbose_name="主な形式",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "棚卸表のひな形"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def apply_to(self, event):
        """Copies the template's items onto the event (skipping tasks the event already has)."""
        existing = set(event.tasks.values_list("phase", "text"))
        start = event.tasks.count()
        new = [
            Task(event=event, phase=item.phase, text=item.text, owner=item.owner, sort_order=start + i)
            for i, item in enumerate(self.items.all())
            if (item.phase, item.text) not in existing
        ]
        Task.objects.bulk_create(new)
        return len(new)


class TaskTemplateItem(Ordered):
    template = models.ForeignKey(TaskTemplate, on_delete=models.CASCADE, related_name="items")
    phase = models.CharField("時期", max_length=10, choices=Phase)
    text = models.CharField("作業", max_length=200)
    owner = models.CharField("担当（既定）", max_length=100, blank=True)

    class Meta(Ordered.Meta):
        verbose_name = verbose_name_plural = "ひな形の作業"

    def __str__(self):
        return self.text


class Task(Ordered):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tasks")
    phase = models.CharField("時期", max_length=10, choices=Phase)
    text = models.CharField("作業", max_length=200)
    owner = models.CharField("担当", max_length=100, blank=True)
    done_at = models.DateTimeField("完了日時", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Ordered.Meta):
        verbose_name = verbose_name_plural = "棚卸表の作業"

    def __str__(self):
        return self.text


# --- Yearly history ------------------------------------------------------------------------


def yearly_history(events, by_center=False, center_ids=None):
    """The 下関市-style table from `events` (a queryset already limited to what the user may
    see): per 年度, events, 参加団体数, 内容 (formats), 参加人数; and the per-profession attendance
    over the years. With `by_center`, one row per 年度 and center (an event held jointly counts
    under its host center only, so the rows add up to the total). `center_ids`: the centers the
    reader reads, when not all (a ward's): a joint event hosted outside them counts under its
    co-host among them, not under a center whose other events the reader does not see. A fixed
    number of queries whatever the number of events."""
    event_rows = list(events.values("pk", "starts_at", "extra_organisations", "center_id"))
    if by_center and center_ids is not None:
        outside = [r["pk"] for r in event_rows if r["center_id"] not in center_ids]
        co_host = {}
        if outside:
            pairs = (
                Event.co_host_centers.through.objects.filter(event_id__in=outside, center_id__in=center_ids)
                .order_by("center__sort_order", "center__code")
                .values_list("event_id", "center_id")
            )
            for event_id, center_id in pairs:
                co_host.setdefault(event_id, center_id)  # the first of them in the centers' order
        for r in event_rows:
            r["center_id"] = co_host.get(r["pk"], r["center_id"])
    year_of = {r["pk"]: dates.fiscal_year(timezone.localtime(r["starts_at"]).date()) for r in event_rows}
    key_of = {r["pk"]: (year_of[r["pk"]], r["center_id"] if by_center else None) for r in event_rows}
    years = {}
    for r in event_rows:
        y = years.setdefault(
            key_of[r["pk"]],
            {"events": 0, "organisations": 0, "orgs": set(), "formats": [], "people": 0, "by_profession": {}},
        )
        y["events"] += 1
        y["organisations"] += r["extra_organisations"]
    ids = list(key_of)
    for pk, name in attending_organisations(ids):
        years[key_of[pk]]["orgs"].add((pk, name))
    for pk, name in (
        EventFormat.objects.filter(events__in=ids).values_list("events", "name").order_by("sort_order")
    ):
        formats = years[key_of[pk]]["formats"]
        if name not in formats:
            formats.append(name)
    professions = {}
    for event_id, profession_id, n in attendance_rows(ids):
        y = years[key_of[event_id]]
        y["people"] += n
        y["by_profession"][profession_id] = y["by_profession"].get(profession_id, 0) + n
        professions[profession_id] = True
    profession_list = list(Profession.objects.filter(pk__in=professions))
    centers = {}
    if by_center:
        centers = {c.pk: c for c in Center.objects.filter(pk__in={c for _, c in years})}
    order = {pk: (c.sort_order, c.code) for pk, c in centers.items()}
    table = []
    for year, center_id in sorted(years, key=lambda k: (k[0], order.get(k[1], (0, "")))):
        y = years[(year, center_id)]
        table.append(
            {
                "year": year,
                "label": dates.fiscal_year_label(year),
                "center": centers.get(center_id),
                "events": y["events"],
                "organisations": y["organisations"] + len(y["orgs"]),
                "formats": "・".join(y["formats"]),
                "people": y["people"],
                "by_profession": [y["by_profession"].get(p.pk, 0) for p in profession_list],
            }
        )
    return table, profession_list
