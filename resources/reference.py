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
]

# code, name, group
CAPABILITIES = [
    ("home-visit", "訪問診療", "診療"),
    ("house-call", "往診", "診療"),
    ("end-of-life", "在宅看取り", "診療"),
    ("palliative", "緩和ケア", "診療"),
    ("24h", "24時間対応", "体制"),
    ("shienshin-1", "支援診1（機能強化型・単独）", "在宅療養支援"),
    ("shienshin-2", "支援診2（機能強化型・連携）", "在宅療養支援"),
    ("shienshin-3", "支援診3（在宅療養支援診療所）", "在宅療養支援"),
    ("shienbyo-1", "支援病1（機能強化型・単独）", "在宅療養支援"),
    ("shienbyo-2", "支援病2（機能強化型・連携）", "在宅療養支援"),
    ("shienbyo-3", "支援病3（在宅療養支援病院）", "在宅療養支援"),
    ("backup-hospital", "在宅療養後方支援病院", "在宅療養支援"),
    ("dental-support", "在宅療養支援歯科診療所", "在宅療養支援"),
    ("respite", "レスパイト入院", "体制"),
    ("ventilator", "人工呼吸器・呼吸管理", "医療処置"),
    ("home-oxygen", "在宅酸素", "医療処置"),
    ("tube-feeding", "経管栄養・胃ろう", "医療処置"),
    ("pressure-ulcer", "褥瘡", "医療処置"),
    ("ivh", "IVH（中心静脈栄養）", "医療処置"),
    ("dementia", "認知症", "対象"),
    ("psychiatric", "精神科", "対象"),
    ("pediatric", "小児", "対象"),
    ("pt", "PT在籍", "職員"),
    ("ot", "OT在籍", "職員"),
    ("st", "ST在籍", "職員"),
    ("narcotics", "麻薬調剤", "薬局"),
    ("sterile", "無菌調剤", "薬局"),
    ("home-medication", "訪問服薬指導", "薬局"),
    ("home-dental", "訪問歯科", "歯科"),
    ("home-nursing-care", "在宅患者訪問看護・指導", "診療"),
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


def load(FacilityKind, Capability, Specialty):
    for order, (code, name, group, service_code) in enumerate(KINDS):
        FacilityKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "service_code": service_code, "sort_order": order},
        )
    for order, (code, name, group) in enumerate(CAPABILITIES):
        Capability.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "sort_order": order}
        )
    for order, name in enumerate(SPECIALTIES):
        Specialty.objects.update_or_create(name=name, defaults={"sort_order": order})
