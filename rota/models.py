"""ウ: the night and holiday on-call rota (当番表) of a center or a 医師会 district, and the beds
backup hospitals keep for a sudden deterioration (後方支援病床).

Both live here because they answer one question of item ウ, "who takes the patient at home
tonight, and where can they be admitted": the consultation page asks this app for both at once.
A shift without a facility is a gap (nobody on duty), shown in red and listed for coordinators."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from coordination.models import STAFF_ROLES, Area, Center, CenterOwnedQuerySet, LastUpdated, Role


def new_token():
    return secrets.token_urlsafe(24)


class ShiftKind(models.TextChoices):
    NIGHT = "night", "夜間"
    HOLIDAY = "holiday", "休日"
    YEAR_END = "year_end", "年末年始"
    LONG_HOLIDAY = "long_holiday", "連休"


# The rota carries the on-duty doctors' contacts, which reach the directory's professionals-only
# readers and no one else.
READERS = STAFF_ROLES
WRITERS = (Role.ADMIN, Role.COORDINATOR)


class RotaQuerySet(CenterOwnedQuerySet):
    """Edited by admins and the owning center's coordinators (for_user, inherited)."""

    def readable_by(self, user):
        """Every rota (and backup bed) for admins, coordinators and professionals: a care manager
        looks up any district's doctor on call. Officials and anonymous visitors: none."""
        if user.is_authenticated and user.is_active and user.role in READERS:
            return self
        return self.none()


class Rota(models.Model):
    center = models.ForeignKey(
        Center, verbose_name="センター", on_delete=models.PROTECT, related_name="rotas"
    )
    name = models.CharField("当番表の名称", max_length=100)
    district = models.CharField("医師会の地区", max_length=100, blank=True, help_text="例: 門司区医師会")
    area = models.ForeignKey(
        Area, verbose_name="対象地域", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("備考", blank=True)
    feed_token = models.CharField(
        "カレンダー配信用の鍵", max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    objects = RotaQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "当番表"
        ordering = ["center__sort_order", "name", "pk"]

    def __str__(self):
        return self.name


class ShiftQuerySet(models.QuerySet):
    def at(self, moment):
        """Shifts running at `moment` (start inclusive, end exclusive): a shift that ends at 9:00
        hands over to the one that starts at 9:00."""
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)

    def overlapping(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def gaps(self):
        return self.filter(facility__isnull=True)

    def with_people(self):
        return self.select_related("rota", "facility", "facility__kind").prefetch_related(
            models.Prefetch("backups", queryset=ShiftBackup.objects.select_related("facility"))
        )


class Shift(models.Model):
    rota = models.ForeignKey(Rota, verbose_name="当番表", on_delete=models.CASCADE, related_name="shifts")
    kind = models.CharField("種類", max_length=20, choices=ShiftKind, default=ShiftKind.NIGHT)
    starts_at = models.DateTimeField("開始")
    ends_at = models.DateTimeField("終了")
    facility = models.ForeignKey(
        "resources.Facility",
        verbose_name="当番の医療機関",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rota_shifts",
        help_text="空欄は当番なし（空き）",
    )
    doctor = models.CharField("当番医", max_length=100, blank=True, help_text="姓 名")
    contact = models.CharField(
        "当番中の連絡先（専門職向け）", max_length=30, blank=True, help_text="空欄なら施設の直通電話"
    )
    note = models.CharField("備考", max_length=200, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "当番"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message="終了は開始より後にしてください。",
            ),
            models.UniqueConstraint(fields=["rota", "starts_at"], name="shift_unique_start_in_rota"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.rota} {start:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def is_gap(self):
        return self.facility_id is None

    @property
    def on_duty_contact(self):
        """The number to call during the shift (professionals only)."""
        if self.contact:
            return self.contact
        return self.facility.direct_phone if self.facility_id else ""

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at)

    @property
    def crosses_midnight(self):
        return self.local_end.date() > self.local_start.date()


class ShiftBackup(models.Model):
    """A backup for a shift, called in `order` when the one on duty cannot take the call."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="backups")
    order = models.PositiveSmallIntegerField("順番")
    facility = models.ForeignKey(
        "resources.Facility", verbose_name="後方の医療機関", on_delete=models.PROTECT, related_name="+"
    )
    doctor = models.CharField("医師", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "後方当番"
        ordering = ["shift", "order"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "order"], name="shift_backup_unique_order"),
            models.UniqueConstraint(fields=["shift", "facility"], name="shift_backup_unique_facility"),
        ]

    def __str__(self):
        return f"{self.order}. {self.facility}"


class Swap(models.Model):
    """A recorded change of who is on duty for a shift (who for whom, why). Kept for good: a shift
    with swaps cannot be deleted."""

    shift = models.ForeignKey(Shift, verbose_name="当番", on_delete=models.PROTECT, related_name="swaps")
    from_facility = models.ForeignKey(
        "resources.Facility",
        verbose_name="交代前",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_doctor = models.CharField("交代前の医師", max_length=100, blank=True)
    to_facility = models.ForeignKey(
        "resources.Facility",
        verbose_name="交代後",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_doctor = models.CharField("交代後の医師", max_length=100, blank=True)
    reason = models.CharField("理由", max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="記録者", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "当番の交代"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.from_facility or '空き'} → {self.to_facility or '空き'}（{self.reason}）"


class FacilityFeed(models.Model):
    """The private calendar link of one facility: its own shifts in every rota."""

    facility = models.OneToOneField(
        "resources.Facility", verbose_name="医療機関", on_delete=models.CASCADE, related_name="rota_feed"
    )
    token = models.CharField("鍵", max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("発行日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "医療機関別のカレンダー配信"

    def __str__(self):
        return str(self.facility)


class BackupBedQuerySet(RotaQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(available_from__lte=on, available_until__gte=on)

    def continuing(self, on=None):
        """Rows starting on `on` (today) that carry on another row of the same hospital ending
        the day before, as a change of a running row leaves them (rota.services.change_bed).
        Taking such a row away does not withdraw an offer never made: it ends the hospital's
        acceptance, which the earlier row records up to yesterday, so the pages say so."""
        on = on or timezone.localdate()
        before = BackupBed.objects.filter(
            facility_id=OuterRef("facility_id"), available_until=on - datetime.timedelta(days=1)
        )
        return self.filter(available_from=on).filter(Exists(before))


class BackupBed(LastUpdated):
    """Beds a backup hospital (在宅療養後方支援病院 and others) keeps for a patient at home whose
    condition suddenly worsens, for a period."""

    center = models.ForeignKey(Center, verbose_name="センター", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(
        "resources.Facility", verbose_name="病院", on_delete=models.PROTECT, related_name="backup_beds"
    )
    beds = models.PositiveSmallIntegerField("病床数")
    available_from = models.DateField("いつから")
    available_until = models.DateField("いつまで")
    conditions = models.TextField("受入の条件", blank=True, help_text="例: 登録患者のみ、夜間は要電話連絡")

    class Source(models.TextChoices):
        CENTER = "center", "センター"
        FACILITY = "facility", "病院（更新用リンク）"

    # Who stated the beds last: a coordinator (updated_by), or the hospital itself through its
    # update link (stated_by is the name its contact gave), and when.
    source = models.CharField("入力元", max_length=10, choices=Source, default=Source.CENTER)
    stated_by = models.CharField("病院の入力者", max_length=100, blank=True, default="")
    stated_at = models.DateTimeField("病院の入力日時", null=True, blank=True)

    objects = BackupBedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "後方支援病床"
        ordering = ["available_from", "facility__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__gte=F("available_from")),
                name="backup_bed_until_after_from",
                violation_error_message="「いつまで」は「いつから」以降の日にしてください。",
            ),
            models.CheckConstraint(
                condition=Q(beds__gte=1),
                name="backup_bed_at_least_one",
                violation_error_message="病床数は1以上にしてください。",
            ),
        ]

    def __str__(self):
        return f"{self.facility} {self.beds}床（{self.available_from}〜{self.available_until}）"


def day_start(day, hour=0):
    """An aware datetime at `hour`:00 of a local date."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
