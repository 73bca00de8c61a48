"""The tallies' categories as the 大阪市 月報 reports them (seed 001). Loaded by migration 0002;
admins extend them in the Django admin (e.g. with 北九州市's 相談項目)."""

CONSULTANT_TYPES = [
    "医療関係者",
    "訪問看護",
    "ケアマネージャー",
    "地域包括支援センター",
    "区役所・保健福祉センター",
    "その他(区民等)",
]

# (大分類 or top-level item, [items]) — an empty list means a top-level item.
TOPICS = [
    (
        "医療",
        [
            "診療所・医師に関する事",
            "訪問診療できる医療機関に関する事",
            "病院(入院・転院先等)に関する事",
            "歯科に関する事",
            "薬局・薬剤師に関する事",
            "訪問看護に関する事",
            "医療の手続きに関する事",
            "その他",
        ],
    ),
    (
        "介護",
        [
            "ケアマネに関する事",
            "地域包括支援センターに関する事",
            "介護事業所等に関する事",
            "介護の手続きに関する事",
            "その他",
        ],
    ),
    ("退院支援に関する事", []),
    ("看取りに関する事", []),
    ("連絡調整", []),
    ("その他", []),
]


def load(Topic, ConsultantType):
    for order, name in enumerate(CONSULTANT_TYPES):
        ConsultantType.objects.update_or_create(name=name, defaults={"sort_order": order})
    for order, (name, items) in enumerate(TOPICS):
        parent, _ = Topic.objects.update_or_create(
            parent=None, name=name, defaults={"sort_order": order * 100}
        )
        for i, item in enumerate(items):
            Topic.objects.update_or_create(
                parent=parent, name=item, defaults={"sort_order": order * 100 + i + 1}
            )
