"""Demo training and public events over three fiscal years (idempotent: only when a center has
none; this 年度's held ones, THIS_YEAR, each once by title): attendance by profession like 釜石市's 職場研修会 (医師6, リハ2, 看護師17, 事務18, MSW2), an
upcoming 多職種研修会 open for registration with a task list (its survey: surveys/demo.py), and a 市民公開講座."""

import datetime

from django.utils import timezone

from coordination import dates
from coordination.models import Center, Organisation, Profession, Role, User
from training import reference
from training.models import (
    AttendanceCount,
    Event,
    EventFormat,
    EventOrganisation,
    Item,
    SupporterCount,
    SupporterCourse,
    TaskTemplate,
    TaskTemplateItem,
)

PAST = [
    # (years ago, month, day, title, item, formats, hosts, counts by profession, extra organisations)
    (
        2,
        10,
        24,
        "職場研修会「なるほど！そうか！地域連携」",
        Item.TRAINING,
        ["講演", "グループワーク"],
        ["病院地域連携室連絡会"],
        {"医師": 6, "理学療法士": 2, "看護師": 17, "事務": 18, "MSW・社会福祉士": 2},
        1,
    ),
    (
        2,
        2,
        14,
        "多職種連携研修会（模擬事例検討・グループワーク）",
        Item.TRAINING,
        ["事例検討", "グループワーク"],
        ["介護支援専門員協会（ケアマネ協議会）", "医師会"],
        {
            "医師": 12,
            "看護師": 48,
            "介護支援専門員": 96,
            "薬剤師": 21,
            "MSW・社会福祉士": 18,
            "理学療法士": 20,
        },
        7,
    ),
    (
        1,
        11,
        9,
        "多職種連携研修会（パネルディスカッション・事例検討）",
        Item.TRAINING,
        ["パネルディスカッション", "事例検討", "グループワーク"],
        ["介護支援専門員協会（ケアマネ協議会）", "医師会", "歯科医師会", "薬剤師会"],
        {
            "医師": 15,
            "歯科医師": 8,
            "看護師": 52,
            "介護支援専門員": 110,
            "薬剤師": 26,
            "MSW・社会福祉士": 20,
            "理学療法士": 10,
        },
        13,
    ),
    (
        1,
        2,
        22,
        "市民公開講座「そろそろ、うちでも『人生会議』」",
        Item.PUBLIC,
        ["市民公開講座", "講演"],
        ["医師会"],
        {"その他": 86},
        0,
    ),
]

# The city's 多職種連携研修会 and public lectures are held jointly by the centers: one event each,
# hosted by the first center and co-hosted by the others (the same lecture seeded once a center
# would count twice in the city's 研修の実績 and 事業評価). Each other center holds one of its own.
OWN = [
    # (years ago, month, day, title, item, formats, hosts, counts by profession, extra organisations)
    (
        1,
        7,
        18,
        "医療・介護連携研修会「退院支援の事例から」",
        Item.TRAINING,
        ["事例検討", "グループワーク"],
        ["病院地域連携室連絡会"],
        {"看護師": 14, "介護支援専門員": 22, "MSW・社会福祉士": 6, "理学療法士": 3},
        2,
    ),
]


# Held this 年度 before today, so that a year-end look (研修の実績, 事業評価 カ・キ) finds the year's
# work: (days before today, weekday it falls back to (0 = Monday), hour, center index, title, item,
# formats, hosts, counts by profession, extra organisations). Dated from today, not on fixed days,
# so a demo loaded next month still has them behind it.
THIS_YEAR = [
    (
        120,
        3,
        18,
        1,
        "医療・介護連携研修会「入退院支援ルールの使い方」",
        Item.TRAINING,
        ["講演", "事例検討"],
        ["病院地域連携室連絡会"],
        {"看護師": 12, "介護支援専門員": 19, "MSW・社会福祉士": 7, "事務": 2},
        1,
    ),
    (
        75,
        4,
        18,
        0,
        "多職種連携研修会「ACP（人生会議）を支える多職種の連携」",
        Item.TRAINING,
        ["講演", "グループワーク"],
        ["医師会", "介護支援専門員協会（ケアマネ協議会）", "訪問看護ステーション連絡協議会"],
        {
            "医師": 11,
            "歯科医師": 5,
            "看護師": 38,
            "介護支援専門員": 84,
            "薬剤師": 17,
            "MSW・社会福祉士": 15,
            "理学療法士": 9,
            "管理栄養士": 4,
        },
        9,
    ),
    (
        49,
        5,
        13,
        0,
        "市民公開講座「知っておきたい 在宅医療と介護のこと」",
        Item.PUBLIC,
        ["市民公開講座", "講演"],
        ["医師会"],
        {"その他": 112},
        0,
    ),
]


def _joint(title, item):
    return item == Item.PUBLIC or "多職種" in title


UPCOMING_TITLES = [
    "多職種連携研修会「在宅での看取りを支える連携」",
    "多職種連携研修会「退院前カンファレンスの進め方」",
]


def seed(stdout, **options):
    reference.load(EventFormat, TaskTemplate, TaskTemplateItem)
    # The demo's professions are made after the migrations (coordination/demo.py): their common
    # words (ケアマネジャー, Ns …) as the data migration gives a city's.
    reference.load_profession_aliases(Profession)
    formats = {f.name: f for f in EventFormat.objects.all()}
    orgs = {o.name: o for o in Organisation.objects.all()}
    professions = {p.name: p for p in Profession.objects.all()}
    fy = dates.fiscal_year(dates.today())
    centers = list(Center.objects.all()[:2])
    for index, center in enumerate(centers):
        if Event.objects.filter(center=center).exists():
            continue
        coordinator = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        for years_ago, month, day, title, item, fmt, hosts, counts, extra in OWN if index else PAST:
            year = fy - years_ago + (month < 4)
            event = _event(
                center,
                coordinator,
                title,
                item,
                datetime.datetime(year, month, day, 18, 0),
                fmt,
                hosts,
                formats,
                orgs,
                extra_organisations=extra,
                registration_open=False,
            )
            AttendanceCount.objects.bulk_create(
                AttendanceCount(event=event, profession=professions[name], count=n)
                for name, n in counts.items()
                if name in professions
            )
        # Each center's coming training its own theme and week: the same title on the same evening
        # from two centers read as one event listed twice.
        soon = dates.today() + datetime.timedelta(days=21 - 7 * index)
        upcoming = _event(
            center,
            coordinator,
            UPCOMING_TITLES[index % len(UPCOMING_TITLES)],
            Item.TRAINING,
            datetime.datetime(soon.year, soon.month, soon.day, 18, 30),
            ["講演", "グループワーク"],
            ["医師会", "訪問看護ステーション連絡協議会"],
            formats,
            orgs,
            capacity=60,
            audience_note="医療・介護の多職種",
        )
        upcoming.audience_professions.set(professions.values())
        # By kanji code point 佐藤 < 山田 < 鈴木 < 阿部; in 五十音順 あべ さとう すずき やまだ, and
        # the one sign-up without ふりがな after them.
        for name, kana, org, prof in [
            ("山田 花子", "やまだ はなこ", "○○訪問看護ステーション", "看護師"),
            ("佐藤 一郎", "さとう いちろう", "△△ケアプランセンター", "介護支援専門員"),
            ("鈴木 次郎", "すずき じろう", "□□薬局", "薬剤師"),
            ("阿部 美咲", "あべ みさき", "◇◇病院 地域連携室", "看護師"),
            ("渡辺 健", "", "☆☆歯科医院", "歯科医師"),
        ]:
            upcoming.register(
                name=name, name_kana=kana, organisation=org, profession=professions[prof], by=coordinator
            )
        TaskTemplate.objects.get(name="多職種研修会").apply_to(upcoming)
        later = dates.today() + datetime.timedelta(days=45)
        if index:
            continue
        _event(
            center,
            coordinator,
            "市民公開講座「住み慣れた家で最期まで ― 在宅医療を知る」",
            Item.PUBLIC,
            datetime.datetime(later.year, later.month, later.day, 13, 30),
            ["市民公開講座", "講演"],
            ["医師会"],
            formats,
            orgs,
            capacity=200,
            audience_note="どなたでも（申込不要）",
            registration_open=False,
            venue="市民会館 大ホール",
            fee="無料",
        )
    if len(centers) > 1:
        joint = [title for _, _, _, title, item, *_ in PAST if _joint(title, item)]
        for event in Event.objects.filter(center=centers[0], title__in=joint):
            event.co_host_centers.add(*centers[1:])
        for event in Event.objects.filter(center=centers[0], item=Item.PUBLIC):
            event.co_host_centers.add(*centers[1:])  # the public lecture to come too
    _seed_this_year(centers, formats, orgs, professions)
    if centers:
        _seed_supporters(centers[0], fy, formats, orgs, professions)
    stdout.write(f"training: {Event.objects.count()} events")


def _seed_this_year(centers, formats, orgs, professions):
    """THIS_YEAR's events, each once (by title: a demo loaded earlier gets them too); the joint
    ones hosted by the first center and co-hosted by the others."""
    for days_ago, weekday, hour, index, title, item, fmt, hosts, counts, extra in THIS_YEAR:
        if index >= len(centers) or Event.objects.filter(title=title).exists():
            continue
        center = centers[0] if _joint(title, item) else centers[index]
        day = dates.today() - datetime.timedelta(days=days_ago)
        day -= datetime.timedelta(days=(day.weekday() - weekday) % 7)
        event = _event(
            center,
            User.objects.filter(center=center, role=Role.COORDINATOR).first(),
            title,
            item,
            datetime.datetime(day.year, day.month, day.day, hour, 30 if hour == 13 else 0),
            fmt,
            hosts,
            formats,
            orgs,
            extra_organisations=extra,
            registration_open=False,
            **(
                {"venue": "市民会館 中ホール", "fee": "無料", "audience_note": "どなたでも"}
                if item == Item.PUBLIC
                else {}
            ),
        )
        AttendanceCount.objects.bulk_create(
            AttendanceCount(event=event, profession=professions[name], count=n)
            for name, n in counts.items()
            if name in professions
        )
        if _joint(title, item):
            event.co_host_centers.add(*centers[1:])


def _seed_supporters(center, fy, formats, orgs, professions):
    """認知症サポーター養成講座 held by the first center in the last two 年度, and numbers trained
    elsewhere entered by hand, for the supporters' running count on the yearly history."""
    reference.load_supporter_courses(SupporterCourse)
    dementia = SupporterCourse.objects.get(name="認知症サポーター")
    walking = SupporterCourse.objects.get(name="健脚推進ボランティア")
    if not Event.objects.filter(supporter_course__isnull=False).exists():
        coordinator = User.objects.filter(center=center, role=Role.COORDINATOR).first()
        for years_ago, month, course, people in [
            (2, 7, dementia, 38),
            (1, 7, dementia, 45),
            (1, 10, walking, 16),
        ]:
            year = fy - years_ago
            event = _event(
                center,
                coordinator,
                f"{course.name}養成講座",
                Item.PUBLIC,
                datetime.datetime(year, month, 10, 13, 30),
                ["出前講座"],
                [],
                formats,
                orgs,
                supporter_course=course,
                registration_open=False,
                audience_note="地域住民",
            )
            if "その他" in professions:
                AttendanceCount.objects.create(event=event, profession=professions["その他"], count=people)
    for years_ago, count, note in [(2, 120, "市内小中学校での講座"), (1, 150, "市内小中学校・企業での講座")]:
        SupporterCount.objects.get_or_create(
            course=dementia, center=None, fiscal_year=fy - years_ago, defaults={"count": count, "note": note}
        )


def _event(center, user, title, item, start, fmt, hosts, formats, orgs, **fields):
    fields.setdefault("venue", "市総合保健福祉センター 講堂")
    event = Event.objects.create(
        center=center,
        title=title,
        item=item,
        starts_at=timezone.make_aware(start),
        ends_at=timezone.make_aware(start + datetime.timedelta(hours=2)),
        description="在宅医療・介護連携推進事業の一環として開催します。",
        created_by=user,
        **fields,
    )
    event.formats.set([formats[f] for f in fmt if f in formats])
    EventOrganisation.objects.bulk_create(
        EventOrganisation(event=event, organisation=orgs[name], role=EventOrganisation.Role.HOST)
        for name in hosts
        if name in orgs
    )
    return event
