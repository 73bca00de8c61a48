"""Demo facilities: a few hundred believable entries across the demo wards, with capabilities,
specialties and ケアマネタイム; `--facilities N` adds N synthetic ones in bulk for benchmarks.
Codes are deterministic, so running seed_demo again adds nothing twice."""

import datetime
import random

from django.db.models import Q
from django.utils import timezone

from coordination.dates import fiscal_year
from coordination.models import Area, Center
from resources import reference
from resources.models import (
    Capability,
    CommunityActivity,
    ConfirmationRound,
    ContactWindow,
    Facility,
    FacilityCapability,
    FacilityKind,
    FacilitySpecialty,
    MeetingRule,
    SearchSynonym,
    Specialty,
    UpdateLink,
)

# ward: (latitude, longitude, [towns])
WARDS = {
    "門司区": (33.925, 130.960, ["大里本町", "栄町", "東本町", "清滝", "柳町", "黄金町", "大里東"]),
    "小倉北区": (33.880, 130.875, ["大手町", "京町", "魚町", "片野", "三萩野", "黒住町", "中井", "井堀"]),
    "小倉南区": (33.835, 130.900, ["守恒", "徳力", "志井", "湯川", "葛原", "曽根", "城野"]),
    "若松区": (33.905, 130.805, ["本町", "浜町", "東二島", "高須", "二島", "青葉台"]),
    "八幡東区": (33.865, 130.815, ["中央", "春の町", "祇園", "尾倉", "枝光", "西本町"]),
    "八幡西区": (33.860, 130.745, ["黒崎", "折尾", "陣原", "穴生", "八枝", "引野", "永犬丸"]),
    "戸畑区": (33.895, 130.830, ["中本町", "新池", "天籟寺", "浅生", "千防", "沢見"]),
}
# (kanji, katakana)
NAMES = [
    ("ひまわり", "ヒマワリ"),
    ("さくら", "サクラ"),
    ("森", "モリ"),
    ("森田", "モリタ"),
    ("青葉", "アオバ"),
    ("みどり", "ミドリ"),
    ("中央", "チュウオウ"),
    ("港", "ミナト"),
    ("山田", "ヤマダ"),
    ("田中", "タナカ"),
    ("響", "ヒビキ"),
    ("あおぞら", "アオゾラ"),
    ("すこやか", "スコヤカ"),
    ("やすらぎ", "ヤスラギ"),
    ("ふれあい", "フレアイ"),
    ("ＡＢＣ", "エービーシー"),
    ("紫川", "ムラサキガワ"),
    ("皿倉", "サラクラ"),
    ("若戸", "ワカト"),
    ("足立", "アダチ"),
    ("平尾台", "ヒラオダイ"),
    ("海峡", "カイキョウ"),
    ("城山", "シロヤマ"),
    ("桜ヶ丘", "サクラガオカ"),
    ("和光", "ワコウ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("吉田", "ヨシダ"),
]
# kind code: (suffix, suffix kana, count per ward, capability pool, specialty pool)
PLAN = {
    "clinic": (
        ["クリニック", "内科医院", "眼科", "耳鼻咽喉科医院", "整形外科", "心療内科クリニック"],
        [
            "クリニック",
            "ナイカイイン",
            "ガンカ",
            "ジビインコウカイイン",
            "セイケイゲカ",
            "シンリョウナイカクリニック",
        ],
        14,
        [
            "home-visit",
            "house-call",
            "end-of-life",
            "palliative",
            "24h",
            "shienshin-1",
            "shienshin-2",
            "shienshin-3",
            "dementia",
            "home-oxygen",
            "tube-feeding",
            "pressure-ulcer",
            "ivh",
            "psychiatric",
            "pediatric",
            "ventilator",
        ],
        [
            "内科",
            "外科",
            "整形外科",
            "眼科",
            "耳鼻咽喉科",
            "皮膚科",
            "精神科",
            "心療内科",
            "循環器内科",
            "消化器内科",
            "小児科",
            "緩和ケア内科",
        ],
    ),
    "hospital": (
        ["病院", "記念病院", "総合病院"],
        ["ビョウイン", "キネンビョウイン", "ソウゴウビョウイン"],
        3,
        [
            "respite",
            "backup-hospital",
            "shienbyo-1",
            "shienbyo-2",
            "shienbyo-3",
            "palliative",
            "ventilator",
            "ivh",
            "end-of-life",
            "house-call",
        ],
        ["内科", "外科", "整形外科", "脳神経外科", "リハビリテーション科", "循環器内科", "呼吸器内科"],
    ),
    "dental": (
        ["歯科医院", "デンタルクリニック"],
        ["シカイイン", "デンタルクリニック"],
        5,
        ["home-dental", "dental-support"],
        ["歯科", "歯科口腔外科", "小児歯科"],
    ),
    "pharmacy": (
        ["薬局", "調剤薬局"],
        ["ヤッキョク", "チョウザイヤッキョク"],
        6,
        ["home-medication", "narcotics", "sterile", "24h"],
        [],
    ),
    "visiting-nursing": (
        ["訪問看護ステーション"],
        ["ホウモンカンゴステーション"],
        5,
        [
            "24h",
            "end-of-life",
            "ventilator",
            "tube-feeding",
            "pressure-ulcer",
            "ivh",
            "psychiatric",
            "pediatric",
            "pt",
            "ot",
            "st",
            "dementia",
        ],
        [],
    ),
    "care-management": (
        ["ケアプランセンター", "居宅介護支援事業所"],
        ["ケアプランセンター", "キョタクカイゴシエンジギョウショ"],
        5,
        [],
        [],
    ),
    "community-support": (["地域包括支援センター"], ["チイキホウカツシエンセンター"], 1, [], []),
    "home-help": (["ヘルパーステーション"], ["ヘルパーステーション"], 2, [], []),
    "small-multi": (["小規模多機能ホーム"], ["ショウキボタキノウホーム"], 1, ["dementia"], []),
    "short-stay": (["ショートステイ"], ["ショートステイ"], 1, ["dementia"], []),
}
# For the synthetic bulk: a wider vocabulary, so that a term matches a realistic share of rows.
SURNAMES = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 "
    "橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 斉藤 福田 太田 西村 藤井 "
    "金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 "
    "安藤 宮本 大野 小島 谷口 今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉"
).split()
PLACES = (
    "中央 駅前 本町 北 南 東 西 港 山手 桜 緑 若葉 旭 栄 城南 城北 浜 川端 丘 台 野 花園 青山 泉 松ヶ枝 日の出 朝日 "
    "清水 平和 昭和 大手 新町 元町 宮前 寺町 榎 梅 竹 柳 楠 欅 銀杏 椿 藤 菊 萩 葵 光 希望 未来 ひかり あさひ さくら "
    "みなと つばさ あおば こもれび やまびこ ぽぷら すずらん ひまわり たんぽぽ"
).split()
# Other cities for the national-scale synthetic set: (address prefix, latitude, longitude).
CITIES = [
    ("北海道札幌市中央区", 43.06, 141.35),
    ("宮城県仙台市青葉区", 38.27, 140.87),
    ("東京都世田谷区", 35.65, 139.65),
    ("東京都練馬区", 35.74, 139.65),
    ("神奈川県横浜市港北区", 35.52, 139.63),
    ("埼玉県さいたま市浦和区", 35.86, 139.65),
    ("千葉県船橋市", 35.69, 139.98),
    ("新潟県新潟市中央区", 37.91, 139.04),
    ("静岡県浜松市中央区", 34.71, 137.73),
    ("愛知県名古屋市中村区", 35.17, 136.88),
    ("京都府京都市左京区", 35.03, 135.78),
    ("大阪府大阪市北区", 34.70, 135.50),
    ("大阪府堺市堺区", 34.57, 135.48),
    ("兵庫県神戸市中央区", 34.69, 135.19),
    ("岡山県岡山市北区", 34.66, 133.92),
    ("広島県広島市中区", 34.39, 132.46),
    ("山口県下関市", 33.96, 130.94),
    ("福岡県福岡市博多区", 33.59, 130.42),
    ("熊本県熊本市中央区", 32.80, 130.71),
    ("鹿児島県鹿児島市", 31.60, 130.56),
    ("沖縄県那覇市", 26.21, 127.68),
]
CORPORATIONS = [
    ("医療法人", "イリョウホウジン"),
    ("社会福祉法人", "シャカイフクシホウジン"),
    ("株式会社", "カブシキガイシャ"),
    ("合同会社", "ゴウドウガイシャ"),
    ("一般社団法人", "イッパンシャダンホウジン"),
]


def add_arguments(parser):
    parser.add_argument(
        "--facilities",
        type=int,
        default=0,
        metavar="N",
        help="ベンチマーク用の架空の施設をN件追加します（例: 30000, 400000）",
    )


def seed(stdout, facilities=0, **options):
    reference.load(FacilityKind, Capability, Specialty, SearchSynonym)
    before = Facility.objects.count()
    _seed_believable(random.Random(20260401))
    if facilities:
        _seed_synthetic(facilities, stdout)
    _seed_upkeep()
    _seed_community()
    stdout.write(
        f"resources: {Facility.objects.count()} facilities ({Facility.objects.count() - before} new)"
    )


# Community resources (生活支援): (name, kind code, 圏域, town, organiser, audience, fee, booking,
# contact name, contact phone, contact public, rules as (pattern, weekday, weeks, day, start, end,
# skips 祝日)). Kept by name in its 圏域, so a second run adds nothing.
W, N, M = MeetingRule.Pattern.WEEKLY, MeetingRule.Pattern.MONTHLY_NTH, MeetingRule.Pattern.MONTHLY_DAY
COMMUNITY = [
    ("大里いきいきサロン", "salon", "門司北圏域", "大里本町", "大里本町二丁目町内会", "おおむね65歳以上の方", "100円（お茶代）", False,
     "町内会 福祉部", "093-381-0101", True, [(N, 1, "24", None, (10, 0), (12, 0), True)]),
    ("栄町100歳体操クラブ", "exercise-class", "門司北圏域", "栄町", "栄町体操の会", "どなたでも", "無料", False,
     "世話役", "093-381-0102", True, [(W, 2, "", None, (10, 0), (11, 0), True)]),
    ("清滝オレンジカフェ", "dementia-cafe", "門司南圏域", "清滝", "清滝認知症の人と家族の会", "認知症の方とご家族、関心のある方", "200円", False,
     "代表", "093-381-0103", False, [(N, 5, "3", None, (13, 30), (15, 30), False)]),
    ("黄金町見守りネット", "watching", "門司南圏域", "黄金町", "黄金町民生委員・児童委員協議会", "ひとり暮らしの高齢者", "無料", False,
     "民生委員 代表", "093-381-0104", False, [(M, None, "", 1, None, None, False)]),
    ("京町ふれあいサロン", "salon", "小倉北東圏域", "京町", "京町校区社会福祉協議会", "おおむね65歳以上の方", "100円", False,
     "校区社協", "093-521-0105", True, [(N, 3, "13", None, (13, 30), (15, 30), True)]),
    ("魚町おでかけ支援あいのり", "outing-support", "小倉北東圏域", "魚町", "魚町あいのりの会", "通院や買い物に困っている方", "実費（ガソリン代）", True,
     "事務局", "093-521-0106", True, [(W, 1, "", None, (9, 0), (12, 0), True), (W, 4, "", None, (9, 0), (12, 0), True)]),
    ("片野こども食堂", "kodomo-shokudo", "小倉北西圏域", "片野", "片野こども食堂実行委員会", "子どもと家族、地域のどなたでも", "子ども無料・大人300円", True,
     "実行委員会", "093-521-0107", True, [(N, 5, "24", None, (11, 30), (14, 0), True)]),
    ("三萩野お元気体操", "exercise-class", "小倉北西圏域", "三萩野", "三萩野市民センター利用者の会", "どなたでも", "無料", False,
     "", "", True, [(W, 0, "", None, (10, 0), (11, 0), True)]),
    ("守恒買い物支援バス", "shopping-support", "小倉南北圏域", "守恒", "守恒まちづくり協議会", "買い物に行くのが難しい方", "無料", True,
     "まちづくり協議会", "093-951-0108", True, [(N, 3, "1", None, (10, 0), (12, 0), True)]),
    ("徳力まちかど相談室", "consultation-place", "小倉南北圏域", "徳力", "徳力地域包括ケア推進会", "どなたでも", "無料", False,
     "相談員", "093-951-0109", False, [(M, None, "", 15, (13, 0), (16, 0), True)]),
    ("志井ふれあい配食", "meal-delivery", "小倉南南圏域", "志井", "志井ボランティアの会", "ひとり暮らしの高齢者", "1食400円", True,
     "配食担当", "093-951-0110", True, [(W, 2, "", None, (11, 0), (13, 0), True)]),
    ("若松ひだまりサロン", "salon", "若松圏域", "本町", "本町三丁目自治会", "どなたでも", "100円", False,
     "自治会", "093-761-0111", True, [(N, 4, "2", None, (10, 0), (12, 0), True)]),
    ("八幡東みまもり隊", "watching", "八幡東圏域", "中央", "中央校区社会福祉協議会", "ひとり暮らしの高齢者", "無料", False,
     "校区社協", "093-671-0112", False, [(W, 3, "", None, None, None, False)]),
    ("黒崎オレンジカフェ", "dementia-cafe", "八幡西北圏域", "黒崎", "黒崎認知症カフェの会", "認知症の方とご家族、どなたでも", "100円", False,
     "代表", "093-621-0113", True, [(N, 6, "2", None, (14, 0), (16, 0), True)]),
    ("戸畑いきいき体操", "exercise-class", "戸畑圏域", "中本町", "中本町体操グループ", "おおむね60歳以上の方", "無料", False,
     "", "", True, [(W, 4, "", None, (10, 0), (11, 0), True)]),
]  # fmt: skip


def _seed_community():
    kinds = {k.code: k for k in FacilityKind.objects.filter(group=FacilityKind.Group.COMMUNITY)}
    dailies = {a.name: a for a in Area.objects.filter(kind=Area.Kind.DAILY).select_related("parent")}
    wards = {name: (lat, lng) for name, (lat, lng, _towns) in WARDS.items()}
    today = timezone.localdate()
    for index, row in enumerate(COMMUNITY):
        (
            name,
            kind_code,
            daily_name,
            town,
            organiser,
            audience,
            fee,
            booking,
            contact,
            phone,
            public,
            rules,
        ) = row
        area = dailies.get(daily_name)
        if area is None or kind_code not in kinds or Facility.objects.filter(name=name, area=area).exists():
            continue
        lat, lng = wards.get(area.parent.name, (33.88, 130.88))
        facility = Facility.objects.create(
            kind=kinds[kind_code],
            name=name,
            address=f"福岡県北九州市{area.parent.name}{town}{index % 4 + 1}丁目{index + 2}-1 {town}市民センター",
            area=area,
            latitude=round(lat + (index % 5 - 2) * 0.004, 6),
            longitude=round(lng + (index % 3 - 1) * 0.005, 6),
            confirmed_on=today - datetime.timedelta(days=30 * (index % 14)),
        )
        activity = CommunityActivity.objects.create(
            facility=facility,
            organiser=organiser,
            audience=audience,
            fee=fee,
            booking_required=booking,
            contact_name=contact,
            contact_phone=phone,
            contact_public=public,
        )
        for pattern, weekday, weeks, day, start, end, skips in rules:
            MeetingRule.objects.create(
                activity=activity,
                pattern=pattern,
                weekday=weekday,
                weeks=weeks,
                day=day,
                start_time=datetime.time(*start) if start else None,
                end_time=datetime.time(*end) if end else None,
                skips_holidays=skips,
            )


def _ward_areas():
    wards = {a.name: a for a in Area.objects.filter(kind=Area.Kind.WARD, name__in=WARDS)}
    dailies = {}
    for daily in Area.objects.filter(kind=Area.Kind.DAILY, parent__in=wards.values()):
        dailies.setdefault(daily.parent_id, []).append(daily)
    return wards, dailies


def _windows(rng, facility, kind_code):
    if kind_code not in ("clinic", "hospital", "dental", "visiting-nursing", "pharmacy"):
        return []
    windows = []
    for day in rng.sample(range(5), rng.randint(1, 3)):
        start = rng.choice([12, 13, 13, 14, 16, 17])
        windows.append(
            ContactWindow(
                facility=facility,
                kind=ContactWindow.Kind.CALL,
                weekday=day,
                start=datetime.time(start, rng.choice([0, 30])),
                end=datetime.time(start + 1, 0),
                method=rng.choice([ContactWindow.Method.PHONE] * 3 + [ContactWindow.Method.FAX]),
            )
        )
    if kind_code in ("clinic", "hospital") and rng.random() < 0.7:
        for day in range(5):
            windows.append(
                ContactWindow(
                    facility=facility,
                    kind=ContactWindow.Kind.AVOID,
                    weekday=day,
                    start=datetime.time(9, 0),
                    end=datetime.time(12, 0),
                    note="外来診療中",
                )
            )
    return windows


def _seed_believable(rng):
    wards, dailies = _ward_areas()
    if not wards:
        return
    kinds = {k.code: k for k in FacilityKind.objects.all()}
    caps = {c.code: c for c in Capability.objects.all()}
    specs = {s.name: s for s in Specialty.objects.all()}
    existing = set(Facility.objects.filter(code__startswith="40").values_list("kind__code", "code"))
    today = timezone.localdate()
    serial = 0
    for w_index, (ward_name, (lat, lng, towns)) in enumerate(WARDS.items()):
        ward = wards.get(ward_name)
        if ward is None:
            continue
        for kind_code, (suffixes, suffix_kana, count, cap_pool, spec_pool) in PLAN.items():
            for _ in range(count):
                serial += 1
                code = f"40{w_index + 1:02d}{serial:06d}"
                if (kind_code, code) in existing:
                    continue
                base, base_kana = rng.choice(NAMES)
                s_index = rng.randrange(len(suffixes))
                town = rng.choice(towns)
                corp, corp_kana = rng.choice(CORPORATIONS)
                area = rng.choice(dailies.get(ward.pk, [ward]))
                facility = Facility(
                    kind=kinds[kind_code],
                    code=code,
                    name=f"{base}{suffixes[s_index]}"
                    if kind_code != "community-support"
                    else f"{ward_name[:-1]}{town}地域包括支援センター",
                    name_kana=f"{base_kana}{suffix_kana[s_index]}",
                    corporation_name=f"{corp}{base}会",
                    postal_code=f"80{w_index + 1}-{rng.randint(0, 9999):04d}",
                    address=f"福岡県北九州市{ward_name}{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                    area=area,
                    latitude=round(lat + rng.uniform(-0.02, 0.02), 6),
                    longitude=round(lng + rng.uniform(-0.025, 0.025), 6),
                    phone=f"093-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                    fax=f"093-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                    opening_days=rng.choice(["平日・土曜日", "平日", "平日・土曜日・日曜日"]),
                    opening_hours=rng.choice(["9:00〜18:00", "8:30〜17:30", "9:00〜12:30 / 14:00〜18:00"]),
                    closed_days=rng.choice(["日曜・祝日", "木曜午後・日曜・祝日", "土曜午後・日曜・祝日"]),
                    capacity=rng.choice([None, 19, 60, 120, 199]) if kind_code == "hospital" else None,
                    direct_phone=f"093-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                    contact_person=rng.choice(["地域連携室 看護師", "院長", "事務長", "管理者", "相談員"]),
                    accepting=rng.choice(["yes", "yes", "consult", "no", ""]),
                    accepting_stated_on=today - datetime.timedelta(days=rng.randint(0, 200)),
                    confirmed_on=today - datetime.timedelta(days=rng.choice([10, 60, 200, 300, 420, 800])),
                )
                facility.save()
                chosen = rng.sample(cap_pool, min(len(cap_pool), rng.randint(0, 5))) if cap_pool else []
                if kind_code == "clinic" and s_index == 0 and "home-visit" not in chosen:
                    chosen += ["home-visit", "end-of-life"]
                FacilityCapability.objects.bulk_create(
                    [
                        FacilityCapability(facility=facility, capability=caps[c], source="demo")
                        for c in set(chosen)
                    ]
                )
                if spec_pool:
                    picked = set(rng.sample(spec_pool, min(len(spec_pool), rng.randint(1, 3))))
                    if "眼科" in facility.name:
                        picked.add("眼科")
                    FacilitySpecialty.objects.bulk_create(
                        [FacilitySpecialty(facility=facility, specialty=specs[s]) for s in picked]
                    )
                ContactWindow.objects.bulk_create(_windows(rng, facility, kind_code))


def _seed_synthetic(total, stdout, chunk=5000):
    """N synthetic facilities (codes 9xxxxxxxxx), in bulk: one INSERT per chunk per table."""
    rng = random.Random(4242)
    wards, dailies = _ward_areas()
    areas = [a for ward in wards.values() for a in dailies.get(ward.pk, [ward])] or [None]
    kinds = list(FacilityKind.objects.exclude(group=FacilityKind.Group.COMMUNITY))
    kind_weights = [8 if k.code == "clinic" else 3 if k.code in ("pharmacy", "dental") else 1 for k in kinds]
    caps = list(Capability.objects.all())
    specs = list(Specialty.objects.all())
    towns = [(ward, lat, lng, town) for ward, (lat, lng, ts) in WARDS.items() for town in ts]
    have = set(Facility.objects.filter(code__startswith="9").values_list("code", flat=True))
    made = 0
    for start in range(0, total, chunk):
        batch = []
        for i in range(start, min(start + chunk, total)):
            code = f"9{i:09d}"
            if code in have:
                continue
            surname, place = rng.choice(SURNAMES), rng.choice(PLACES)
            ward, lat, lng, town = rng.choice(towns)
            city = "北九州市" + ward
            if rng.random() < 0.3:  # some lie in the neighbouring cities of a prefecture-wide directory
                city, lat, lng = rng.choice(CITIES)
                town = rng.choice(PLACES) + "町"
            kind = rng.choices(kinds, kind_weights)[0]
            f = Facility(
                kind=kind,
                code=code,
                name=f"{surname}{place}{kind.name[:8]}",
                name_kana="",
                corporation_name=f"{rng.choice(CORPORATIONS)[0]}{rng.choice(SURNAMES)}会",
                address=f"{city}{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                area=rng.choice(areas) if city.startswith("北九州市") else None,
                latitude=round(lat + rng.uniform(-0.03, 0.03), 6),
                longitude=round(lng + rng.uniform(-0.03, 0.03), 6),
                phone=f"093-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                accepting=rng.choice(["yes", "consult", "no", ""]),
            )
            f.build_search()
            batch.append(f)
        if not batch:
            continue
        Facility.objects.bulk_create(batch, batch_size=1000)
        ids = dict(Facility.objects.filter(code__in=[f.code for f in batch]).values_list("code", "pk"))
        links, spec_links, windows = [], [], []
        for f in batch:
            pk = ids[f.code]
            for cap in rng.sample(caps, rng.randint(0, 4)):
                links.append(FacilityCapability(facility_id=pk, capability=cap, source="synthetic"))
            if f.kind.group == "medical" and specs:
                spec_links.append(FacilitySpecialty(facility_id=pk, specialty=rng.choice(specs)))
            if rng.random() < 0.5:
                day, hour = rng.randrange(5), rng.choice([12, 13, 14, 16])
                windows.append(
                    ContactWindow(
                        facility_id=pk, weekday=day, start=datetime.time(hour), end=datetime.time(hour + 1)
                    )
                )
        FacilityCapability.objects.bulk_create(links, batch_size=2000)
        FacilitySpecialty.objects.bulk_create(spec_links, batch_size=2000)
        ContactWindow.objects.bulk_create(windows, batch_size=2000)
        made += len(batch)
        if total >= 20000 and (start // chunk) % 10 == 0:
            stdout.write(f"  synthetic facilities: {made}/{total}")


# Kinds and capabilities of home-visit services, which list the areas they visit.
HOME_VISIT_KINDS = (
    "visiting-nursing",
    "home-help",
    "home-bathing",
    "home-rehab",
    "regular-visit",
    "night-home-help",
)
HOME_VISIT_CAPABILITIES = ("home-visit", "house-call", "home-dental", "home-medication")
DEMO_ROUND = "2026年度の再調査（デモ: 訪問看護ステーション）"


def _demo_round_center():
    """The center the demo's rounds belong to: demo-coordinator's (C01), so that signing in as
    it shows them; another center's coordinator sees none."""
    return Center.objects.filter(code="C01").first() or Center.objects.order_by("sort_order", "pk").first()


def _seed_last_year_round(demo):
    """A closed round of the last 年度, so that 年度ごとの回答状況 shows two years: sent in June,
    about two answers in three, closed in August; its links retired as a closed round leaves them."""

    last = fiscal_year(timezone.localdate()) - 1
    name = f"{last}年度の再調査（デモ: 訪問看護ステーション・診療所）"
    if ConfirmationRound.objects.filter(name=name).exists():
        return
    facilities = list(demo.filter(kind__code__in=["visiting-nursing", "clinic"]).order_by("pk")[:24])
    if not facilities:
        return
    started = timezone.make_aware(datetime.datetime(last, 6, 2, 10, 0))
    closed = started + datetime.timedelta(days=60)
    round_ = ConfirmationRound.objects.create(
        name=name,
        remind_after_days=21,
        started_at=started,
        closed_at=closed,
        center=_demo_round_center(),
    )
    UpdateLink.objects.bulk_create(
        UpdateLink(
            facility=facility,
            email=facility.contact_email,
            round=round_,
            created_at=started,
            expires_on=(started + datetime.timedelta(days=90)).date(),
            sent_at=started,
            opened_at=started + datetime.timedelta(days=3 + n % 10) if n % 3 else None,
            answered_at=started + datetime.timedelta(days=5 + n % 20) if n % 3 else None,
            revoked_at=closed,
        )
        for n, facility in enumerate(facilities)
    )


def _seed_upkeep():
    """Areas served for the home-visit services (their ward and the next one), an update link
    for every demo facility, and one open round with one 変更なし and one pending change request."""
    from resources import updates  # noqa: PLC0415 — the services import these models too

    demo = Facility.objects.filter(code__startswith="40").exclude(area=None).select_related("area__parent")
    visiting = demo.filter(
        Q(kind__code__in=HOME_VISIT_KINDS) | Q(capability_links__capability__code__in=HOME_VISIT_CAPABILITIES)
    ).distinct()
    wards = list(Area.objects.filter(kind=Area.Kind.WARD).order_by("sort_order", "code", "name"))
    through = Facility.areas_served.through
    served = set(through.objects.values_list("facility_id", flat=True))
    rows = []
    for facility in visiting:
        if facility.pk in served:
            continue
        ward = facility.ward
        if ward is None:
            continue
        rows.append(through(facility_id=facility.pk, area_id=ward.pk))
        if ward in wards and facility.pk % 3 == 0:  # some also go to the neighbouring ward
            neighbour = wards[(wards.index(ward) + 1) % len(wards)]
            rows.append(through(facility_id=facility.pk, area_id=neighbour.pk))
    through.objects.bulk_create(rows, ignore_conflicts=True)

    # Any link not revoked holds its facility's place (update_link_one_per_contact), a closed
    # entry's too, though it is no longer active.
    linked = set(UpdateLink.objects.filter(revoked_at__isnull=True).values_list("facility_id", flat=True))
    UpdateLink.objects.bulk_create(
        [UpdateLink(facility=f, email=f.contact_email) for f in demo.exclude(pk__in=linked)]
    )

    _seed_last_year_round(demo)
    if ConfirmationRound.objects.filter(name=DEMO_ROUND).exists():
        return
    nursing = list(demo.filter(kind__code="visiting-nursing").order_by("pk")[:12])
    if len(nursing) < 2:
        return
    now = timezone.now()
    round_ = ConfirmationRound.objects.create(
        name=DEMO_ROUND,
        kind=FacilityKind.objects.get(code="visiting-nursing"),
        remind_after_days=21,
        started_at=now - datetime.timedelta(days=25),
        center=_demo_round_center(),
    )
    links = [updates.current_link(f, "", round=round_) for f in nursing]
    UpdateLink.objects.filter(pk__in=[link.pk for link in links]).update(
        sent_at=now - datetime.timedelta(days=25)
    )
    unchanged, changed = links[0], links[1]
    updates.submit(None, unchanged, None, submitted_by="管理者 山田")
    facility = changed.facility
    proposed = updates.snapshot(facility)
    proposed["contact_person"] = "地域連携担当 中村"
    proposed["accepting"] = Facility.Accepting.CONSULT
    proposed["windows"] = [["call", day, "13:30", "15:00", "phone", ""] for day in range(5)]
    updates.submit(None, changed, proposed, submitted_by="所長 中村", message="4月から担当が替わりました。")
    UpdateLink.objects.filter(pk=links[2].pk).update(opened_at=now - datetime.timedelta(days=20))
