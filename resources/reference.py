"""The reference lists the directory starts with. They are loaded as rows by migration 0002
(and topped up by seed_demo); admins add more in the Django admin without a migration."""

# code, name, group, 介護サービス情報公表システムのサービスコード
KINDS = [
    ("hospital", "病院", "medical", ""),
    ("clinic", "診療所", "medical", ""),
    ("dental", "歯科診療所", "medical", ""),
    ("pharmacy", "薬局", "medical", ""),
    ("visiting-nursing", "訪問看護ステーション", "care", "130"),
    ("care-management", "居宅介護支援事業所", "care", "430"),
    ("community-support", "地域包括支援センター", "care", ""),
    ("home-help", "訪問介護", "care", "110"),
    ("home-bathing", "訪問入浴介護", "care", "120"),
    ("home-rehab", "訪問リハビリテーション", "care", "140"),
    ("day-service", "通所介護", "care", "150"),
    ("medical-day-service", "療養通所介護", "care", "155"),
    ("day-rehab", "通所リハビリテーション", "care", "160"),
    ("welfare-equipment", "福祉用具貸与", "care", "170"),
    ("short-stay", "短期入所生活介護", "care", "210"),
    ("short-stay-medical", "短期入所療養介護（介護老人保健施設）", "care", "220"),
    ("short-stay-medical-hospital", "短期入所療養介護（療養病床を有する病院等）", "care", "230"),
    ("group-home", "認知症対応型共同生活介護（グループホーム）", "care", "320"),
    ("specified-facility", "特定施設入居者生活介護", "care", "331"),
    ("special-nursing-home", "介護老人福祉施設（特養）", "care", "510"),
    ("health-facility", "介護老人保健施設（老健）", "care", "520"),
    ("care-medical-hospital", "介護医療院", "care", "550"),
    ("night-home-help", "夜間対応型訪問介護", "care", "710"),
    ("dementia-day-service", "認知症対応型通所介護", "care", "720"),
    ("small-multi", "小規模多機能型居宅介護", "care", "730"),
    ("regular-visit", "定期巡回・随時対応型訪問介護看護", "care", "760"),
    ("nursing-small-multi", "看護小規模多機能型居宅介護（複合型サービス）", "care", "770"),
    ("community-day-service", "地域密着型通所介護", "care", "780"),
    ("community-specified-facility", "地域密着型特定施設入居者生活介護", "care", "361"),
    ("equipment-sales", "特定福祉用具販売", "care", "410"),
    ("care-sanatorium", "介護療養型医療施設", "care", "530"),
    ("community-nursing-home", "地域密着型介護老人福祉施設入所者生活介護", "care", "540"),
    ("short-stay-care-hospital", "短期入所療養介護（介護医療院）", "care", "551"),
    # 地域の活動 (生活支援体制整備事業: 住民主体 and informal resources), the directory's other side.
    ("salon", "通いの場・サロン", "community", ""),
    ("exercise-class", "体操教室", "community", ""),
    ("dementia-cafe", "認知症カフェ", "community", ""),
    ("watching", "見守り", "community", ""),
    ("outing-support", "移動・外出支援", "community", ""),
    ("shopping-support", "買い物支援", "community", ""),
    ("meal-delivery", "配食", "community", ""),
    ("kodomo-shokudo", "子ども食堂", "community", ""),
    ("consultation-place", "相談の場", "community", ""),
]

# The national open-data files (jigyosho_{code}.csv) by service code, and the name their
# サービスの種類 column gives. Several national codes fold into one directory kind (the
# 特定施設 variants by building type); the value is the service_code of that kind.
NATIONAL_SERVICES = {
    "110": ("訪問介護", "110"),
    "120": ("訪問入浴介護", "120"),
    "130": ("訪問看護", "130"),
    "140": ("訪問リハビリテーション", "140"),
    "150": ("通所介護", "150"),
    "155": ("通所介護（療養通所介護）", "155"),
    "160": ("通所リハビリテーション", "160"),
    "170": ("福祉用具貸与", "170"),
    "210": ("短期入所生活介護", "210"),
    "220": ("短期入所療養介護（介護老人保健施設）", "220"),
    "230": ("短期入所療養介護（療養病床を有する病院等）", "230"),
    "551": ("短期入所療養介護（介護医療院）", "551"),
    "320": ("認知症対応型共同生活介護", "320"),
    "331": ("特定施設入居者生活介護（有料老人ホーム）", "331"),
    "332": ("特定施設入居者生活介護（軽費老人ホーム）", "331"),
    "334": ("特定施設入居者生活介護（サービス付き高齢者向け住宅）", "331"),
    "335": ("特定施設入居者生活介護（有料老人ホーム・外部サービス利用型）", "331"),
    "336": ("特定施設入居者生活介護（軽費老人ホーム・外部サービス利用型）", "331"),
    "337": ("特定施設入居者生活介護（サービス付き高齢者向け住宅・外部サービス利用型）", "331"),
    "361": ("地域密着型特定施設入居者生活介護（有料老人ホーム）", "361"),
    "362": ("地域密着型特定施設入居者生活介護（軽費老人ホーム）", "361"),
    "364": ("地域密着型特定施設入居者生活介護（サービス付き高齢者向け住宅）", "361"),
    "410": ("特定福祉用具販売", "410"),
    "430": ("居宅介護支援", "430"),
    "510": ("介護老人福祉施設", "510"),
    "520": ("介護老人保健施設", "520"),
    "530": ("介護療養型医療施設", "530"),
    "540": ("地域密着型介護老人福祉施設入所者生活介護", "540"),
    "550": ("介護医療院", "550"),
    "710": ("夜間対応型訪問介護", "710"),
    "720": ("認知症対応型通所介護", "720"),
    "730": ("小規模多機能型居宅介護", "730"),
    "760": ("定期巡回・随時対応型訪問介護看護", "760"),
    "770": ("看護小規模多機能型居宅介護", "770"),
    "780": ("地域密着型通所介護", "780"),
}

# Which service an office that provides several is shown under (its main kind), by service code:
# residential facilities first, then home visits and care management, day services, short stays
# and equipment. Kinds not listed come after, in their sort order.
MAIN_KIND_PRECEDENCE = [
    "510", "520", "550", "530", "540", "320", "331", "361",
    "130", "430", "110", "120", "140", "760", "710", "770", "730",
    "150", "155", "780", "720", "160", "210", "220", "230", "551", "170", "410",
]  # fmt: skip

# 地方厚生局 届出受理医療機関名簿: 受理記号 → capability code. Symbols not listed (初診, 明細 …)
# say nothing about home care and are skipped.
KOUSEIKYOKU_SYMBOLS = {
    "支援診1": "shienshin-1",
    "支援診2": "shienshin-2",
    "支援診3": "shienshin-3",
    "支援病1": "shienbyo-1",
    "支援病2": "shienbyo-2",
    "支援病3": "shienbyo-3",
    "在後病": "backup-hospital",
    "歯援診1": "dental-support",
    "歯援診2": "dental-support",
    "歯援診": "dental-support",
    "在医総管1": "home-visit",
    "在総": "home-visit",
    "在緩診実": "palliative",
    "在看": "home-nursing-care",
    "在薬": "home-medication",
}

# code, name, group, a plain explanation (shown with the name, for residents too)
CAPABILITIES = [
    ("home-visit", "訪問診療", "診療", "医師が計画を立てて定期的に自宅へ来て診察します。"),
    ("house-call", "往診", "診療", "急に具合が悪くなったとき、求めに応じて医師が自宅へ来ます。"),
    ("end-of-life", "在宅看取り", "診療", "住み慣れた自宅で最期まで過ごすことを支えます。"),
    ("palliative", "緩和ケア", "診療", "がんなどの痛みやつらさを和らげる医療です。"),
    ("24h", "24時間対応", "体制", "夜間・休日も連絡がつき、必要なら訪問します。"),
    (
        "shienshin-1",
        "支援診1（機能強化型・単独）",
        "在宅療養支援",
        "在宅療養支援診療所のうち、単独で24時間の往診・看取りの実績が多いところ。",
    ),
    (
        "shienshin-2",
        "支援診2（機能強化型・連携）",
        "在宅療養支援",
        "在宅療養支援診療所のうち、複数の医療機関が連携して24時間対応するところ。",
    ),
    (
        "shienshin-3",
        "支援診3（在宅療養支援診療所）",
        "在宅療養支援",
        "24時間連絡がつき、往診・訪問看護ができる体制を国に届け出た診療所。",
    ),
    (
        "shienbyo-1",
        "支援病1（機能強化型・単独）",
        "在宅療養支援",
        "在宅療養支援病院のうち、単独で24時間の往診・看取りの実績が多いところ。",
    ),
    (
        "shienbyo-2",
        "支援病2（機能強化型・連携）",
        "在宅療養支援",
        "在宅療養支援病院のうち、複数の医療機関が連携して24時間対応するところ。",
    ),
    (
        "shienbyo-3",
        "支援病3（在宅療養支援病院）",
        "在宅療養支援",
        "24時間の往診・訪問看護と、急変時の入院ができる体制を届け出た病院。",
    ),
    (
        "backup-hospital",
        "在宅療養後方支援病院",
        "在宅療養支援",
        "在宅で療養している方が急に悪くなったとき、入院を受け入れる病院。",
    ),
    (
        "dental-support",
        "在宅療養支援歯科診療所",
        "在宅療養支援",
        "歯科医師が自宅や施設へ訪問して治療・口腔ケアをする体制を届け出た歯科。",
    ),
    ("respite", "レスパイト入院", "体制", "介護する家族が休めるよう、短い期間入院を受け入れます。"),
    ("ventilator", "人工呼吸器・呼吸管理", "医療処置", "人工呼吸器を使う方の在宅療養に対応します。"),
    ("home-oxygen", "在宅酸素", "医療処置", "自宅で酸素を吸入する療法（HOT）に対応します。"),
    (
        "tube-feeding",
        "経管栄養・胃ろう",
        "医療処置",
        "口から食べられない方の、管や胃ろうからの栄養に対応します。",
    ),
    ("pressure-ulcer", "褥瘡", "医療処置", "床ずれ（褥瘡）の処置に対応します。"),
    ("ivh", "IVH（中心静脈栄養）", "医療処置", "太い静脈から点滴で栄養を入れる方法に対応します。"),
    ("dementia", "認知症", "対象", "認知症の方に対応します。"),
    ("psychiatric", "精神科", "対象", "精神科の病気のある方に対応します。"),
    ("pediatric", "小児", "対象", "子どもに対応します。"),
    ("pt", "PT在籍", "職員", "理学療法士（歩く・立つなどのリハビリの専門職）がいます。"),
    ("ot", "OT在籍", "職員", "作業療法士（食事・着替えなど生活動作のリハビリの専門職）がいます。"),
    ("st", "ST在籍", "職員", "言語聴覚士（話す・飲み込むリハビリの専門職）がいます。"),
    ("narcotics", "麻薬調剤", "薬局", "医療用麻薬（痛み止め）を調剤できます。"),
    ("sterile", "無菌調剤", "薬局", "点滴の薬などを無菌の設備で調剤できます。"),
    ("home-medication", "訪問服薬指導", "薬局", "薬剤師が自宅へ薬を届け、飲み方の相談にのります。"),
    ("home-dental", "訪問歯科", "歯科", "歯科医師・歯科衛生士が自宅や施設へ訪問します。"),
    ("home-nursing-care", "在宅患者訪問看護・指導", "診療", "医療機関の看護師が自宅へ訪問して看護します。"),
]

# Words people type for what the directory calls otherwise: term → ("kind" | "capability" |
# "specialty", code or name). A term also matches the lookups whose name contains it (看取り →
# 在宅看取り), so only other words are listed, but for the words people type most (特養, 老健): a
# kind renamed in the admin keeps them. Admins add more (管理画面 → 検索の言い換え). Words added
# later come to existing databases by a migration of their own (0004).
SYNONYMS = [
    ("訪看", "kind", "visiting-nursing"),
    ("訪問看護", "kind", "visiting-nursing"),
    ("ケアマネ", "kind", "care-management"),
    ("ケアプラン", "kind", "care-management"),
    ("居宅", "kind", "care-management"),
    ("包括", "kind", "community-support"),
    ("デイ", "kind", "day-service"),
    ("デイサービス", "kind", "day-service"),
    ("デイサービス", "kind", "community-day-service"),
    ("デイケア", "kind", "day-rehab"),
    ("ショート", "kind", "short-stay"),
    ("ショートステイ", "kind", "short-stay"),
    ("ヘルパー", "kind", "home-help"),
    ("グループホーム", "kind", "group-home"),
    ("GH", "kind", "group-home"),
    ("特養", "kind", "special-nursing-home"),
    ("特養", "kind", "community-nursing-home"),  # 地域密着型特養
    ("老健", "kind", "health-facility"),
    ("ほうかん", "kind", "visiting-nursing"),
    ("小多機", "kind", "small-multi"),
    ("看多機", "kind", "nursing-small-multi"),
    ("言語聴覚士", "capability", "st"),
    ("理学療法士", "capability", "pt"),
    ("作業療法士", "capability", "ot"),
    ("リハビリ", "kind", "home-rehab"),
    ("麻薬", "capability", "narcotics"),
    ("まやく", "capability", "narcotics"),  # the search folds ﾏﾔｸ and マヤク to it
    ("服薬指導", "capability", "home-medication"),
    ("居宅療養管理指導", "capability", "home-medication"),
    ("訪問薬剤", "capability", "home-medication"),
    ("ほうもんしんりょう", "capability", "home-visit"),
    ("胃瘻", "capability", "tube-feeding"),
    ("PEG", "capability", "tube-feeding"),
    ("じょくそう", "capability", "pressure-ulcer"),
    ("在支診", "capability", "shienshin-3"),
    ("在支診", "capability", "shienshin-2"),
    ("在支診", "capability", "shienshin-1"),
    ("在支病", "capability", "shienbyo-3"),
    ("在支病", "capability", "shienbyo-2"),
    ("在支病", "capability", "shienbyo-1"),
    ("在後病", "capability", "backup-hospital"),
    ("床ずれ", "capability", "pressure-ulcer"),
    ("酸素", "capability", "home-oxygen"),
    ("HOT", "capability", "home-oxygen"),
    ("呼吸器", "capability", "ventilator"),
    ("中心静脈", "capability", "ivh"),
    ("みとり", "capability", "end-of-life"),
    ("ないか", "specialty", "内科"),
    ("げか", "specialty", "外科"),
    ("せいけいげか", "specialty", "整形外科"),
    ("ひふか", "specialty", "皮膚科"),
    ("がんか", "specialty", "眼科"),
    ("めいしゃ", "specialty", "眼科"),
    ("じびか", "specialty", "耳鼻咽喉科"),
    ("耳鼻科", "specialty", "耳鼻咽喉科"),
    ("じびいんこうか", "specialty", "耳鼻咽喉科"),
    ("せいしんか", "specialty", "精神科"),
    ("しんりょうないか", "specialty", "心療内科"),
    ("ひにょうきか", "specialty", "泌尿器科"),
    ("しょうにか", "specialty", "小児科"),
    ("ふじんか", "specialty", "婦人科"),
    ("はいしゃ", "specialty", "歯科"),
    ("しか", "specialty", "歯科"),
    # Words residents use for community resources.
    ("100歳体操", "kind", "exercise-class"),
    ("百歳体操", "kind", "exercise-class"),
    ("オレンジカフェ", "kind", "dementia-cafe"),
    ("あいのり", "kind", "outing-support"),
    ("弁当", "kind", "meal-delivery"),
]

SPECIALTIES = [
    "内科",
    "外科",
    "整形外科",
    "皮膚科",
    "眼科",
    "耳鼻咽喉科",
    "精神科",
    "心療内科",
    "泌尿器科",
    "脳神経外科",
    "脳神経内科",
    "循環器内科",
    "消化器内科",
    "呼吸器内科",
    "小児科",
    "婦人科",
    "リハビリテーション科",
    "緩和ケア内科",
    "歯科",
    "歯科口腔外科",
    "小児歯科",
]


def load(FacilityKind, Capability, Specialty, SearchSynonym=None):
    for order, (code, name, group, service_code) in enumerate(KINDS):
        FacilityKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "service_code": service_code, "sort_order": order},
        )
    for order, (code, name, group, description) in enumerate(CAPABILITIES):
        Capability.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "description": description, "sort_order": order},
        )
    for order, name in enumerate(SPECIALTIES):
        Specialty.objects.update_or_create(name=name, defaults={"sort_order": order})
    if SearchSynonym is not None:
        models = {
            "kind": (FacilityKind, "code"),
            "capability": (Capability, "code"),
            "specialty": (Specialty, "name"),
        }
        for term, target, key in SYNONYMS:
            model, field = models[target]
            SearchSynonym.objects.get_or_create(term=term, **{target: model.objects.get(**{field: key})})
