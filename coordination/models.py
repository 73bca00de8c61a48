"""What every app shares: users and roles, centers, areas, professions, organisations."""

import datetime
import decimal
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.batches import ImportBatch
from coordination.dates import is_national_holiday


class Role(models.TextChoices):
    ADMIN = "admin", "管理者"
    COORDINATOR = "coordinator", "コーディネーター"
    PROFESSIONAL = "professional", "専門職"
    OFFICIAL = "official", "市職員"
    # 生活支援体制整備事業's coordinator (1層/2層): keeps the community resources of one 圏域
    # (User.ward), nothing else of the directory and no consultation.
    LIFE_SUPPORT = "life_support", "生活支援コーディネーター"


# Roles that may see the professionals-only part of the directory.
STAFF_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.PROFESSIONAL)
# Roles that may edit and confirm directory entries.
DIRECTORY_EDITORS = (Role.ADMIN, Role.COORDINATOR)


# The two role rules of the directory live here, beside the roles, so that User's properties and
# coordination.access (which re-exports them for views) read the same rule without importing each other.
def sees_professional_fields(user):
    """The directory's professionals-only part: admins, coordinators, professionals."""
    return bool(user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


def can_edit_directory(user):
    return bool(user.is_authenticated and user.is_active and user.role in DIRECTORY_EDITORS)


# Roles that may add and edit community resources (サロン, 見守り …): the directory's editors
# everywhere, a 生活支援コーディネーター within its own 圏域.
COMMUNITY_EDITORS = (Role.ADMIN, Role.COORDINATOR, Role.LIFE_SUPPORT)


def sees_community_contacts(user):
    """A community resource's professionals-only contact: the directory's professionals-only
    readers and the 生活支援コーディネーター who keep those resources."""
    return sees_professional_fields(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.LIFE_SUPPORT
    )


class Area(models.Model):
    """A ward (区) or a daily-life area (日常生活圏域); areas nest."""

    class Kind(models.TextChoices):
        CITY = "city", "市町村"
        WARD = "ward", "区"
        DAILY = "daily", "日常生活圏域"
        OTHER = "other", "その他"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("種別", max_length=10, choices=Kind, default=Kind.WARD)
    parent = models.ForeignKey(
        "self",
        verbose_name="上位の地域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        "地域コード", max_length=12, blank=True, help_text="市町村コード等（先頭の0を保持）"
    )
    sort_order = models.PositiveIntegerField("並び順", default=0)
    # A 日常生活圏域 is drawn along 町 (and sometimes 丁目) lines in the city's plan; listed here,
    # they file a facility by its address (resources.geo.DailyAreas): national files name the
    # ward only.
    towns = models.TextField(
        "含まれる町名",
        blank=True,
        help_text="日常生活圏域に含まれる町名を1行に1つ（例: 大里本町）。町が丁目で分かれるときは"
        "「大里本町1丁目」のように書きます。施設を住所からこの圏域に振り分けるときに使います。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "地域"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def city(cls):
        """The city the portal serves (the first area of kind 市町村), or None before one is set up."""
        return cls.objects.filter(kind=cls.Kind.CITY).order_by("sort_order", "pk").first()

    @classmethod
    def tree(cls, queryset=None):
        """[(area, depth)] depth-first (city → 区 → 圏域), each level by its sort order, code and
        name: the order of every area choice, so that a ward's 圏域 stand under it."""
        areas = list(cls.objects.all() if queryset is None else queryset)
        children = {}
        for area in areas:
            children.setdefault(area.parent_id, []).append(area)
        known = {a.pk for a in areas}
        ordered = []

        def walk(parent_id, depth):
            for area in sorted(children.get(parent_id, []), key=lambda a: (a.sort_order, a.code, a.name)):
                ordered.append((area, depth))
                walk(area.pk, depth + 1)

        walk(None, 0)
        for area in areas:  # an area whose parent is not in the queryset starts a tree of its own
            if area.parent_id is not None and area.parent_id not in known and (area, 0) not in ordered:
                ordered.append((area, 0))
                walk(area.pk, 1)
        return ordered

    def ancestor_ids(self):
        """This area and every area above it, nearest first."""
        ids, current = [], self
        while current is not None:
            ids.append(current.pk)
            current = current.parent
        return ids

    def descendant_ids(self):
        """This area and every area below it (areas are few, so a loop is fine)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in ids]
            ids.update(frontier)
        return ids


class Center(models.Model):
    """A 在宅医療・介護連携支援センター. A city has several, each covering some areas."""

    code = models.CharField("センターコード", max_length=10, unique=True)
    name = models.CharField("名称", max_length=100)
    address = models.CharField("住所", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    fax = models.CharField("FAX番号", max_length=20, blank=True)
    opening_hours = models.CharField("受付時間", max_length=200, blank=True)
    areas = models.ManyToManyField(Area, verbose_name="担当地域", blank=True, related_name="centers")
    sort_order = models.PositiveIntegerField("並び順", default=0)
    opened_on = models.DateField(
        "開設日", null=True, blank=True, help_text="窓口開設日数はこの日から数えます（空欄は制限なし）"
    )
    closed_on = models.DateField("閉所日", null=True, blank=True, help_text="閉所した場合の最終開所日")
    # The public page (/centers/<code>/): what residents and professionals read about the center.
    location_note = models.CharField(
        "所在地の補足", max_length=100, blank=True, help_text="例: 門司区医師会内"
    )
    latitude = models.DecimalField("緯度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("経度", max_digits=9, decimal_places=6, null=True, blank=True)
    public_summary = models.TextField("紹介文（公開）", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "連携支援センター"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def contact_lines(self):
        """The center as the sender of a letter or an email: its name, address, 電話 and FAX, one
        a line, those that are set (resources/_center_contact.html and the update-link email)."""
        lines = (self.name, self.address, self.phone and f"電話 {self.phone}", self.fax and f"FAX {self.fax}")
        return [line for line in lines if line]

    def closed_dates(self, start, end):
        """The center's own closed days (not weekends/holidays) between start and end inclusive."""
        result = set()
        for closure in self.closures.all():
            result.update(closure.dates_between(start, end))
        return result

    def clip(self, start, end):
        """The part of start..end inside the center's 開設日..閉所日 (None when none of it is)."""
        if self.opened_on and self.opened_on > start:
            start = self.opened_on
        if self.closed_on and self.closed_on < end:
            end = self.closed_on
        return (start, end) if start <= end else None

    def open_days(self, start, end, closed=None):
        """窓口開設日数: weekdays minus national holidays minus this center's closed days, counted
        only between its 開設日 and 閉所日 (a center opened in August has no April–July days)."""
        span = self.clip(start, end)
        if span is None:
            return 0
        start, end = span
        closed = self.closed_dates(start, end) if closed is None else closed
        count, day = 0, start
        while day <= end:
            if day.weekday() < 5 and not is_national_holiday(day) and day not in closed:
                count += 1
            day += datetime.timedelta(days=1)
        return count


class CenterClosure(models.Model):
    """A yearly closed period of a center, e.g. 8/13–8/15 or 12/29–1/3 (may wrap the year end).
    With `year` set, the period applies to that calendar year only."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="closures")
    label = models.CharField("名称", max_length=50, blank=True)
    start_month = models.PositiveSmallIntegerField("開始月")
    start_day = models.PositiveSmallIntegerField("開始日")
    end_month = models.PositiveSmallIntegerField("終了月")
    end_day = models.PositiveSmallIntegerField("終了日")
    year = models.PositiveIntegerField("年（空欄は毎年）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "休業期間"
        ordering = ["start_month", "start_day"]

    def __str__(self):
        return f"{self.start_month}/{self.start_day}–{self.end_month}/{self.end_day}"

    def dates_between(self, start, end):
        years = [self.year] if self.year else range(start.year - 1, end.year + 1)
        for year in years:
            first = datetime.date(year, self.start_month, self.start_day)
            wraps = (self.end_month, self.end_day) < (self.start_month, self.start_day)
            last = datetime.date(year + wraps, self.end_month, self.end_day)
            day = max(first, start)
            while day <= min(last, end):
                yield day
                day += datetime.timedelta(days=1)


class Ordered(models.Model):
    """Rows listed in the order a person gives them (並び順, then the order they were added). A
    subclass that declares its own Meta extends this one's (`class Meta(Ordered.Meta)`) to keep
    the ordering; its admin keeps its field order with `fields`, since this base's field comes
    first in a generated form."""

    sort_order = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]


class LookupTable(Ordered):
    """Reference data admins extend without a migration (kinds, formats, categories, 職種 …): a row
    is shown by its name and listed in the order admins give it. A subclass declares its own `name`
    (labels and lengths differ)."""

    class Meta(Ordered.Meta):
        abstract = True

    def __str__(self):
        return self.name


class CreatedBy(models.Model):
    """Who entered a record in the portal and when: the user is kept as a reference that empties
    when the account is deleted, so the record stays. A subclass may restate `created_at` with
    its own label."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class LastUpdated(models.Model):
    """Who saved a record last and when (a facility's entry, a hospital's backup beds); the
    user empties when the account is deleted."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True


class CreatedAndUpdated(CreatedBy):
    """A record edited after it was entered (meetings, events): also when it was last saved."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Profession(LookupTable):
    """職種: used for users, meeting attendance and training attendance."""

    # What separates the aliases an admin types: a line break or a comma (、 , ，).
    ALIAS_SEPARATORS = re.compile(r"[\n\r、,，]+")

    name = models.CharField("職種", max_length=50, unique=True)
    short_name = models.CharField("略称", max_length=20, blank=True)
    aliases = models.TextField(
        "ほかの呼び方",
        blank=True,
        help_text="FAXの申込をまとめて入力するときなどに、この職種として受け付ける呼び方"
        "（例: ケアマネジャー、CM）。「、」か改行で区切ります。全角・半角、ひらがな・カタカナ、"
        "大文字・小文字の違いは区別しません。",
    )

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "職種"
        ordering = ["sort_order", "name"]

    def accepted_names(self):
        """The name, the short name and the aliases: what a typed 職種 may say for this one."""
        names = [self.name, self.short_name, *self.ALIAS_SEPARATORS.split(self.aliases)]
        return [n.strip() for n in names if n and n.strip()]


class Organisation(LookupTable):
    """職能団体 and institutions that take part in meetings and training."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", "職能団体"
        INSTITUTION = "institution", "医療・介護機関"
        GOVERNMENT = "government", "行政"
        OTHER = "other", "その他"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField(
        "略称", max_length=20, blank=True, help_text="課題ラベル等に使う短い名前（例: 薬）"
    )
    kind = models.CharField("種別", max_length=20, choices=Kind, default=Kind.ASSOCIATION)
    profession = models.ForeignKey(
        Profession, verbose_name="主な職種", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "団体・機関"
        ordering = ["sort_order", "name"]


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`manage.py createsuperuser` makes an admin: a superuser reaches the Django admin, so it
        holds the role that the second factor and the access rules are written for."""
        role = extra_fields.setdefault("role", Role.ADMIN)
        if role != Role.ADMIN:
            raise ValueError("スーパーユーザーの役割は「管理者」だけです。")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField("役割", max_length=20, choices=Role, default=Role.PROFESSIONAL)
    center = models.ForeignKey(
        Center,
        verbose_name="所属センター",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="コーディネーターは必須",
    )
    profession = models.ForeignKey(
        Profession, verbose_name="職種", null=True, blank=True, on_delete=models.SET_NULL
    )
    affiliation = models.CharField("所属機関", max_length=100, blank=True)
    # One field for two roles' area: an official's ward (the centers it reads) and a
    # 生活支援コーディネーター's 圏域 (the community resources it keeps).
    ward = models.ForeignKey(
        Area,
        verbose_name="担当地域（市職員の区・生活支援コーディネーターの圏域）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="区役所の職員: その区を担当するセンターだけを見ます（空欄は市全体）。"
        "生活支援コーディネーター: その圏域の地域の活動を登録・編集します（必須）",
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = verbose_name_plural = "ユーザー"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role="admin"),
                name="user_superuser_is_admin",
                violation_error_message="スーパーユーザーにできるのは役割が「管理者」のユーザーだけです。",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        """Japanese order, 姓 名 (Django's own puts the given name first): the header, 対応者,
        sign-ups and exports all show a user through this."""
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    @property
    def is_admin_role(self):
        return self.role == Role.ADMIN

    @property
    def is_coordinator(self):
        return self.role == Role.COORDINATOR

    @property
    def is_official(self):
        return self.role == Role.OFFICIAL

    @property
    def can_edit_directory(self):
        return can_edit_directory(self)

    @property
    def sees_professional_fields(self):
        return sees_professional_fields(self)

    @property
    def can_edit_community(self):
        """May add community resources (a 生活支援コーディネーター: in its 圏域 only)."""
        return bool(self.is_authenticated and self.is_active and self.role in COMMUNITY_EDITORS)

    def clean(self):
        if self.role == Role.COORDINATOR and not self.center_id:
            raise ValidationError({"center": "コーディネーターには所属センターが必要です。"})
        if self.role == Role.LIFE_SUPPORT and not self.ward_id:
            raise ValidationError({"ward": "生活支援コーディネーターには担当地域（圏域）が必要です。"})


def official_center_ids(user):
    """The centers an official reads: every center, or (区役所 staff, `ward` set) the centers
    covering that ward or an area inside it. None means every center."""
    if not user.ward_id:
        return None
    ward = Area.objects.get(pk=user.ward_id)
    return set(Center.objects.filter(areas__in=ward.descendant_ids()).values_list("pk", flat=True))


def looked_after_area_ids(center_id, today=None):
    """The areas whose directory entries a center keeps true (the re-check list and the change
    requests show its coordinators these by default): the areas it covers with every area inside
    them (a ward's 圏域), an area inside going to the center covering it or the nearest area above
    it, as a letter's sending center does; and the areas no open center covers, which would
    otherwise be nobody's. None when the center covers no area (then every area is its). One
    query."""
    today = today or timezone.localdate()
    parents, covering = {}, {}
    for pk, parent_id, center, closed_on in Area.objects.values_list(
        "pk", "parent_id", "centers", "centers__closed_on"
    ):
        parents[pk] = parent_id
        if center is not None and not (closed_on and closed_on < today):
            covering.setdefault(pk, set()).add(center)
    if not any(center_id in centers for centers in covering.values()):
        return None

    def keepers(pk):
        seen = set()
        while pk is not None and pk not in seen:
            if pk in covering:
                return covering[pk]
            seen.add(pk)
            pk = parents.get(pk)
        return set()

    return {pk for pk in parents if center_id in keepers(pk) or not keepers(pk)}


class CenterOrCity:
    """A record of a center, or of the city itself when its `center` is empty (surveys,
    documents)."""

    @property
    def owner_label(self):
        return self.center.name if self.center_id else "市"


class CenterOwnedQuerySet(models.QuerySet):
    """For records that belong to one center (consultations, meetings, events):
    admins see all, coordinators their own center's, everybody else nothing."""

    def for_user(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.role == Role.COORDINATOR and user.center_id:
            return self.filter(center_id=user.center_id)
        return self.none()

    def readable_by(self, user):
        """For records without a client's personal data (meetings, 課題, events and their
        aggregates): officials also read every center's."""
        if user.is_authenticated and user.is_active and user.role == Role.OFFICIAL:
            center_ids = official_center_ids(user)
            if center_ids is None:
                return self
            # The ward's centers' records, and the city's own (meetings and 課題 without a center).
            return self.filter(models.Q(center_id__in=center_ids) | models.Q(center_id=None))
        # This class's rule by name: a subclass may make for_user() mean readable_by().
        return CenterOwnedQuerySet.for_user(self, user)


# --- Security: login attempts and the audit log ---------------------------------------------------


class LoginAttemptQuerySet(models.QuerySet):
    def failures_since(self, since):
        return self.filter(succeeded=False, cleared=False, at__gte=since)


class LoginAttempt(models.Model):
    """Every login attempt, for throttling and lockout (coordination.security.lockout_message)."""

    username = models.CharField("ユーザー名", max_length=150, db_index=True)
    ip = models.GenericIPAddressField("IPアドレス", null=True, blank=True, db_index=True)
    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    succeeded = models.BooleanField("成功", default=False)
    cleared = models.BooleanField("解除済み", default=False, help_text="管理者がロックを解除した失敗")

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "ログイン試行"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'成功' if self.succeeded else '失敗'}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("監査ログは変更できません。")

    def delete(self):
        raise PermissionError(
            "監査ログは削除できません（保存期間を過ぎたものは purge_audit_log で削除します）。"
        )


class AuditEvent(models.Model):
    """Who did what to which record, and when: append-only from the application (no update or
    delete through the ORM, the admin or, on PostgreSQL, SQL: a trigger refuses them)."""

    class Action(models.TextChoices):
        CREATE = "create", "作成"
        UPDATE = "update", "変更"
        DELETE = "delete", "削除"
        VIEW = "view", "閲覧"
        EXPORT = "export", "出力"
        LOGIN = "login", "ログイン"
        LOGIN_FAILED = "login_failed", "ログイン失敗"
        LOCKED = "locked", "ロック中のログイン拒否"
        UNLOCK = "unlock", "ロック解除"
        LOGOUT = "logout", "ログアウト"
        DENIED = "denied", "アクセス拒否"
        TWO_FACTOR = "2fa", "二要素認証"

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    # A user who appears here is deactivated, never deleted (PROTECT; the admin says so). The
    # username is kept beside the id, as it was when the event happened.
    user = models.ForeignKey(
        "coordination.User",
        verbose_name="ユーザー",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField("ユーザー名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action, db_index=True)
    object_type = models.CharField("対象の種類", max_length=100, blank=True)
    object_id = models.CharField("対象ID", max_length=64, blank=True)
    object_repr = models.CharField("対象", max_length=200, blank=True)
    detail = models.TextField("内容", blank=True)
    ip = models.GenericIPAddressField("IPアドレス", null=True, blank=True)
    path = models.CharField("URL", max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "監査ログ"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("監査ログは変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("監査ログは削除できません。")


class DeniedRequestTally(models.Model):
    """Denied requests of visitors who are not signed in, counted per kind, address and time window:
    the audit log gets one event for the first of them in a window (anything sent without login,
    such as a flood of POSTs without a CSRF token or of logins to a locked account, would otherwise
    grow the append-only log without bound); the rest only move this count."""

    kind = models.CharField(
        "種類",
        max_length=170,
        default="403",
        help_text="403（アクセス拒否）または locked:ユーザー名（ロック中のログイン）",
    )
    ip = models.CharField("IPアドレス", max_length=45, blank=True)
    window_start = models.DateTimeField("集計の開始")
    count = models.PositiveIntegerField("件数", default=1)
    last_path = models.CharField("最後のURL", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "アクセス拒否の集計（未ログイン）"
        ordering = ["-window_start", "ip"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "ip", "window_start"], name="denied_tally_per_window")
        ]

    def __str__(self):
        return f"{self.window_start:%Y-%m-%d %H:%M} {self.ip or '不明'} {self.kind} {self.count}件"


class AuthenticatorDevice(TOTPDevice):
    """django-otp's TOTP device under a Japanese name in the admin (coordination/admin.py shows
    it without its secret and lets an admin only remove it)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "二要素認証（認証アプリ）"


class BackupCodeDevice(StaticDevice):
    """django-otp's backup codes under a Japanese name in the admin (the codes never shown)."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "二要素認証（バックアップコード）"


# --- Area statistics (人口・高齢者数 per area and 年度) -------------------------------------------


class AreaStatistics(models.Model):
    """The official figures of one area for one 年度 (住民基本台帳 or 介護保険事業状況報告): the
    denominators of the 「地域の見える化」 page. 高齢化率 is derived, never stored, so it cannot
    disagree with the two figures it comes from."""

    area = models.ForeignKey(
        Area,
        verbose_name="地域",
        # Figures are an official record: an area that has them is not deleted by accident.
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        "年度", help_text="西暦で入力（例: 2026）。令和7年度は2025です"
    )
    population = models.PositiveIntegerField("人口")
    aged_65 = models.PositiveIntegerField("65歳以上人口")
    aged_75 = models.PositiveIntegerField("75歳以上人口", null=True, blank=True)
    care_certified = models.PositiveIntegerField("要介護認定者数", null=True, blank=True)
    source = models.CharField("出典", max_length=200, blank=True, help_text="例: 住民基本台帳（各年9月末）")
    note = models.TextField("備考", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "地域の統計（人口・高齢者数）"
        ordering = ["-fiscal_year", "area__sort_order", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "fiscal_year"], name="area_statistics_unique_year"),
            models.CheckConstraint(
                condition=models.Q(aged_65__lte=models.F("population")),
                name="area_statistics_aged_65_within_population",
                violation_error_message="65歳以上人口が人口を超えています。",
            ),
            models.CheckConstraint(
                condition=models.Q(aged_75__isnull=True) | models.Q(aged_75__lte=models.F("aged_65")),
                name="area_statistics_aged_75_within_aged_65",
                violation_error_message="75歳以上人口が65歳以上人口を超えています。",
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=1990) & models.Q(fiscal_year__lte=2100),
                name="area_statistics_plausible_year",
                violation_error_message="年度は1990〜2100の西暦で入力してください。",
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.fiscal_year}年度"

    @property
    def aging_rate(self):
        """高齢化率 (%) to one decimal, or None without a population."""
        return aging_rate(self.aged_65, self.population)

    @property
    def aged_75_rate(self):
        return aging_rate(self.aged_75, self.population)

    @classmethod
    def figures_of(cls, area, fiscal_year):
        """The area's figures for the 年度: its own row, else (unsaved) the sum of the areas right
        below it when every one of them has figures — a sum over part of them is not the area's
        figure. None when neither is known. Two queries, however deep the areas nest."""
        rows = {s.area_id: s for s in cls.objects.filter(fiscal_year=fiscal_year)}
        children = {}
        for pk, parent_id in Area.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)

        def figures(pk):
            if pk in rows:
                return rows[pk]
            parts = [figures(child) for child in children.get(pk, [])]
            if not parts or None in parts:
                return None

            def total(name):
                values = [getattr(p, name) for p in parts]
                return None if None in values else sum(values)

            return cls(
                area_id=pk,
                fiscal_year=fiscal_year,
                population=total("population"),
                aged_65=total("aged_65"),
                aged_75=total("aged_75"),
                care_certified=total("care_certified"),
                source="、".join(dict.fromkeys(p.source for p in parts if p.source)),
            )

        return figures(area.pk)

    def clean(self):
        errors = {}
        if self.population is not None and self.aged_65 is not None and self.aged_65 > self.population:
            errors["aged_65"] = "65歳以上人口が人口を超えています。"
        if self.aged_75 is not None and self.aged_65 is not None and self.aged_75 > self.aged_65:
            errors["aged_75"] = "75歳以上人口が65歳以上人口を超えています。"
        if (
            self.care_certified is not None
            and self.population is not None
            and self.care_certified > self.population
        ):
            errors["care_certified"] = "要介護認定者数が人口を超えています。"
        if errors:
            raise ValidationError(errors)


def aging_rate(aged_65, population):
    """65歳以上 / 人口 as a percentage to one decimal (half up, as published), None when unknown."""
    if not population or aged_65 is None:
        return None
    value = decimal.Decimal(aged_65) * 100 / decimal.Decimal(population)
    return value.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


class AreaStatisticsImport(ImportBatch):
    """An uploaded sheet of area statistics (coordination/area_statistics.py): the good rows are
    saved at the confirm, the bad ones listed with their row and column."""

    rows = models.PositiveIntegerField("行数", default=0)
    errors = models.PositiveIntegerField("エラー", default=0)
    saved = models.PositiveIntegerField("取込件数", default=0)
    result = models.JSONField("結果", default=dict, blank=True)

    class Meta(ImportBatch.Meta):
        verbose_name = verbose_name_plural = "地域の統計の取込"

    pipeline = "coordination.area_statistics"
