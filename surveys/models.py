"""One survey engine for every questionnaire of the portal: who owns it (a center or the city), when
it is open, who answers it (facilities of the directory, professionals with accounts, anyone with the
link), its questions and the answers.

A survey repeated every year keeps its questions' identity through `Question.key` within the series
(`Survey.series_key`), so that a result page can set this year's answers beside earlier years'."""

import datetime
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from coordination.dates import fiscal_year, fiscal_year_label
from coordination.models import (
    Area,
    Center,
    CenterOrCity,
    CenterOwnedQuerySet,
    CreatedBy,
    Profession,
    Role,
)
from resources.models import Facility, FacilityKind
from training.models import AttendanceCount, Event, Item, Registration

# The group of an event's attendee who chose no 職種: after every 職種.
NO_PROFESSION = "職種の回答なし"


def new_token():
    return secrets.token_urlsafe(16)


class SurveyQuerySet(CenterOwnedQuerySet):
    """Managed by admins and the owning center's coordinators; an event's survey also by the
    coordinators who manage the event (a co-hosting center's)."""

    def for_user(self, user):
        if user.is_authenticated and user.is_active and user.role == Role.COORDINATOR and user.center_id:
            events = Event.objects.for_user(user).values("pk")
            return self.filter(Q(center_id=user.center_id) | Q(event__in=events))
        return super().for_user(user)

    def readable_by(self, user):
        """Surveys whose answers and results a user may read: officials as for every center's
        records (a ward's official: its centers' and the city's), a coordinator also the city's
        (a city survey covers every center's area)."""
        if user.is_authenticated and user.is_active and user.role == Role.COORDINATOR and user.center_id:
            events = Event.objects.for_user(user).values("pk")
            return self.filter(Q(center_id=user.center_id) | Q(center__isnull=True) | Q(event__in=events))
        return super().readable_by(user)

    def answers_readable_by(self, user):
        """Surveys whose answers one by one a user may read (the raw workbook, free text, who
        answered): their managers only, the owning center's staff and admins (an event's survey
        also the co-hosting centers' staff). Officials and a coordinator reading a city survey
        get the aggregates."""
        return self.for_user(user)

    def with_response_counts(self):
        """Annotates `answered` and `asked`, the whole a response rate is taken over: the
        respondents asked (facilities, professionals, visitors of a link), or for an event's
        survey the event's participants (check-ins and the counts entered afterwards, as
        Event.attendance_by_profession counts them), since its link respondents exist only once
        someone answered. The one definition for the list, the results page and 事業評価."""
        checked_in = (
            Registration.objects.filter(event=OuterRef("event"), checked_in_at__isnull=False)
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        entered = (
            AttendanceCount.objects.filter(event=OuterRef("event"))
            .order_by()
            .values("event")
            .annotate(n=Sum("count"))
            .values("n")
        )
        whole = models.IntegerField()
        participants = Coalesce(Subquery(checked_in, output_field=whole), 0) + Coalesce(
            Subquery(entered, output_field=whole), 0
        )
        return self.annotate(
            answered=Count("respondents", filter=Q(respondents__submitted_at__isnull=False), distinct=True),
            asked=models.Case(
                models.When(event__isnull=False, then=participants),
                default=Count("respondents", distinct=True),
                output_field=whole,
            ),
        )

    def published(self):
        """Surveys whose aggregates anyone may read (the public results page)."""
        return self.filter(results_public=True)

    def of_series(self, series_key):
        return self.filter(series_key=series_key).exclude(series_key="")


class Survey(CenterOrCity, CreatedBy):
    class Audience(models.TextChoices):
        FACILITIES = "facilities", "施設・事業所（名簿から）"
        PROFESSIONALS = "professionals", "専門職（アカウントのある方）"
        LINK = "link", "リンクを知っている人（無記名）"
        EVENT = "event", "研修・イベントの参加者（当日に知らせるリンク）"

    # Audiences answering by the survey's one open link (a cookie per browser, LinkThrottle).
    OPEN_LINK = (Audience.LINK, Audience.EVENT)

    class Template(models.TextChoices):
        NONE = "", "なし"
        ADMISSION = "admission_discharge", "入退院連絡調査"
        VACANCY = "vacancy", "空床状況調査"

    title = models.CharField("調査名", max_length=200)
    description = models.TextField("説明（回答画面の最初に表示）", blank=True)
    center = models.ForeignKey(
        Center,
        verbose_name="実施するセンター",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text="空欄は市の調査",
    )
    fiscal_year = models.PositiveIntegerField("年度")
    series_key = models.SlugField(
        "シリーズ",
        max_length=50,
        blank=True,
        help_text="毎年くり返す調査に同じ英数字の名前を付けると、前年度までの結果と比べられます",
    )
    template = models.CharField("ひな形", max_length=30, choices=Template, default=Template.NONE, blank=True)
    opens_at = models.DateTimeField("回答受付開始")
    closes_at = models.DateTimeField("回答受付終了")
    audience = models.CharField("回答する人", max_length=20, choices=Audience, default=Audience.FACILITIES)
    link_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    event = models.OneToOneField(
        Event,
        verbose_name="研修・イベント",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attendee_survey",
        help_text="参加者に答えてもらうアンケートのとき",
    )
    results_public = models.BooleanField(
        "集計結果を公開する",
        default=False,
        help_text="ログインなしで見られる公開ページに、集計だけを載せます"
        "（少ない件数は「-」、自由記述は載せません）",
    )
    anonymous = models.BooleanField(
        "無記名", default=True, help_text="オフにすると、リンクからの回答画面に氏名欄（任意）を表示します"
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "調査"
        ordering = ["-fiscal_year", "-opens_at", "-pk"]
        indexes = [models.Index(fields=["series_key", "fiscal_year"], name="survey_series_year")]

    def __str__(self):
        return f"{self.title}（{self.fiscal_year}年度）"

    def get_absolute_url(self):
        return reverse("surveys:detail", args=[self.pk])

    @property
    def for_residents(self):
        """The survey of a public lecture (キ): its attendees are residents, not professionals."""
        return self.event_id is not None and self.event.item == Item.PUBLIC

    def get_public_url(self):
        return reverse("surveys:public_results", args=[self.pk])

    @property
    def year_label(self):
        return fiscal_year_label(self.fiscal_year)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "回答受付終了は開始より後にしてください。"})
        if self.audience == self.Audience.EVENT and not self.event_id:
            raise ValidationError(
                {
                    "audience": "研修の参加者に答えてもらう調査は、研修の画面の「アンケートを作成」から作ってください。"
                }
            )

    @property
    def groups_are_professions(self):
        """The respondents' groups are 職種 (an event's attendees give theirs, a professional's is
        on their account), not 施設種別 or 「リンクから」: the results break down by 職種."""
        return self.audience in (self.Audience.EVENT, self.Audience.PROFESSIONALS)

    @property
    def answers_by_link(self):
        return self.audience in self.OPEN_LINK

    @property
    def answers_are_anonymous(self):
        """A 無記名 survey answered by its open link: its answers are the respondents' alone, so
        staff read counts (and free text not linked to one another), never one person's answers.
        A survey that asks for a name (無記名 off) keeps its answers one by one."""
        return self.answers_by_link and self.anonymous

    def response_figures(self):
        """(answered, asked, rate) as SurveyQuerySet.with_response_counts defines them. One query."""
        answered, asked = (
            Survey.objects.filter(pk=self.pk).with_response_counts().values_list("answered", "asked").get()
        )
        return answered, asked, rate(answered, asked)

    def is_open(self, at=None):
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def status_label(self, at=None):
        at = at or timezone.now()
        if at < self.opens_at:
            return "受付前"
        return "受付中" if at < self.closes_at else "終了"

    def has_answers(self):
        return Answer.objects.filter(respondent__survey=self).exists()

    def earlier(self):
        """The same survey in earlier years (same series), latest first."""
        if not self.series_key:
            return Survey.objects.none()
        return Survey.objects.of_series(self.series_key).filter(
            fiscal_year__lt=self.fiscal_year, center_id=self.center_id
        )

    def group_order(self):
        """The sort key of this survey's respondent groups. 職種 come in the Profession lookup's
        order, the order of every 職種 list of the portal (one query), a group naming none
        (職種の登録なし) after them and who gave none last; other groups (施設種別) by name."""
        rank = {}
        if self.groups_are_professions:
            rank = {name: i for i, name in enumerate(Profession.objects.values_list("name", flat=True))}
        unknown = len(rank)
        return lambda group: (group == NO_PROFESSION, rank.get(group, unknown), group)

    def response_groups(self):
        """[(group, answered, total, rate)] per respondent group and the whole, in one query (two
        when the groups are 職種, put in their order)."""
        rows = (
            self.respondents.values("group")
            .annotate(
                total=models.Count("pk"), answered=models.Count("pk", filter=Q(submitted_at__isnull=False))
            )
            .order_by("group")
        )
        groups = [
            (r["group"] or "その他", r["answered"], r["total"], rate(r["answered"], r["total"])) for r in rows
        ]
        if self.groups_are_professions:
            order = self.group_order()
            groups.sort(key=lambda g: order(g[0]))
        answered = sum(g[1] for g in groups)
        total = sum(g[2] for g in groups)
        return groups, (answered, total, rate(answered, total))


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(part * 1000 / whole) / 10


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "ひとつ選ぶ"
        MULTIPLE = "multiple", "いくつでも選ぶ"
        NUMBER = "number", "数値"
        DATE = "date", "日付"
        SHORT_TEXT = "short_text", "短い文"
        LONG_TEXT = "long_text", "長い文"
        MATRIX = "matrix", "表（行ごとに同じ選択肢）"
        ROWS = "rows", "利用者ごとの記録（行を追加）"
        RATING = "rating", "5段階評価"

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.MATRIX)
    # The rating question's scale, as the training events' surveys have always asked it.
    SCALE = (1, 2, 3, 4, 5)
    SCALE_LABELS = {1: "1 そう思わない", 2: "2", 3: "3 どちらとも", 4: "4", 5: "5 そう思う"}

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(
        "識別名",
        max_length=50,
        help_text="毎年の調査で同じ質問に同じ英数字の名前（前年度との比較に使います）",
    )
    text = models.CharField("質問", max_length=300)
    help_text = models.CharField("補足", max_length=300, blank=True)
    kind = models.CharField("種類", max_length=20, choices=Kind, default=Kind.SINGLE)
    required = models.BooleanField("必須", default=False)
    sort_order = models.PositiveIntegerField("並び順", default=0)
    choices = models.JSONField("選択肢", default=list, blank=True)
    rows = models.JSONField("表の行", default=list, blank=True)
    # For the ROWS kind: the columns of a client's row, each [{"key", "label", "choices"}].
    columns = models.JSONField("記録の列", default=list, blank=True)
    show_if_question = models.ForeignKey(
        "self",
        verbose_name="表示の条件（この質問の答えが）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dependents",
    )
    show_if_value = models.CharField("表示の条件（この答えのとき）", max_length=200, blank=True)
    # A count that cannot exceed another of the same respondent (空床数 ≤ 定員).
    at_most = models.ForeignKey(
        "self",
        verbose_name="上限（この質問の答えより大きくできない）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="数値の質問どうしで使います（例: 空床数は定員を超えない）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "質問"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_unique_in_survey")
        ]

    def __str__(self):
        return self.text

    def clean(self):
        errors = {}
        if self.kind in self.CHOICE_KINDS and not self.choices:
            errors["choices"] = "この種類の質問には選択肢が必要です。"
        if self.kind == self.Kind.MATRIX and not self.rows:
            errors["rows"] = "表の質問には行が必要です。"
        if self.kind == self.Kind.ROWS and not self.columns:
            errors["columns"] = "利用者ごとの記録には列が必要です。"
        condition = self.show_if_question
        if condition is not None:
            if condition.pk == self.pk or condition.survey_id != self.survey_id:
                errors["show_if_question"] = "同じ調査の、ほかの質問を選んでください。"
            elif condition.show_if_question_id:
                errors["show_if_question"] = (
                    "条件に使えるのは、それ自体に条件のない質問だけです（条件は1段階まで）。"
                )
            elif condition.kind not in (self.Kind.SINGLE, self.Kind.MULTIPLE):
                errors["show_if_question"] = (
                    "条件に使えるのは「ひとつ選ぶ」「いくつでも選ぶ」の質問だけです。"
                )
            elif self.show_if_value not in condition.choices:
                errors["show_if_value"] = f"「{condition.text}」の選択肢から選んでください。"
        elif self.show_if_value:
            errors["show_if_question"] = "条件の答えを入れたときは、条件にする質問も選んでください。"
        limit = self.at_most
        if limit is not None:
            if self.kind != self.Kind.NUMBER:
                errors["at_most"] = "上限を決められるのは「数値」の質問だけです。"
            elif limit.pk == self.pk or limit.survey_id != self.survey_id or limit.kind != self.Kind.NUMBER:
                errors["at_most"] = "同じ調査の、ほかの「数値」の質問を選んでください。"
        if errors:
            raise ValidationError(errors)

    def shown_for(self, answers):
        """Whether this question applies, given {question_id: value} of the same respondent."""
        if not self.show_if_question_id:
            return True
        value = answers.get(self.show_if_question_id)
        if isinstance(value, list):
            return self.show_if_value in value
        return value == self.show_if_value


class RespondentQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(submitted_at__isnull=False)

    def pending(self):
        return self.filter(submitted_at__isnull=True)


class Respondent(models.Model):
    """One who answers: a facility, a professional or a visitor of the link. Each has its own
    unguessable link, answers once and may change the answer until the survey closes."""

    class Kind(models.TextChoices):
        FACILITY = "facility", "施設・事業所"
        PROFESSIONAL = "professional", "専門職"
        LINK = "link", "リンクから"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    kind = models.CharField("種類", max_length=20, choices=Kind)
    facility = models.ForeignKey(
        Facility, verbose_name="施設", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="専門職",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_respondents",
    )
    # Kept as they were when the respondent was added, so that a result still reads after the
    # facility changed its name or left the directory.
    label = models.CharField("回答者", max_length=200, blank=True)
    group = models.CharField("区分", max_length=100, blank=True, help_text="集計の内訳（施設種別・職種）")
    submitted_at = models.DateTimeField("回答日時", null=True, blank=True)
    updated_at = models.DateTimeField("最終更新", null=True, blank=True)
    reminded_at = models.DateTimeField("督促日時", null=True, blank=True)

    objects = RespondentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "回答者"
        ordering = ["group", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "facility"],
                condition=Q(facility__isnull=False),
                name="respondent_one_per_facility",
            ),
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="respondent_one_per_user"
            ),
        ]

    def __str__(self):
        return self.label or f"回答 #{self.pk}"

    def get_answer_url(self):
        return reverse("surveys:answer", args=[self.token])


class Answer(models.Model):
    """One question's answer: a choice (str), choices (list), a number, a date (ISO text), a text,
    a matrix ({row: choice}) or a client's rows ([{column: choice}])."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField("回答")

    class Meta:
        verbose_name = verbose_name_plural = "回答"
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="answer_one_per_question")
        ]

    def __str__(self):
        return str(self.value)[:60]


class LinkThrottle(models.Model):
    """Answers by the open link from one address per time window (a keyed hash of the address, no
    link to any answer): a flood stops at SURVEY_ANSWER_LIMIT per SURVEY_ANSWER_WINDOW_SECONDS while
    a venue sharing one address gets through."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    client = models.CharField(max_length=32)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "client", "window_start"], name="link_throttle_unique")
        ]

    def __str__(self):
        return f"{self.survey_id} {timezone.localtime(self.window_start):%H:%M} {self.count}"

    @classmethod
    def take(cls, survey, address):
        """True when one more answer from `address` is within the limit (and counts it)."""
        window = settings.SURVEY_ANSWER_WINDOW_SECONDS
        now = int(time.time())
        start = datetime.datetime.fromtimestamp(now - now % window, tz=datetime.UTC)
        client = hmac.new(
            settings.SECRET_KEY.encode(), f"surveys:{address or ''}".encode(), hashlib.sha256
        ).hexdigest()[:32]
        cls.objects.filter(survey=survey, window_start__lt=start).delete()
        try:
            with transaction.atomic():
                cls.objects.get_or_create(survey=survey, client=client, window_start=start)
        except IntegrityError:
            pass
        return bool(
            cls.objects.filter(
                survey=survey, client=client, window_start=start, count__lt=settings.SURVEY_ANSWER_LIMIT
            ).update(count=F("count") + 1)
        )


class AudienceFilter(models.Model):
    """Which facilities a survey was sent to (kinds and areas), kept to show on the survey page."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="audience_filters")
    kinds = models.ManyToManyField(FacilityKind, verbose_name="施設種別", blank=True, related_name="+")
    areas = models.ManyToManyField(Area, verbose_name="地域", blank=True, related_name="+")
    added = models.PositiveIntegerField("追加した回答者", default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.survey_id}: {self.added}"


def default_fiscal_year():
    return fiscal_year(timezone.localdate())
