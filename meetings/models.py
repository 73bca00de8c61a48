"""Meetings (イ・ウ・ク): 一次/二次/三次連携 records, recurring bodies, and the register of 課題
(coordination problems) with their 解決策 and their lineage over the years (釜石市, seed 003)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation
from coordination import dates
from coordination.models import (
    Area,
    Center,
    CenterOwnedQuerySet,
    CreatedAndUpdated,
    CreatedBy,
    LookupTable,
    Organisation,
    Profession,
    Role,
)
from training.models import Delivery, Event


class MeetingKind(LookupTable):
    """打ち合わせ会, ヒアリング, 同行訪問, 推進協議会 …: data an admin extends."""

    name = models.CharField("種類", max_length=50, unique=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "会議の種類"


class Tier(models.IntegerChoices):
    PRIMARY = 1, "一次連携"
    SECONDARY = 2, "二次連携"
    TERTIARY = 3, "三次連携"


# How many counterparts (organisations or professions other than the center's own people) each
# tier needs.
TIER_RULES = {
    Tier.PRIMARY: (1, 1, "一次連携はセンターと1つの団体・職種との連携です。相手を1つだけ選んでください。"),
    Tier.SECONDARY: (
        2,
        None,
        "二次連携はセンターが2つ以上の団体・職種をつなぐ連携です。相手を2つ以上選んでください。",
    ),
    Tier.TERTIARY: (
        3,
        None,
        "三次連携は多職種が一堂に会する場です。参加した団体・職種を3つ以上選んでください。",
    ),
}


def counterparts(organisations, professions, own_professions=()):
    """(the counterparts counted, the ticked professions left out as the center's own people):
    the organisations, then the professions not already represented by a chosen organisation
    (薬剤師会 and 薬剤師 together are one counterpart). A profession of the center's own staff
    (`own_professions`, ids: a nurse coordinator ticks 看護師 because she took part) is the
    center's side, not a partner; the record cannot tell it from a partner of that profession,
    so it counts only when the tier needs it to reach its minimum (a nurse coordinator's 一次連携
    with the visiting nurses: 看護師 alone)."""
    represented = {o.profession_id for o in organisations if o.profession_id}
    others = [p for p in professions if p.pk not in represented]
    counted = [o.name for o in organisations] + [p.name for p in others if p.pk not in own_professions]
    own = [p.name for p in others if p.pk in own_professions]
    return counted, own


def check_tier(tier, organisations, professions, own_professions=()):
    """The Japanese error message when the counterparts do not fit the tier, else None. The
    message names what was counted, so that the user sees which box to untick."""
    if tier not in TIER_RULES:
        return None
    low, high, message = TIER_RULES[tier]
    counted, own = counterparts(list(organisations), list(professions), set(own_professions))
    needed = max(0, min(len(own), low - len(counted)))
    counted, own = counted + own[:needed], own[needed:]
    n = len(counted)
    if n >= low and (high is None or n <= high):
        return None
    detail = f"（現在 {n}：{'、'.join(counted)}）" if counted else f"（現在 {n}）"
    if own:
        detail += f"。{'、'.join(own)}はセンターの職員の職種として、相手には数えていません"
    return f"{message}{detail}"


def professions_taking_part(organisations, professions):
    """The ids of the professions a meeting's record says took part: those ticked, and those of
    its organisations (薬剤師会's members are 薬剤師, as check_tier counts them once). Attendance
    by profession counts only these, so that 出席人数 and 参加した職種 never disagree; the
    professions stay ticked on the record itself because the tier is checked against them before
    anyone has counted heads (a meeting entered ahead of its day has no attendance)."""
    return {p.pk for p in professions} | {o.profession_id for o in organisations if o.profession_id}


# The eight items of the 在宅医療・介護連携推進事業. A meeting or a 課題 serves one or more,
# stored as their letters (「イク」), so that "serves イ" is one substring lookup on any database.
PROGRAM_ITEMS = [
    ("ア", "ア 地域の医療・介護の資源の把握"),
    ("イ", "イ 在宅医療・介護連携の課題の抽出と対応策の検討"),
    ("ウ", "ウ 切れ目のない在宅医療と在宅介護の提供体制の構築推進"),
    ("エ", "エ 医療・介護関係者の情報共有の支援"),
    ("オ", "オ 在宅医療・介護連携に関する相談支援"),
    ("カ", "カ 医療・介護関係者の研修"),
    ("キ", "キ 地域住民への普及啓発"),
    ("ク", "ク 在宅医療・介護連携に関する関係市区町村の連携"),
]
ITEM_LETTERS = "".join(letter for letter, _ in PROGRAM_ITEMS)


class CenterReadableQuerySet(CenterOwnedQuerySet):
    """Meetings and 課題 carry no client's personal data: officials read every center's; a
    coordinator reads and writes its own center's; admins everything."""

    def for_user(self, user):
        return self.readable_by(user)

    def editable_by(self, user):
        """Admins any, coordinators their own center's (CenterOwnedQuerySet's reading rule),
        officials the city's own (no center)."""
        if user.is_authenticated and user.is_active and user.role == Role.OFFICIAL:
            return self.filter(center=None)
        return super().for_user(user)


class OfOneCenter(models.Model):
    """A record that always belongs to one center (a 定例の会議体, a 解決策), read and written as
    CenterReadableQuerySet says."""

    center = models.ForeignKey(
        Center, verbose_name="担当センター", on_delete=models.PROTECT, related_name="+"
    )

    objects = CenterReadableQuerySet.as_manager()

    class Meta:
        abstract = True


class Series(OfOneCenter):
    """A recurring body (地域コア会議 monthly, 地域ケア連絡会議 every two months)."""

    name = models.CharField("名称", max_length=100)
    kind = models.ForeignKey(MeetingKind, verbose_name="種類", on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField("連携の段階", choices=Tier, default=Tier.TERTIARY)
    cadence = models.CharField("開催頻度", max_length=50, blank=True, help_text="例: 毎月、2か月ごと")
    note = models.TextField("説明", blank=True)
    active = models.BooleanField("継続中", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "定例の会議体"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="series_unique_name")]

    def __str__(self):
        return self.name


class MeetingQuerySet(CenterReadableQuerySet):
    def held(self, today=None):
        """Meetings whose day has come: the 年度 reports count these only, so a meeting entered
        ahead of its day is a plan (予定), not work done."""
        return self.filter(held_on__lte=today or timezone.localdate())

    def planned(self, today=None):
        return self.filter(held_on__gt=today or timezone.localdate())

    def for_user(self, user):
        # Professionals read the meetings marked as shared with them.
        if user.is_authenticated and user.is_active and user.role == Role.PROFESSIONAL:
            return self.filter(shared=True)
        return super().for_user(user)


class Meeting(CreatedAndUpdated):
    # No center: a meeting of the city itself (連絡会), recorded by an official.
    center = models.ForeignKey(
        Center,
        verbose_name="担当センター（空欄は市）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    tier = models.PositiveSmallIntegerField("連携の段階", choices=Tier)
    kind = models.ForeignKey(
        MeetingKind, verbose_name="種類", on_delete=models.PROTECT, related_name="meetings"
    )
    series = models.ForeignKey(
        Series,
        verbose_name="定例の会議体",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    title = models.CharField("名称", max_length=200, blank=True, help_text="空欄なら種類と相手から表示します")
    held_on = models.DateField("開催日")
    start_time = models.TimeField("開始時刻", null=True, blank=True)
    end_time = models.TimeField("終了時刻", null=True, blank=True)
    delivery = models.CharField("開催方法", max_length=10, choices=Delivery, default=Delivery.IN_PERSON)
    venue = models.CharField("会場", max_length=200, blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name="参加した団体・機関", blank=True, related_name="meetings"
    )
    professions = models.ManyToManyField(
        Profession, verbose_name="参加した職種", blank=True, related_name="+"
    )
    agenda = models.TextField("議題", blank=True)
    minutes = models.TextField("記録（議事要旨）", blank=True)
    attachments = models.TextField("資料（名称とリンク、1行に1件）", blank=True)
    next_steps = models.TextField("次のステップ", blank=True)
    shared = models.BooleanField(
        "専門職にも公開", default=False, help_text="オンにすると専門職のアカウントでも閲覧できます"
    )
    issues_discussed = models.ManyToManyField(
        "Issue", verbose_name="扱った課題", blank=True, related_name="discussed_at"
    )
    items = models.CharField("事業項目（ア〜ク）", max_length=8, blank=True, default="イ")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会議・連携の記録"
        ordering = ["-held_on", "-start_time", "-pk"]
        indexes = [models.Index(fields=["center", "held_on"], name="meeting_center_date")]

    def __str__(self):
        return f"{self.held_on:%Y/%m/%d} {self.display_title}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def display_title(self):
        return self.title or self.kind.name

    @property
    def is_planned(self):
        return self.held_on > timezone.localdate()

    def attachment_lines(self):
        """[(name, url or '')] from the attachments text: `資料名 https://…` or just a name."""
        result = []
        for line in self.attachments.splitlines():
            line = line.strip()
            if not line:
                continue
            name, _, rest = line.rpartition(" ")
            if rest.startswith(("https://", "http://")):
                result.append((name.strip() or rest, rest))
            else:
                result.append((line, ""))
        return result


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    profession = models.ForeignKey(
        Profession, verbose_name="職種", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField("人数")

    class Meta:
        ordering = ["profession__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "profession"], name="meeting_attendance_unique")
        ]

    def __str__(self):
        return f"{self.profession} {self.count}"


class IssueCategory(LookupTable):
    name = models.CharField("分類", max_length=50, unique=True)

    class Meta(LookupTable.Meta):
        verbose_name = verbose_name_plural = "課題の分類"


class IssueStatus(models.TextChoices):
    NEW = "new", "未着手"
    REVIEWING = "reviewing", "検討中"
    IN_PROGRESS = "in_progress", "解決策実施中"
    SOLVED = "solved", "解決"
    ON_HOLD = "on_hold", "保留"


class IssueQuerySet(CenterReadableQuerySet):
    def of_fiscal_year(self, year):
        """A 年度's register: the 課題 raised in it, and those raised earlier that were still open
        when it began: open now, or solved in it or later (a 解決 dated on or after its April 1),
        since a 年度 report counts what it solved as well as what it carried. A 課題 marked 解決
        with no dated change is taken as solved before."""
        start, end = dates.fiscal_year_range(year)
        solved_since = IssueStatusChange.objects.filter(
            issue=OuterRef("pk"), status=IssueStatus.SOLVED, changed_on__gte=start
        )
        return self.filter(
            Q(raised_on__range=(start, end))
            | Q(raised_on__lt=start) & (~Q(status=IssueStatus.SOLVED) | Exists(solved_since))
        )

    def fiscal_years(self):
        """The 年度 whose register (of_fiscal_year) holds any of these 課題, in one query: each from
        the 年度 it was raised in to this 年度 while open, or to the 年度 of its last 解決."""
        this = dates.fiscal_year(dates.today())
        last_solved = (
            IssueStatusChange.objects.filter(issue=OuterRef("pk"), status=IssueStatus.SOLVED)
            .order_by("-changed_on")
            .values("changed_on")[:1]
        )
        rows = (
            self.prefetch_related(None)
            .order_by()
            .annotate(last_solved=Subquery(last_solved))
            .values_list("raised_on", "status", "last_solved")
            .distinct()
        )
        years = set()
        for raised_on, status, solved_on in rows:
            first = dates.fiscal_year(raised_on)
            if status != IssueStatus.SOLVED:
                last = this
            else:
                last = dates.fiscal_year(solved_on) if solved_on else first
            years.update(range(first, max(first, last) + 1))
        return years


class Issue(CreatedBy):
    """A 課題 raised by an organisation or a profession, tracked for years (薬剤師会 H24 課題 A–G)."""

    # No center: a 課題 the city owns (健康局's own, raised by an official).
    center = models.ForeignKey(
        Center,
        verbose_name="担当センター（空欄は市）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField("ラベル", max_length=20, help_text="例: 薬-A（同じ団体の課題で重複不可）")
    title = models.CharField("課題", max_length=200)
    description = models.TextField("内容", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="提起した団体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    profession = models.ForeignKey(
        Profession,
        verbose_name="提起した職種",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        IssueCategory, verbose_name="分類", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_on = models.DateField("提起日", default=timezone.localdate)
    raised_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name="提起された会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_issues",
    )
    raised_from_consultation = models.ForeignKey(
        Consultation,
        verbose_name="きっかけの相談",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状態", max_length=12, choices=IssueStatus, default=IssueStatus.NEW)
    # 健康局's table (seed 001): 対象 / 課題 / 目標 / 対応策 (the 対応策 are the 解決策).
    target_group = models.CharField(
        "対象", max_length=100, blank=True, help_text="例: 区役所、受託法人・コーディネーター"
    )
    goal = models.TextField("目標", blank=True)
    items = models.CharField("事業項目（ア〜ク）", max_length=8, blank=True, default="イ")

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "課題"
        ordering = ["organisation__sort_order", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "organisation", "label"],
                condition=models.Q(organisation__isnull=False),
                name="issue_label_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["center", "profession", "label"],
                condition=models.Q(organisation__isnull=True),
                name="issue_label_unique_per_profession",
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.title}"

    def get_absolute_url(self):
        return reverse("meetings:issue_detail", args=[self.pk])

    @property
    def raised_by(self):
        """Who raised it, as every page and workbook names them: the organisation with the
        profession that spoke for it in brackets when both are set (病院地域連携室連絡会（MSW）),
        else whichever is set; "" when neither is."""
        if self.organisation_id and self.profession_id:
            return f"{self.organisation}（{self.profession}）"
        return str(self.organisation or self.profession or "")

    @classmethod
    def next_label(cls, center_id, organisation):
        """The organisation's next free label in the center's register, in the register's own
        convention (薬剤師会's 薬-A, 薬-B …: its short name and a letter), so that a coordinator
        need not look up which letters are taken. "" when it has no short name or all 26 are used."""
        if not organisation.short_name:
            return ""
        taken = set(
            cls.objects.filter(center_id=center_id, organisation=organisation).values_list("label", flat=True)
        )
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            label = f"{organisation.short_name}-{letter}"
            if label not in taken:
                return label
        return ""

    def clean(self):
        if not self.organisation_id and not self.profession_id:
            raise ValidationError({"organisation": "課題を提起した団体または職種を選んでください。"})
        # Labels are per organisation within a center's register (each center keeps its own 薬-A…).
        clash = Issue.objects.filter(center_id=self.center_id, label=self.label).exclude(pk=self.pk)
        clash = (
            clash.filter(organisation_id=self.organisation_id)
            if self.organisation_id
            else clash.filter(organisation__isnull=True, profession_id=self.profession_id)
        )
        if self.label and clash.exists():
            raise ValidationError(
                {"label": f"ラベル「{self.label}」はこの団体・職種ですでに使われています。"}
            )

    RAISED_NOTE = "提起"

    def raising_step_id(self):
        """The status step written when the 課題 was raised (dated its 提起日), or None. From the
        prefetched steps where the page has them."""
        first = min(self.status_changes.all(), key=lambda step: step.pk, default=None)
        return first.pk if first and first.note == self.RAISED_NOTE else None

    def last_undoable_step(self):
        """The latest status step, when it is not the raising one: a step entered by mistake (the
        wrong state, a date a year off) is taken back rather than left to block later ones."""
        steps = list(self.status_changes.all())  # in their order: date, then entry
        last = steps[-1] if steps else None
        return last if last and last.pk != self.raising_step_id() else None

    def change_status(self, status, on, note="", user=None):
        """Records a dated status change (the history the lineage view shows)."""
        with transaction.atomic():
            self.status = status
            self.save(update_fields=["status"])
            return IssueStatusChange.objects.create(
                issue=self, status=status, changed_on=on, note=note, by=user
            )

    def lineage(self):
        """The history from raising to resolution: [(年度, [(date, kind, text, object)])], oldest
        first. Kinds: raised, status, discussed, decided, carried_out, planned.

        Entries of one day are in the order they happened, as the records were entered (the
        moment each was recorded), so that a day reads 提起 → 協議 → 解決策 and a status step
        follows what moved it. Nothing about the 課題 comes before it was raised, nor a 解決策's
        carrying out before the 解決策 itself, whenever their meeting was entered (a 課題 raised at
        a meeting is recorded after the meeting). Equal moments fall back on that story's order."""
        today = timezone.localdate()
        entries = []  # (date, moment, entry)
        raised_at = self.created_at

        def since(*moments):
            return max([raised_at, *(m for m in moments if m is not None)])

        origin = "相談から" if self.raised_from_consultation_id else ""
        if self.raised_at_meeting_id:
            origin = (
                f"{self.raised_at_meeting.get_tier_display()}「{self.raised_at_meeting.display_title}」で"
            )
        entries.append(
            (
                raised_at,
                (self.raised_on, "raised", f"{origin}提起（{self.raised_by}）", self.raised_at_meeting),
            )
        )
        for change in self.status_changes.all():
            text = f"状態を「{change.get_status_display()}」に" + (f"：{change.note}" if change.note else "")
            entries.append((since(change.recorded_at), (change.changed_on, "status", text, None)))
        for meeting in self.discussed_at.all():
            entries.append(
                (
                    since(meeting.created_at),
                    (
                        meeting.held_on,
                        "discussed",
                        f"{meeting.get_tier_display()}「{meeting.display_title}」で検討",
                        meeting,
                    ),
                )
            )
        for solution in self.solutions.all():
            decided_at = since(solution.created_at)
            if solution.decided_on:
                entries.append(
                    (
                        decided_at,
                        (solution.decided_on, "decided", f"解決策「{solution.title}」を決定", solution),
                    )
                )
            # An occasion ahead of today is a plan: the line says so rather than 実施, as the
            # reports and the status (which count only what has happened) do.
            occasions = [
                (m.held_on, f"{m.get_tier_display()}「{m.display_title}」", m)
                for m in solution.meetings.all()
            ] + [(e.day, f"研修「{e.title}」", e) for e in solution.events.all()]
            for day, where, occasion in occasions:
                moment = max(decided_at, occasion.created_at)
                if day > today:
                    entry = (day, "planned", f"解決策「{solution.title}」を{where}で実施する予定", occasion)
                else:
                    entry = (day, "carried_out", f"解決策「{solution.title}」を{where}で実施", occasion)
                entries.append((moment, entry))
        order = {"raised": 0, "discussed": 1, "decided": 2, "carried_out": 3, "planned": 3, "status": 4}
        entries.sort(key=lambda e: (e[1][0], e[0], order[e[1][1]]))
        years = {}
        for _, entry in entries:
            years.setdefault(dates.fiscal_year(entry[0]), []).append(entry)
        return [(dates.fiscal_year_label(y), rows) for y, rows in sorted(years.items())]


class IssueStatusChange(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField("状態", max_length=12, choices=IssueStatus)
    changed_on = models.DateField("日付")
    note = models.CharField("メモ", max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self):
        return f"{self.changed_on} {self.get_status_display()}"


class Solution(OfOneCenter, CreatedBy):
    """A 解決策: what will be done, the 課題 it answers, and where it was carried out (a later
    meeting such as a 二次連携 同行訪問研修, or a training event)."""

    title = models.CharField("解決策", max_length=200)
    description = models.TextField("内容", blank=True)
    issues = models.ManyToManyField(Issue, verbose_name="対応する課題", related_name="solutions")
    decided_on = models.DateField("決定日", null=True, blank=True)
    decided_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name="決定した会議",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    meetings = models.ManyToManyField(
        Meeting, verbose_name="実施した会議", blank=True, related_name="solutions"
    )
    events = models.ManyToManyField(Event, verbose_name="実施した研修", blank=True, related_name="solutions")

    class Meta:
        verbose_name = verbose_name_plural = "解決策"
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return self.title


class Measure(models.TextChoices):
    """What a 計画値 counts in the 事業評価 (meetings/evaluation.py counts each)."""

    MEETINGS = "meetings", "会議・連携の開催数（回）"
    ISSUES_RAISED = "issues_raised", "課題の提起数（件）"
    ISSUES_SOLVED = "issues_solved", "課題の解決数（件）"
    CONSULTATIONS = "consultations", "相談の延べ件数（件）"
    PERSONS = "persons", "相談の実人数（人）"
    EVENTS = "events", "研修・講座の開催数（回）"
    PARTICIPANTS = "participants", "研修・講座の参加人数（人）"


class YearOfCityOrWard(models.Model):
    """An entry of the 事業評価 for one 年度, the city's (no ward) or one ward's (区役所's own)."""

    fiscal_year = models.PositiveIntegerField("年度")
    ward = models.ForeignKey(
        Area,
        verbose_name="区（空欄は市全体）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class ItemTarget(YearOfCityOrWard):
    """計画値: a target of one item for one 年度 (研修 4回, 相談 500件), for the city (no center)
    or one center, entered at the start of the year. A ward's own targets (区役所's plan) are
    read by that ward's officials instead of the city's."""

    item = models.CharField("事業項目", max_length=1, choices=PROGRAM_ITEMS)
    measure = models.CharField("指標", max_length=20, choices=Measure)
    planned = models.PositiveIntegerField("計画値")
    center = models.ForeignKey(
        Center,
        verbose_name="センター（空欄は市全体）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事業項目の計画値"
        ordering = ["-fiscal_year", "item", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "item", "measure", "center"], name="item_target_unique"
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "item", "measure"],
                condition=models.Q(center=None, ward=None),
                name="item_target_unique_city",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "item", "measure", "ward"],
                condition=models.Q(center=None),
                name="item_target_unique_ward",
            ),
            models.CheckConstraint(
                condition=models.Q(center=None) | models.Q(ward=None),
                name="item_target_center_or_ward",
                violation_error_message="計画値はセンターか区のどちらか一方に付けてください（両方は選べません）。",
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year}年度 {self.item} {self.get_measure_display()} {self.planned}"


class EvaluationNarrative(YearOfCityOrWard):
    """The written sections of the 取組事例（様式） (seed 000: ④ 取組の概要 … ⑮ 担当部署及び連絡先) for
    one 年度, the city's or one ward's; the figures beside them come from the records."""

    overview = models.TextField("取組の概要", blank=True)
    features = models.TextField("取組の特徴", blank=True)
    started = models.CharField("開始年度", max_length=50, blank=True)
    history = models.TextField("取組のこれまでの経緯", blank=True)
    users = models.TextField("主な利用者と人数", blank=True)
    bodies = models.TextField("取組の実施主体及び関連する団体・組織", blank=True)
    municipal_role = models.TextField("市区町村の関与（支援等）", blank=True)
    national_role = models.TextField("国・都道府県の関与（支援等）", blank=True)
    challenges = models.TextField("取組の課題", blank=True)
    plans = models.TextField("今後の取組予定", blank=True)
    other = models.TextField("その他", blank=True)
    contact = models.TextField("担当部署及び連絡先", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "取組事例（様式）の記述"
        ordering = ["-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year"], condition=models.Q(ward=None), name="evaluation_narrative_city"
            ),
            models.UniqueConstraint(fields=["fiscal_year", "ward"], name="evaluation_narrative_ward"),
        ]

    def __str__(self):
        return f"{self.fiscal_year}年度 取組事例（{self.ward or '市全体'}）"
