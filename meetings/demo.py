"""Demo meetings and 課題 modelled on 釜石市's 薬剤師会 and 歯科 tables (seed 003), over three
fiscal years (idempotent: only when a center has no meeting): at the first center 一次連携 that
raise 課題 薬-A…G, 二次連携 同行訪問研修 that carry out 解決策 and a 三次連携 推進協議会; at the second
the 歯科 line; a monthly 地域コア会議 series at each, running to date; a few meetings of this 年度
after the 推進協議会 (RECENT); and one 課題 raised from a consultation. Each
課題 is raised once, at one center, so that the city's counts are the sum of the centers'."""

import datetime

from consultations.models import Consultation
from coordination import dates
from coordination.models import Center, Organisation, Profession, Role, User
from meetings import reference
from meetings.models import (
    EvaluationNarrative,
    Issue,
    IssueCategory,
    IssueStatus,
    ItemTarget,
    Measure,
    Meeting,
    MeetingKind,
    Series,
    Solution,
    Tier,
)
from training.models import Event

PHARMACY_ISSUES = [
    ("薬-A", "ケアマネジャーの顔が分からない", "顔の見える関係・相互理解"),
    ("薬-B", "どこに相談すればよいか分からない", "情報共有・連絡方法"),
    ("薬-C", "ケアカンファレンスに呼ばれない", "情報共有・連絡方法"),
    ("薬-D", "訪問のきっかけがつかめない", "在宅医療の提供体制"),
    ("薬-E", "病院薬剤師と薬局薬剤師の連携", "入退院支援"),
    ("薬-F", "「訪問指示」の処方箋が来ない", "在宅医療の提供体制"),
    ("薬-G", "薬剤師の職能が認知されていない", "職能の周知"),
]


def seed(stdout, **options):
    reference.load(MeetingKind, IssueCategory)
    fy = dates.fiscal_year(dates.today())
    centers = list(Center.objects.all()[:2])
    # Each 課題 is one center's (the city's figures add the centers' registers): the 薬剤師会 line
    # is the first center's, the 歯科 line the second's; each center holds its own 地域コア会議.
    for index, center in enumerate(centers):
        if Meeting.objects.filter(center=center).exists():
            continue
        record = _Recorder(center)
        if index == 0:
            _pharmacy_line(record, fy)
        if index == 1 or len(centers) == 1:
            _dental_line(record, fy)
        _core_series(record, fy)
    for center in centers:
        _core_months(center, fy)
    _recent(centers)
    _issue_from_consultation(centers)
    _targets()
    # A 推進協議会 also serves ク (the city's wards and its neighbours together), a 課題 of 健康局's
    # table (seed 001) carries its 対象 and 目標.
    Meeting.objects.filter(kind__name__contains="協議会", items="イ").update(items="イク")
    Issue.objects.filter(target_group="", items="イ").filter(
        pk__in=Issue.objects.order_by("pk").values("pk")[:1]
    ).update(
        target_group="受託法人・コーディネーター",
        goal="コーディネーターが医療・介護関係者の連携における相談業務を行いつつ、切れ目のない提供体制の構築を推進できる。",
        items="イウ",
    )
    stdout.write(
        f"meetings: {Meeting.objects.count()} meetings, {Issue.objects.count()} 課題, "
        f"{ItemTarget.objects.count()} 計画値"
    )


class _Recorder:
    """Writes one center's demo meetings and 課題, by its first coordinator."""

    def __init__(self, center):
        self.center = center
        self.user = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        self.kinds = {k.name: k for k in MeetingKind.objects.all()}
        self.categories = {c.name: c for c in IssueCategory.objects.all()}
        self.orgs = {o.name: o for o in Organisation.objects.all()}
        self.professions = {p.name: p for p in Profession.objects.all()}

    def meeting(self, tier, kind, day, organisations, title="", **fields):
        m = Meeting.objects.create(
            center=self.center,
            tier=tier,
            kind=self.kinds[kind],
            held_on=day,
            title=title,
            created_by=self.user,
            **fields,
        )
        m.organisations.set([self.orgs[o] for o in organisations if o in self.orgs])
        return m

    def issue(self, label, title, organisation, category, meeting):
        issue = Issue.objects.create(
            center=self.center,
            label=label,
            title=title,
            organisation=organisation,
            category=self.categories.get(category),
            raised_on=meeting.held_on,
            raised_at_meeting=meeting,
            created_by=self.user,
        )
        issue.status_changes.create(
            status=IssueStatus.NEW, changed_on=meeting.held_on, note="提起", by=self.user
        )
        return issue


def _pharmacy_line(record, fy):
    """薬剤師会: 一次 (課題 薬-A…G) → 二次 同行訪問研修・合同研修会 (解決策) → 三次 推進協議会."""
    user = record.user
    pharmacy = record.orgs.get("薬剤師会")
    y0 = fy - 2
    first = record.meeting(
        Tier.PRIMARY,
        "打ち合わせ会",
        datetime.date(y0, 9, 3),
        ["薬剤師会"],
        "薬剤師会との打ち合わせ会",
        agenda="薬剤師の在宅訪問の現状と、多職種連携で困っていること",
        minutes="薬剤師会役員4名と意見交換。\nケアマネジャーとの接点がない、処方箋に訪問指示が来ない等の声。",
        next_steps="課題を整理し、次回までに解決策案を検討する。",
    )
    issues = {
        label: record.issue(label, title, pharmacy, category, first)
        for label, title, category in PHARMACY_ISSUES
    }
    visit = record.meeting(
        Tier.SECONDARY,
        "同行訪問",
        datetime.date(y0 + 1, 6, 12),
        ["薬剤師会", "医師会"],
        "医科薬科在宅医療同行訪問研修",
        minutes="在宅医の訪問に薬剤師が同行。\n医師から薬剤師への訪問指示の出し方を共有。",
    )
    joint = record.meeting(
        Tier.SECONDARY,
        "合同研修会",
        datetime.date(y0 + 1, 11, 20),
        ["薬剤師会", "介護支援専門員協会（ケアマネ協議会）"],
        "ケアマネ・薬科合同研修会",
    )
    joint.issues_discussed.set([issues["薬-A"], issues["薬-B"]])
    for title, labels, held in [
        ("医科薬科在宅医療同行訪問研修", ["薬-C", "薬-D", "薬-F"], visit),
        ("ケアマネ・薬剤師の合同研修会", ["薬-A", "薬-B", "薬-C"], joint),
    ]:
        solution = Solution.objects.create(
            center=record.center,
            title=title,
            decided_on=first.held_on,
            decided_at_meeting=first,
            created_by=user,
        )
        solution.issues.set([issues[label] for label in labels])
        solution.meetings.set([held])
        for label in labels:
            if issues[label].status == IssueStatus.NEW:
                issues[label].change_status(
                    IssueStatus.IN_PROGRESS, held.held_on, f"解決策「{title}」を実施", user
                )
    issues["薬-A"].change_status(
        IssueStatus.SOLVED, datetime.date(fy, 5, 30), "合同研修会後、顔の見える関係ができた", user
    )
    record.meeting(
        Tier.TERTIARY,
        "推進協議会",
        datetime.date(fy, 7, 10),
        [
            "医師会",
            "歯科医師会",
            "薬剤師会",
            "訪問看護ステーション連絡協議会",
            "介護支援専門員協会（ケアマネ協議会）",
        ],
        "在宅医療・介護連携推進協議会",
        minutes="各団体の取組を報告し、今年度の重点（入退院支援ルール）を確認。",
        shared=True,
    )


def _dental_line(record, fy):
    """歯科医師会: 一次 (課題 歯-A) → 二次 セミナー (解決策: 依頼書), and the training event that used it."""
    dental = record.orgs.get("歯科医師会")
    if not dental:
        return
    y0 = fy - 2
    d1 = record.meeting(
        Tier.PRIMARY, "打ち合わせ会", datetime.date(y0, 8, 21), ["歯科医師会"], "歯科医師会との打ち合わせ会"
    )
    dental_issue = record.issue(
        "歯-A", "訪問歯科診療の依頼の仕方が分からない", dental, "情報共有・連絡方法", d1
    )
    d2 = record.meeting(
        Tier.SECONDARY,
        "合同研修会",
        datetime.date(y0 + 1, 4, 24),
        ["歯科医師会", "医師会"],
        "医科歯科連携推進セミナー",
    )
    s = Solution.objects.create(
        center=record.center,
        title="歯科往診依頼書とスクリーニングシートの作成",
        decided_on=d1.held_on,
        created_by=record.user,
    )
    s.issues.set([dental_issue])
    s.meetings.set([d2])
    dental_issue.change_status(IssueStatus.IN_PROGRESS, d2.held_on, "セミナーで依頼書を周知", record.user)
    training = Event.objects.filter(center=record.center, item="ka").order_by("-starts_at").first()
    if training:
        s.events.add(training)


def _core_series(record, fy):
    """The center's own monthly 地域コア会議 (no 課題 of its own): see _core_months."""
    Series.objects.create(
        center=record.center,
        name="地域コア会議",
        kind=record.kinds["地域コア会議"],
        tier=Tier.SECONDARY,
        cadence="毎月",
    )


def _core_months(center, fy):
    """The 地域コア会議 on the 15th of each month of the 年度 up to today (and April to June in any
    case, planned ahead), each month once: a demo loaded later in the year, or again next month,
    has the series running to date rather than stopping in June."""
    core = Series.objects.filter(center=center, name="地域コア会議").first()
    if core is None:
        return
    record = _Recorder(center)
    held = core.meetings.filter(held_on__range=dates.fiscal_year_range(fy)).values_list("held_on", flat=True)
    have = {(d.year, d.month) for d in held}
    for year, month in dates.fiscal_months(fy):
        day = datetime.date(year, month, 15)
        if (year, month) in have or (month not in (4, 5, 6) and day > dates.today()):
            continue
        m = record.meeting(
            Tier.SECONDARY,
            "地域コア会議",
            day,
            ["地域包括支援センター", "市保健福祉局"],
            series=core,
        )
        m.professions.set(
            [p for name, p in record.professions.items() if name in ("保健師", "介護支援専門員")]
        )


# Meetings of this 年度 after the 推進協議会 (July), dated from today so that the demo's year keeps
# going whenever it is loaded: (days before today, center index, tier, kind, title, organisations,
# agenda, minutes). Each once, by its center and title.
RECENT = [
    (
        115,
        0,
        Tier.SECONDARY,
        "実務者部会",
        "入退院支援ルール 実務者部会",
        ["病院地域連携室連絡会", "介護支援専門員協会（ケアマネ協議会）"],
        "推進協議会で確認した入退院支援ルールの運用案",
        "病院とケアマネの連絡票の様式を一本化する案で合意。\n入院時の情報提供は3日以内を目安とする。",
    ),
    (
        85,
        1,
        Tier.PRIMARY,
        "意見交換会",
        "訪問看護ステーションとの意見交換会",
        ["訪問看護ステーション連絡協議会"],
        "退院直後の訪問看護の導入で困っていること",
        "退院前カンファレンスへの参加の呼びかけが遅いとの声。\n病院への周知を次回の実務者部会で検討。",
    ),
    (
        50,
        0,
        Tier.SECONDARY,
        "ワーキングチーム",
        "入退院支援ルール ワーキングチーム",
        ["病院地域連携室連絡会", "介護支援専門員協会（ケアマネ協議会）", "訪問看護ステーション連絡協議会"],
        "連絡票の試行結果の確認",
        "試行した病院5か所・居宅12か所の意見を集約。\n様式を一部修正し、年明けから全市で運用する。",
    ),
    (
        20,
        1,
        Tier.PRIMARY,
        "打ち合わせ会",
        "歯科医師会との打ち合わせ会（依頼書の運用）",
        ["歯科医師会"],
        "歯科往診依頼書の利用状況",
        "依頼書による往診依頼は半年で14件。\nケアマネへの周知を続ける。",
    ),
]


def _recent(centers):
    for days_ago, index, tier, kind, title, organisations, agenda, minutes in RECENT:
        if index >= len(centers) or Meeting.objects.filter(center=centers[index], title=title).exists():
            continue
        day = dates.today() - datetime.timedelta(days=days_ago)
        day -= datetime.timedelta(days=max(0, day.weekday() - 4))  # a weekday
        _Recorder(centers[index]).meeting(
            tier, kind, day, organisations, title, agenda=agenda, minutes=minutes
        )


def _issue_from_consultation(centers):
    """One 課題 raised from a consultation (the first about 眼科), at that consultation's center."""
    if Issue.objects.filter(raised_from_consultation__isnull=False).exists():
        return
    consultation = (
        Consultation.objects.filter(center__in=centers, summary__contains="眼科")
        .select_related("center")
        .order_by("received_at", "pk")
        .first()
    )
    if consultation is None:
        return
    record = _Recorder(consultation.center)
    Issue.objects.create(
        center=consultation.center,
        label="相-1",
        title="眼科の往診医が見つからない",
        profession=record.professions.get("介護支援専門員"),
        category=record.categories.get("在宅医療の提供体制"),
        raised_on=consultation.received_at.date(),
        raised_from_consultation=consultation,
        created_by=record.user,
        description="同じ相談が繰り返し寄せられている。医師会と眼科の在宅対応を検討したい。",
    )


# 計画値 of the current 年度 for the whole city (the 事業評価 compares against them).
TARGETS = [
    ("イ", Measure.MEETINGS, 12),
    ("イ", Measure.ISSUES_SOLVED, 3),
    ("オ", Measure.CONSULTATIONS, 500),
    ("カ", Measure.EVENTS, 4),
    ("カ", Measure.PARTICIPANTS, 200),
    ("キ", Measure.EVENTS, 2),
    ("ク", Measure.MEETINGS, 2),
]


def _targets():
    fy = dates.fiscal_year(dates.today())
    for item, measure, planned in TARGETS:
        ItemTarget.objects.get_or_create(
            fiscal_year=fy, item=item, measure=measure, center=None, ward=None, defaults={"planned": planned}
        )
    # The 取組事例（様式）'s written sections of the year (seed 000's headings), the city's.
    EvaluationNarrative.objects.get_or_create(
        fiscal_year=fy,
        ward=None,
        defaults={
            "overview": "医療・介護のスムーズな連携のために、顔と顔の見える関係づくりと多職種の相互理解をめざし、"
            "センターと専門職団体が協同で会議と研修会を企画・開催している。",
            "features": "・職能団体ごとの一次連携で課題を抽出し、二次・三次連携で解決策を実施・共有する。\n"
            "・課題は年度をまたいでラベルで追跡する。",
            "challenges": "医療・介護の多職種の参加を一層促し、住民への普及啓発を広げる。",
            "plans": "継続",
            "contact": "保健福祉局 地域包括ケア推進課",
        },
    )
