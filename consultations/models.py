"""The consultation log (オ): consultations, 連絡調整 rows, consent and third-party provisions,
and the access log of who opened which consultation."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from coordination.batches import ImportBatch
from coordination.models import Area, Center, CenterOwnedQuerySet, LookupTable, Ordered
from coordination.text import normalize
from resources.models import Capability, Facility, FacilityKind, LookupNames, capabilities_named_in


class Topic(LookupTable):
    """相談内容: a 大分類 (医療, 介護) with items, or a top-level item (連絡調整, その他). Data, so
    an admin can add e.g. 北九州市's 相談項目 without a migration."""

    parent = models.ForeignKey(
        "self",
        verbose_name="大分類",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("項目", max_length=100)
    active = models.BooleanField("使用中", default=True)
    # What a consultation about this item looks for in the directory: its page's 「この相談の地域で
    # 資源を探す」 asks the search for facilities with all of them. Data, so admins fix or extend it.
    capabilities = models.ManyToManyField(
        Capability,
        verbose_name="資源検索で選ぶ在宅対応機能",
        blank=True,
        related_name="+",
        help_text="相談の画面から医療・介護資源を探すとき、この相談内容で選んでおく在宅対応機能。",
    )
    # The kind of facility an item names (訪問看護に関する事 → 訪問看護ステーション): the search
    # takes one kind, so it is chosen when the consultation's items agree on it (directory_search).
    kind = models.ForeignKey(
        FacilityKind,
        verbose_name="資源検索で選ぶ種別",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="相談の画面から医療・介護資源を探すとき、この相談内容で選んでおく施設の種別。",
    )

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "相談内容"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="topic_unique_top_level"
            ),
        ]

    def __str__(self):
        return self.path

    @property
    def path(self):
        """`医療/訪問診療できる医療機関に関する事` for items under a 大分類; the bare label at top level."""
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name


class ConsultantType(LookupTable):
    """相談者区分 (who consulted), one per consultation."""

    name = models.CharField("相談者区分", max_length=50, unique=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "相談者区分"


class ConsultantTypeSynonym(models.Model):
    """A way old sheets write a 相談者区分 (ケアマネ, 訪看, 包括 …), read by the import of past logs.
    Data, so admins add the words their center's sheets use."""

    term = models.CharField("言い換え", max_length=50, unique=True)
    consultant_type = models.ForeignKey(
        ConsultantType, verbose_name="相談者区分", on_delete=models.CASCADE, related_name="synonyms"
    )

    class Meta:
        verbose_name = verbose_name_plural = "相談者区分の言い換え"
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.consultant_type}"


class Method(models.TextChoices):
    PHONE = "phone", "電話"
    VISIT_CENTER = "walk_in", "来所"
    FAX = "fax", "FAX"
    EMAIL = "email", "メール"
    HOME_VISIT = "visit", "訪問"
    OTHER = "other", "その他"


class ConsultationQuerySet(CenterOwnedQuerySet):
    def follow_ups_due(self, on=None):
        """Consultations whose 次回フォロー日 has come, whatever their status: a coordinator who
        closes a case (完了) but sets a day to call the family back is reminded too. A follow-up
        is done when its date is cleared on the form; closing the case alone does not end it."""
        on = on or timezone.localdate()
        return self.filter(follow_up_on__lte=on)

    def open(self):
        return self.exclude(status=Consultation.Status.DONE)

    def matching_client(self, text="", age=None):
        """Consultations that may be about the same client: the caller's name or affiliation, or
        the client's condition, contains the text; the age within two years (ages are told
        roughly on the phone). Newest first."""
        qs = self
        if text:
            qs = qs.filter(
                models.Q(consultant_name__icontains=text)
                | models.Q(consultant_affiliation__icontains=text)
                | models.Q(consultant_facility__name__icontains=text)
                | models.Q(client_condition__icontains=text)
            )
        if age is not None:
            qs = qs.filter(client_age__gte=age - 2, client_age__lte=age + 2)
        return qs.order_by("-received_at", "-pk")

    def for_list(self):
        """What a row of the consultation list shows and no more: its own short fields and the names
        it shows (one join each); the topics come from attach_topics. The list is the
        coordinators' most visited page; the full rows cost twice as much to load."""
        return self.select_related("consultant_type", "handled_by", "center", "consultant_facility").only(
            "center__code",
            "received_at",
            "consultant_type__name",
            "consultant_facility__name",
            "consultant_affiliation",
            "summary",
            "status",
            "follow_up_on",
            "handled_by__username",
            "handled_by__first_name",
            "handled_by__last_name",
        )


def attach_topics(consultations):
    """Sets `topic_list` (in the topics' order) on each consultation: one query over the links
    with their topics and 大分類."""
    by_consultation = {c.pk: [] for c in consultations}
    links = ConsultationTopic.objects.filter(consultation__in=list(by_consultation)).select_related(
        "topic__parent"
    )
    for link in links:
        by_consultation[link.consultation_id].append(link.topic)
    for c in consultations:
        c.topic_list = sorted(by_consultation[c.pk], key=lambda t: (t.sort_order, t.pk))
    return consultations


class Consultation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        DONE = "done", "完了"
        CONTINUING = "continuing", "継続"

    class Location(models.TextChoices):
        INSIDE = "inside", "圏域内"
        OUTSIDE = "outside", "圏域外"
        UNKNOWN = "", "不明"

    class Sex(models.TextChoices):
        FEMALE = "female", "女性"
        MALE = "male", "男性"
        OTHER = "other", "その他"
        UNKNOWN = "", "不明"

    class CareLevel(models.TextChoices):
        UNKNOWN = "", "不明"
        NONE = "none", "なし"
        APPLYING = "applying", "申請中"
        PROGRAM = "program", "事業対象者"
        SUPPORT1 = "s1", "要支援1"
        SUPPORT2 = "s2", "要支援2"
        CARE1 = "c1", "要介護1"
        CARE2 = "c2", "要介護2"
        CARE3 = "c3", "要介護3"
        CARE4 = "c4", "要介護4"
        CARE5 = "c5", "要介護5"

    center = models.ForeignKey(
        Center, verbose_name="センター", on_delete=models.PROTECT, related_name="consultations"
    )
    received_at = models.DateTimeField("受付日時", default=timezone.now)
    method = models.CharField("受付方法", max_length=10, choices=Method, default=Method.PHONE)
    consultant_type = models.ForeignKey(ConsultantType, verbose_name="相談者区分", on_delete=models.PROTECT)
    consultant_facility = models.ForeignKey(
        Facility,
        verbose_name="相談者所属（施設）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consultant_affiliation = models.CharField("相談者所属", max_length=200, blank=True)
    consultant_name = models.CharField("相談者氏名", max_length=100, blank=True)
    consultant_location = models.CharField(
        "相談者の所在", max_length=10, choices=Location, blank=True, default=""
    )
    client_age = models.PositiveSmallIntegerField("対象者の年齢", null=True, blank=True)
    client_sex = models.CharField("対象者の性別", max_length=10, choices=Sex, blank=True, default="")
    client_area = models.ForeignKey(
        Area,
        verbose_name="対象者の居住地域",
        null=True,
        blank=True,
        # An area in use cannot be deleted: the records (and the 圏域内/外 they imply) would lose
        # where the client lives without anyone noticing.
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_care_level = models.CharField("要介護度", max_length=10, choices=CareLevel, blank=True, default="")
    client_condition = models.CharField("主な疾患・状態", max_length=200, blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name="相談内容", through="ConsultationTopic", related_name="+"
    )
    summary = models.TextField("相談概要", blank=True)
    response = models.TextField("対応内容", blank=True)
    result = models.TextField("対応結果", blank=True)
    status = models.CharField("状態", max_length=12, choices=Status, default=Status.OPEN)
    follow_up_on = models.DateField("次回フォロー日", null=True, blank=True)
    minutes_spent = models.PositiveIntegerField("対応時間（分）", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="対応者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 実人数/延べ件数: a consultation about a client the center has already helped points at that
    # client's first consultation (always the first, so one client is one id: 実人数 counts them).
    first_consultation = models.ForeignKey(
        "self",
        verbose_name="同じ対象者の初回の相談",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_consultations",
    )
    # The upload (or command run) of a past log this record came from: its page lists them.
    import_batch = models.ForeignKey(
        "ConsultationImport",
        verbose_name="取込",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # The one-time token of the new-consultation form it was saved from: the same form sent again
    # (browser Back, then 保存する) finds this row instead of making a second one. Empty for rows
    # imported or saved before the token existed.
    submission_token = models.UUIDField("送信番号", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "相談"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["center", "received_at"], name="consultation_center_time"),
            models.Index(fields=["received_at"], name="consultation_time"),
            models.Index(fields=["center", "status", "follow_up_on"], name="consultation_followup"),
        ]
        constraints = [
            # The final guard against two sends of one form arriving together.
            models.UniqueConstraint(fields=["submission_token"], name="consultation_submission_once")
        ]

    def __str__(self):
        return f"相談 #{self.pk}（{timezone.localtime(self.received_at):%Y/%m/%d %H:%M}）"

    def get_absolute_url(self):
        return reverse("consultations:detail", args=[self.pk])

    @property
    def consultant_label(self):
        return self.consultant_facility.name if self.consultant_facility_id else self.consultant_affiliation

    @property
    def client_first_id(self):
        """The id that stands for the client: the first consultation's (this one's when it is the first)."""
        return self.first_consultation_id or self.pk

    def same_client(self):
        """The consultations of this client at this center: the first and its follow-ups (this
        one included). A link is only made within a center (ConsultationForm), and an admin
        moving one record to another center must not carry the other center's records along."""
        first = self.client_first_id
        return Consultation.objects.filter(
            models.Q(pk=first) | models.Q(first_consultation_id=first), center_id=self.center_id
        )

    def client_consents(self):
        """The consents recorded on any of the client's consultations (same_client): a consent is
        the client's, not the call's, so one given on the first call covers the follow-ups and
        one given later covers the earlier ones too."""
        return Consent.objects.filter(consultation__in=self.same_client())

    def area_centers(self):
        """The open centers whose 担当地域 hold the client's area (it or an area above it), when
        this consultation's own center is not one of them; else none. Said on saving and on the
        page: the record stays with the center that took the call (its 月報 counts it)."""
        if not self.client_area_id:
            return []
        centers = list(
            Center.objects.filter(areas__in=self.client_area.ancestor_ids())
            .exclude(closed_on__lt=timezone.localdate())
            .distinct()
            .order_by("sort_order", "code")
        )
        if any(c.pk == self.center_id for c in centers):
            return []
        return centers

    def area_notice(self, centers=None):
        """「小倉南区は小倉南センターの担当地域です。…」 for a client living in another center's
        area, else ""."""
        centers = self.area_centers() if centers is None else centers
        if not centers:
            return ""
        names = "・".join(c.name for c in centers)
        own = self.center.name
        # Center names are long (「門司・小倉北 在宅医療・介護連携支援センター」): each said once.
        return (
            f"{self.client_area.name}は{names}の担当地域です。この相談は受け付けた{own}の記録・月報の件数"
            "として残ります（センター間で移しません）。続けて支援が必要なときは、担当のセンターに引き継ぐか、"
            "相談者に案内してください。"
        )

    def directory_conditions(self, names=None):
        """What the directory search can ask for this consultation: the client's area as
        ("visits", id, label) or None, and the kinds its topics name and the capabilities its
        topics and its 主な疾患・状態 name (as the search reads words, resources.capabilities_named_in:
        人工呼吸器 → 人工呼吸器・呼吸管理), each as (parameter, id, name). Nothing about the client
        but the area id: the condition only as capability ids. `names`: the LookupNames to read."""
        area = None
        if self.client_area_id:
            area = ("visits", self.client_area_id, f"{self.client_area.name}に訪問できる")
        topics = list(self.topics.all())
        conditions = {}
        for topic in topics:
            if topic.kind_id:
                conditions.setdefault(("kind", topic.kind_id), topic.kind.name)
        for topic in topics:
            for capability in topic.capabilities.all():
                conditions.setdefault(("capabilities", capability.pk), capability.name)
        if self.client_condition.strip():
            names = names or LookupNames()
            named = {pk: name for pk, name, *_ in names.capabilities()}
            for pk in capabilities_named_in(self.client_condition, names):
                conditions.setdefault(("capabilities", pk), named[pk])
        return area, [(key, pk, name) for (key, pk), name in conditions.items()]

    def directory_search(self, names=None):
        """(URL, [what it asks]) of the directory search for this consultation: facilities that
        visit the client's area, of the kind its topics name (when they name one kind), with all
        the capabilities of directory_conditions. (None, []) when there is nothing to ask."""
        area, conditions = self.directory_conditions(names)
        # Items about two kinds (訪問看護 and 薬局) ask for both; the search takes one, so neither.
        if sum(key == "kind" for key, _, _ in conditions) > 1:
            conditions = [c for c in conditions if c[0] != "kind"]
        asked = ([area] if area else []) + conditions
        if not asked:
            return None, []
        params = [(key, pk) for key, pk, _ in asked]
        return f"{reverse('resources:search')}?{urlencode(params)}", [name for _, _, name in asked]


class ConsultationTopic(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="consultation_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "topic"], name="consultation_topic_unique")
        ]
        indexes = [models.Index(fields=["topic", "consultation"], name="topic_consultation")]

    def __str__(self):
        return f"{self.consultation_id} / {self.topic}"


class Coordination(models.Model):
    """★ 連絡調整: one contact with a facility on the client's behalf. The facility is the
    directory's, or, for one not in it yet, the name as typed (`facility_text`), which admins see
    listed to add to the directory."""

    class Means(models.TextChoices):
        PHONE = "phone", "電話"
        FAX = "fax", "FAX"
        EMAIL = "email", "メール"
        VISIT = "visit", "訪問・面談"
        OTHER = "other", "その他"

    class Result(models.TextChoices):
        ACCEPTED = "accepted", "受入可"
        DECLINED = "declined", "受入不可"
        PENDING = "pending", "検討中"
        NO_ANSWER = "no_answer", "応答なし"
        # What the call found about the directory itself: the facility goes on its re-check list.
        STOPPED = "stopped", "受入停止中"
        WRONG_INFO = "wrong_info", "情報誤り（番号違い・移転など）"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="coordinations")
    facility = models.ForeignKey(
        Facility,
        verbose_name="連絡先施設",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinations",
    )
    facility_text = models.CharField("名簿にない連絡先", max_length=200, blank=True)
    contacted_at = models.DateTimeField("連絡日時", default=timezone.now)
    means = models.CharField("連絡方法", max_length=10, choices=Means, default=Means.PHONE)
    result = models.CharField("結果", max_length=10, choices=Result)
    reason = models.CharField("受入不可の理由", max_length=200, blank=True)
    note = models.CharField("メモ", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "連絡調整"
        ordering = ["contacted_at", "pk"]
        indexes = [models.Index(fields=["facility", "result"], name="coordination_facility")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(facility__isnull=False) | ~models.Q(facility_text=""),
                name="coordination_has_a_facility",
                violation_error_message="連絡先施設を名簿から選ぶか、名簿にない施設の名前を入力してください。",
            )
        ]

    def __str__(self):
        return f"{self.facility_label} {self.get_result_display()}"

    @property
    def facility_label(self):
        return self.facility.name if self.facility_id else self.facility_text

    @property
    def facility_key(self):
        """What makes two rows of one consultation the same facility contacted."""
        return ("id", self.facility_id) if self.facility_id else ("text", normalize(self.facility_text))

    def clean(self):
        if self.result == self.Result.DECLINED and not self.reason.strip():
            raise ValidationError({"reason": "受入不可の場合は理由を入力してください。"})


class PersonalInformationRecord(models.Model):
    """What the APPI's records of a consent and of a third-party provision share: who recorded
    it and when (the date it took effect is each record's own)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Consent(PersonalInformationRecord):
    """The client's consent to pass their information to third parties (APPI; 北九州市 Q9)."""

    class How(models.TextChoices):
        ORAL = "oral", "口頭"
        WRITTEN = "written", "書面"
        ELECTRONIC = "electronic", "電子（メール等）"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="consents")
    consented_by = models.CharField("同意した人", max_length=100, help_text="例: 本人、長女（キーパーソン）")
    consented_on = models.DateField("同意日")
    how = models.CharField("同意の方法", max_length=12, choices=How)
    scope = models.CharField(
        "同意の範囲", max_length=200, blank=True, help_text="例: 医療機関・介護事業所への情報提供"
    )

    class Meta:
        verbose_name = verbose_name_plural = "同意記録"
        ordering = ["consented_on", "pk"]

    def __str__(self):
        # Without the person who consented: this text is kept in the audit log for years.
        return f"{self.consented_on:%Y/%m/%d} の同意（{self.get_how_display()}）"

    @property
    def label(self):
        """On the consultation's own page: with who consented."""
        return f"{self.consented_on:%Y/%m/%d} {self.consented_by}（{self.get_how_display()}）"


class Provision(PersonalInformationRecord):
    """A record of providing the client's information to a third party (APPI 第三者提供記録)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="provisions")
    recipient = models.CharField("提供先", max_length=200)
    items = models.CharField("提供した項目", max_length=300)
    provided_on = models.DateField("提供日")
    consent = models.ForeignKey(
        Consent, verbose_name="根拠となる同意", on_delete=models.PROTECT, related_name="provisions"
    )

    class Meta:
        verbose_name = verbose_name_plural = "第三者提供記録"
        ordering = ["provided_on", "pk"]

    def __str__(self):
        return f"{self.provided_on:%Y/%m/%d} {self.recipient}"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("相談の閲覧記録は変更できません。")

    def delete(self):
        raise PermissionError("相談の閲覧記録は削除できません。")


class AccessLog(models.Model):
    """Who opened, listed or exported which consultations, and when. A page that shows excerpts
    of several consultations (the list, the dashboard) writes one entry with the ids it showed.
    Append-only like the audit log: no update or delete through the ORM or, on PostgreSQL, SQL (a
    trigger refuses them; the one change it lets through is forgetting the id of a consultation
    that was deleted). A user who appears here is deactivated, never deleted (PROTECT)."""

    class Action(models.TextChoices):
        VIEW = "view", "閲覧"
        EDIT = "edit", "編集画面"
        EXPORT = "export", "出力"
        LIST = "list", "一覧表示"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(
        Consultation, null=True, on_delete=models.SET_NULL, related_name="access_logs"
    )
    action = models.CharField(max_length=10, choices=Action, default=Action.VIEW)
    shown = models.JSONField("表示した相談のID", default=list, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "相談の閲覧記録"
        ordering = ["-at", "-pk"]

    def __str__(self):
        which = f"#{self.consultation_id}" if self.consultation_id else f"{len(self.shown)}件"
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {which}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("相談の閲覧記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("相談の閲覧記録は削除できません。")

    @classmethod
    def log_list(cls, request, consultations):
        """One entry for a page view that showed excerpts of `consultations` (none: nothing)."""
        ids = [c.pk for c in consultations]
        if ids:
            cls.objects.create(
                user=request.user, action=cls.Action.LIST, shown=ids, path=request.get_full_path()[:300]
            )


class ConsultationImport(ImportBatch):
    """An uploaded past-log file: its preview, its confirm, and afterwards the record of the
    import (who, when, file, counts). The good rows are imported and the bad ones set aside
    (the file is kept while it has any, for their download). A coordinator's upload (`center`) is its own center's log: every row goes to that center."""

    # Set for a coordinator's upload (its own center) or when the admin chose a center; empty
    # when the rows name their center in the file's センター column (an admin's upload).
    center = models.ForeignKey(
        Center,
        verbose_name="センター（空欄はファイルのセンター列）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rows = models.PositiveIntegerField("行数", default=0)
    errors = models.PositiveIntegerField("エラー", default=0)
    created = models.PositiveIntegerField("取込件数", default=0)
    # The first errors and rows for the batch page; the full error list is made again from the
    # file for its download (a broken 300,000-row file must not become a 100 MB page).
    result = models.JSONField("結果", default=dict, blank=True)
    # The file's bytes are dropped after the confirm, so its fingerprint is what tells a second
    # upload of the same file: every row would become a second consultation, not an update.
    sha256 = models.CharField("ファイルのSHA-256", max_length=64, blank=True, db_index=True)
    allow_duplicate = models.BooleanField("二重になることを承知で取込", default=False)
    # A file imported with `manage.py import_consultations` has a batch too (so that the same file
    # is told again from either side); it names the server account that ran the command.
    command_user = models.CharField("コマンドの実行者", max_length=150, blank=True)

    class Meta(ImportBatch.Meta):
        verbose_name = verbose_name_plural = "相談記録の取込"

    pipeline = "consultations.importing"

    # An earlier batch of the same file in these states has imported, or is importing, its rows.
    IMPORTING_STATES = (
        ImportBatch.Status.CONFIRM_QUEUED,
        ImportBatch.Status.CONFIRMING,
        ImportBatch.Status.DONE,
    )

    def save(self, *args, **kwargs):
        if self.content and not self.sha256:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
        super().save(*args, **kwargs)

    def earlier_import(self, states=IMPORTING_STATES):
        """The first other batch of the same file that was imported (or is being imported), else
        None. A file read by its センター column (no `center`) is the same rows whoever uploads
        it; one imported into a center repeats the earlier imports into that center or by the
        column (another center's import of the same bytes put its rows elsewhere, and is not
        that coordinator's to see)."""
        if not self.sha256:
            return None
        earlier = ConsultationImport.objects.filter(sha256=self.sha256, status__in=states)
        if self.center_id:
            earlier = earlier.filter(models.Q(center_id=self.center_id) | models.Q(center__isnull=True))
        return (
            earlier.exclude(pk=self.pk)
            .select_related("user")
            .defer("content", "result")
            .order_by("created_at", "pk")
            .first()
        )

    @property
    def importer(self):
        """Who imported the file, as the history and the duplicate notice name them."""
        if self.user_id:
            return str(self.user)
        if self.command_user:
            return f"コマンド import_consultations（実行: {self.command_user}）"
        return ""

    @property
    def duplicate_warning(self):
        """What the batch page and the refused confirm say about an earlier import of the file."""
        earlier = self.earlier_import()
        if earlier is None:
            return ""
        who = (
            f"{earlier.importer}さんが"
            if earlier.user_id
            else (f"{earlier.importer}で" if earlier.importer else "")
        )
        if earlier.status == ImportBatch.Status.DONE:
            when, what = timezone.localtime(earlier.finished_at or earlier.created_at), "取り込み済みです"
        else:
            when, what = timezone.localtime(earlier.created_at), "アップロードし、いま取り込み中です"
        return (
            f"このファイルは{when:%Y年}{when.month}月{when.day}日に{who}{what}。"
            "もう一度取り込むと同じ相談が二重に登録されます。"
        )


class DailyTally(models.Model):
    """One count of the 月報: consultations of a center on a day (Asia/Tokyo) by one category
    (kind: total, method, location, status, type, topic, result; key: the value or the id).
    Kept by consultations.tallies.recount from the records; never edited by hand."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=40, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "相談の日別集計"
        constraints = [
            models.UniqueConstraint(fields=["center", "day", "kind", "key"], name="daily_tally_unique")
        ]
        indexes = [models.Index(fields=["day", "center"], name="daily_tally_day")]

    def __str__(self):
        return f"{self.center_id} {self.day} {self.kind}:{self.key} {self.n}"


class MonthClosingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(reopened_at=None)

    def of_month(self, year, month):
        return self.active().filter(year=year, month=month)

    def covering(self, consultation):
        """The active closing of the consultation's month, if its center closed it."""
        day = timezone.localtime(consultation.received_at)
        return self.of_month(day.year, day.month).filter(center_id=consultation.center_id).first()


class MonthClosing(models.Model):
    """締め: a center's month submitted to the city. `submitted` keeps the report's lines of that
    center as they were at closing ([区分, 項目, number]), so later edits to the month's records
    show as 「提出後の修正」 against them. Reopening (admins, with a reason) ends this closing;
    closing again makes a new row, so every submission is kept."""

    center = models.ForeignKey(
        Center, verbose_name="センター", on_delete=models.PROTECT, related_name="closings"
    )
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    submitted = models.JSONField("提出した数値", default=list)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="締めた人", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("締めた日時", default=timezone.now)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="締めを解除した人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField("締めを解除した日時", null=True, blank=True)
    reopen_reason = models.CharField("解除の理由", max_length=300, blank=True)

    # The reason a 締め直す (services.resubmit_month) ends the closing in force with.
    RESUBMITTED = "締め直し（再提出）"

    objects = MonthClosingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "月報の締め"
        ordering = ["-year", "-month", "center"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "month"],
                condition=models.Q(reopened_at=None),
                name="one_active_closing_per_month",
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="closing_month_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.center.code} {self.year}年{self.month}月の締め"

    @property
    def key(self):
        return f"{self.year:04d}-{self.month:02d}"

    def submitted_values(self):
        """{(区分, 項目): number}"""
        return {(section, label): n for section, label, n in self.submitted}

    def changed_keys(self, figures):
        """The (区分, 項目) whose figure now differs from the submitted one; `figures` are the
        center's lines as they are now, (区分, 項目, number). What 締め直す offers and records."""
        before = self.submitted_values()
        return [(section, label) for section, label, n in figures if before.get((section, label), 0) != n]

    @property
    def ending(self):
        """How an ended closing ended, for the 月報's list of earlier submissions."""
        if self.reopen_reason == self.RESUBMITTED:
            return f"締め直し（{self.reopened_by}）"
        return f"解除（理由: {self.reopen_reason}、{self.reopened_by}）"


class PublicQuestion(Ordered):
    """The Q&A of the centers' public pages (/centers/qa/), written and ordered by admins."""

    question = models.CharField("質問", max_length=200)
    answer = models.TextField("回答")

    class Meta(Ordered.Meta):
        verbose_name = verbose_name_plural = "よくある質問（公開）"

    def __str__(self):
        return self.question


class PastMonthlyTotal(models.Model):
    """A month's 相談件数 of a center from before the portal (a sheet of the old 月報's totals),
    kept as a total: the monthly trend uses it for a month the portal has no records of."""

    center = models.ForeignKey(Center, verbose_name="センター", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    consultations = models.PositiveIntegerField("相談件数")
    source = models.CharField("取込元のファイル", max_length=200, blank=True)
    imported_at = models.DateTimeField("取込日時", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "過去の月報の合計"
        ordering = ["center", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["center", "year", "month"], name="past_total_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="past_total_month_1_12"
            ),
        ]

    def __str__(self):
        return f"{self.center_id} {self.year}年{self.month}月 {self.consultations}件"


class PastTotalsImport(ImportBatch):
    """An uploaded sheet of past 月報 totals: upload → preview → confirm (coordination.batches). Bad
    rows are listed by row and column and left out; the good rows are imported. A coordinator's
    upload (`center`) takes its own center's rows only."""

    center = models.ForeignKey(
        Center,
        verbose_name="センター（空欄は管理者の取込）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rows = models.PositiveIntegerField("取り込める行", default=0)
    errors = models.PositiveIntegerField("エラー", default=0)
    created = models.PositiveIntegerField("取込件数", default=0)
    result = models.JSONField("結果", default=dict, blank=True)

    class Meta(ImportBatch.Meta):
        verbose_name = verbose_name_plural = "過去の月報の合計の取込"

    pipeline = "consultations.past_totals"
