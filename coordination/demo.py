"""Demo data for coordination: a city with wards and daily-life areas, centers, professions,
organisations and the fixed demo accounts. Idempotent (get_or_create / update_or_create)."""

import datetime

from coordination import dates
from coordination.models import (
    Area,
    AreaStatistics,
    Center,
    CenterClosure,
    Organisation,
    Profession,
    Role,
    User,
)

DEMO_PASSWORD = "demo-pass-2026"

CITY = ("北九州市", "401005")
WARDS = [
    # (ward, 市町村コード, daily-life areas)
    ("門司区", "401013", ["門司北圏域", "門司南圏域"]),
    ("小倉北区", "401064", ["小倉北東圏域", "小倉北西圏域"]),
    ("小倉南区", "401072", ["小倉南北圏域", "小倉南南圏域"]),
    ("若松区", "401030", ["若松圏域"]),
    ("八幡東区", "401081", ["八幡東圏域"]),
    ("八幡西区", "401099", ["八幡西北圏域", "八幡西南圏域"]),
    ("戸畑区", "401056", ["戸畑圏域"]),
]
# The centers' public pages: (所在地の補足, latitude, longitude, 開設日 as (y, m, d)).
PUBLIC = {
    "C01": ("門司区医師会内", 33.9436, 130.9622, (2015, 4, 1)),
    "C02": ("小倉医師会介護サービス総合センター内", 33.8393, 130.8946, (2016, 4, 1)),
    "C03": ("八幡医師会内", 33.8632, 130.8123, (2016, 4, 1)),
}
PUBLIC_SUMMARY = (
    "医療・介護・福祉の関係者の方からの在宅医療に関するご相談に、看護師や社会福祉士などの専門スタッフが"
    "お応えします。市民の方からのご相談もお受けします。相談は無料です。"
)
# 区役所 staff: an official who reads the centers of one ward only.
WARD_OFFICIAL = ("demo-ward-official", "南", "由紀", "小倉南区")
# 生活支援コーディネーター (第2層) of one 圏域: keeps that 圏域's community resources only.
LIFE_SUPPORT = ("demo-sc", "森田", "恵", "門司区", "門司北圏域")
CENTERS = [
    # code, name, wards, phone, closures
    (
        "C01",
        "門司・小倉北 在宅医療・介護連携支援センター",
        ["門司区", "小倉北区"],
        "093-321-0001",
        [("お盆休み", 8, 13, 8, 15), ("年末年始", 12, 29, 1, 3)],
    ),
    (
        "C02",
        "小倉南 在宅医療・介護連携支援センター",
        ["小倉南区"],
        "093-921-0002",
        [("年末年始", 12, 29, 1, 3)],
    ),
    (
        "C03",
        "八幡・若松・戸畑 在宅医療・介護連携支援センター",
        ["八幡東区", "八幡西区", "若松区", "戸畑区"],
        "093-641-0003",
        [("年末年始", 12, 29, 1, 3)],
    ),
]
PROFESSIONS = [
    ("医師", "医師"),
    ("歯科医師", "歯科医師"),
    ("薬剤師", "薬剤師"),
    ("看護師", "看護師"),
    ("保健師", "保健師"),
    ("介護支援専門員", "ケアマネ"),
    ("MSW・社会福祉士", "MSW"),
    ("理学療法士", "PT"),
    ("作業療法士", "OT"),
    ("言語聴覚士", "ST"),
    ("管理栄養士", "栄養士"),
    ("歯科衛生士", "歯科衛生士"),
    ("介護福祉士", "介護福祉士"),
    ("事務", "事務"),
    ("行政", "行政"),
    ("生活支援コーディネーター", "生活支援CO"),
    ("その他", "その他"),
]
ORGANISATIONS = [
    ("医師会", "医", "association", "医師"),
    ("歯科医師会", "歯", "association", "歯科医師"),
    ("薬剤師会", "薬", "association", "薬剤師"),
    ("訪問看護ステーション連絡協議会", "看", "association", "看護師"),
    ("介護支援専門員協会（ケアマネ協議会）", "ケ", "association", "介護支援専門員"),
    ("リハビリテーション専門職協議会", "リ", "association", "理学療法士"),
    ("病院地域連携室連絡会", "病", "institution", "MSW・社会福祉士"),
    ("地域包括支援センター", "包", "institution", "保健師"),
    ("市保健福祉局", "市", "government", "行政"),
]
USERS = [
    # username, last, first, role, center code, profession
    ("demo-admin", "管理", "花子", Role.ADMIN, None, "行政"),
    ("demo-coordinator", "連携", "看子", Role.COORDINATOR, "C01", "看護師"),
    ("demo-coordinator2", "調整", "福太郎", Role.COORDINATOR, "C02", "MSW・社会福祉士"),
    ("demo-professional", "介護", "真理", Role.PROFESSIONAL, None, "介護支援専門員"),
    ("demo-official", "健康", "局男", Role.OFFICIAL, None, "行政"),
]


def seed(stdout, **options):
    city, _ = Area.objects.update_or_create(
        parent=None, name=CITY[0], defaults={"kind": Area.Kind.CITY, "code": CITY[1]}
    )
    wards = {}
    for order, (ward, code, dailies) in enumerate(WARDS):
        wards[ward], _ = Area.objects.update_or_create(
            parent=city,
            name=ward,
            defaults={"kind": Area.Kind.WARD, "code": code, "sort_order": order},
        )
        for d_order, daily in enumerate(dailies):
            Area.objects.update_or_create(
                parent=wards[ward],
                name=daily,
                defaults={"kind": Area.Kind.DAILY, "sort_order": d_order},
            )
    for order, (code, name, ward_names, phone, closures) in enumerate(CENTERS):
        center, _ = Center.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "phone": phone,
                "fax": phone[:-1] + "9",
                "sort_order": order,
                "address": f"北九州市{ward_names[0]}1丁目1-{order + 1}",
                "opening_hours": "月曜日〜金曜日 9:00〜17:00（祝日・休業日を除く）",
                "location_note": PUBLIC[code][0],
                "latitude": PUBLIC[code][1],
                "longitude": PUBLIC[code][2],
                "opened_on": datetime.date(*PUBLIC[code][3]),
                "public_summary": PUBLIC_SUMMARY,
            },
        )
        center.areas.set([wards[w] for w in ward_names])
        for label, sm, sd, em, ed in closures:
            CenterClosure.objects.get_or_create(
                center=center,
                start_month=sm,
                start_day=sd,
                end_month=em,
                end_day=ed,
                year=None,
                defaults={"label": label},
            )
    professions = {}
    for order, (name, short) in enumerate(PROFESSIONS):
        professions[name], _ = Profession.objects.update_or_create(
            name=name, defaults={"short_name": short, "sort_order": order}
        )
    for order, (name, short, kind, profession) in enumerate(ORGANISATIONS):
        Organisation.objects.update_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "profession": professions[profession],
                "sort_order": order,
            },
        )
    for username, last, first, role, center_code, profession in USERS:
        _demo_user(
            username,
            last,
            first,
            role,
            professions[profession],
            center=Center.objects.get(code=center_code) if center_code else None,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            # A care manager's sign-up forms start from their office, as a real account's would.
            **({"affiliation": "小倉北ケアプランセンター"} if role == Role.PROFESSIONAL else {}),
        )
    username, last, first, ward = WARD_OFFICIAL
    _demo_user(username, last, first, Role.OFFICIAL, professions["行政"], ward=wards[ward])
    _area_statistics(city)
    username, last, first, ward, daily = LIFE_SUPPORT
    _demo_user(
        username,
        last,
        first,
        Role.LIFE_SUPPORT,
        professions["生活支援コーディネーター"],
        ward=Area.objects.get(parent=wards[ward], name=daily),
        affiliation="北九州市社会福祉協議会",
    )
    stdout.write(
        f"coordination: {Center.objects.count()} centers, {Area.objects.count()} areas, "
        f"{User.objects.count()} users"
    )


def _demo_user(username, last, first, role, profession, **fields):
    """A demo account, active, with the demo password (set again when someone changed it)."""
    user, created = User.objects.update_or_create(
        username=username,
        defaults={
            "last_name": last,
            "first_name": first,
            "role": role,
            "profession": profession,
            "is_active": True,
            "email": f"{username}@example.jp",
            **fields,
        },
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


# The demo 圏域's figures (人口, 高齢化率 %), near 北九州市's own (about 31%): this 年度's, and last
# 年度's with a slightly larger population and a slightly lower share of older people.
AREA_FIGURES = {
    "門司北圏域": (46_800, 35.2),
    "門司南圏域": (45_900, 33.4),
    "小倉北東圏域": (91_200, 27.1),
    "小倉北西圏域": (90_400, 28.3),
    "小倉南北圏域": (104_700, 29.4),
    "小倉南南圏域": (103_300, 31.8),
    "若松圏域": (79_600, 33.1),
    "八幡東圏域": (63_500, 34.6),
    "八幡西北圏域": (125_400, 29.0),
    "八幡西南圏域": (123_900, 30.7),
    "戸畑圏域": (55_200, 31.5),
}
SOURCE = "住民基本台帳（各年9月末、デモ用の数値）"


def _area_statistics(city):
    """Area statistics of the demo 圏域 for this 年度 and the last; the 区 and the city show the
    sums of their 圏域 on the 見える化 page."""
    this_year = dates.fiscal_year(dates.today())
    for area in Area.objects.filter(parent__parent=city, name__in=AREA_FIGURES):
        population, rate = AREA_FIGURES[area.name]
        for year, growth, shift in ((this_year, 1.0, 0.0), (this_year - 1, 1.006, -0.4)):
            people = round(population * growth)
            aged_65 = round(people * (rate + shift) / 100)
            AreaStatistics.objects.update_or_create(
                area=area,
                fiscal_year=year,
                defaults={
                    "population": people,
                    "aged_65": aged_65,
                    "aged_75": round(aged_65 * 0.56),
                    "care_certified": round(aged_65 * 0.205),
                    "source": SOURCE,
                },
            )
