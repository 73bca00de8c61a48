"""The tallies' categories as the 大阪市 月報 reports them (seed 001). Loaded by migration 0002;
admins extend them in the Django admin (e.g. with 北九州市's 相談項目)."""

from django.core.exceptions import FieldDoesNotExist

CONSULTANT_TYPES = [
    "医療関係者",
    "訪問看護",
    "ケアマネジャー",
    "地域包括支援センター",
    "区役所・保健福祉センター",
    "その他(区民等)",
]

# How old sheets write a 相談者区分 (ConsultantTypeSynonym, read by the import of past logs);
# admins add their center's words in the admin. Matched folded (width, case, katakana). The
# official word is ケアマネジャー (介護支援専門員); sheets often write ケアマネージャー, the type's
# name until migration 0013.
CONSULTANT_TYPE_SYNONYMS = {
    "ケアマネジャー": ["ケアマネ", "ケアマネージャー", "CM", "介護支援専門員", "居宅", "居宅介護支援事業所"],
    "訪問看護": ["訪看", "訪問看護師", "訪問看護ステーション", "訪問看護st"],
    "地域包括支援センター": ["包括", "地域包括", "包括支援センター"],
    "区役所・保健福祉センター": ["区役所", "保健福祉センター", "保健師"],
    "医療関係者": ["医師", "病院", "診療所", "医療機関", "MSW", "地域連携室", "連携室"],
    "その他(区民等)": ["区民", "住民", "市民", "家族", "本人", "その他"],
}

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


# 相談内容 item (its path) → the directory's capabilities (resources.Capability codes) a search
# from such a consultation selects. Only where the item names the capability itself: 訪問看護
# is a kind of facility in the directory (訪問看護ステーション), not a capability, and a
# 相談内容 like 歯科 or 薬局 asks about more than home visits.
TOPIC_CAPABILITIES = {
    "医療/訪問診療できる医療機関に関する事": ["home-visit"],
    "看取りに関する事": ["end-of-life"],
}


# 相談内容 item (its path) → the directory's kind of facility (resources.FacilityKind code) a
# search from such a consultation selects: only where the item names the kind itself and the
# facilities of that kind come to the client's home (the search asks for those that visit the
# client's area). ケアマネ and 地域包括 are left to admins: few of them list the areas they visit.
TOPIC_KINDS = {
    "医療/訪問看護に関する事": "visiting-nursing",
    "医療/歯科に関する事": "dental",
    "医療/薬局・薬剤師に関する事": "pharmacy",
}


def _topic(Topic, path):
    parent, _, name = path.rpartition("/")
    topics = Topic.objects.filter(name=name)
    if parent:
        return topics.filter(parent__name=parent, parent__parent=None).first()
    return topics.filter(parent=None).first()


def link_kinds(Topic):
    """Fills TOPIC_KINDS where an item has no kind yet (never replaces what admins set)."""
    try:
        FacilityKind = Topic._meta.get_field("kind").related_model
    except FieldDoesNotExist:
        return  # a migration state before the link existed
    for path, code in TOPIC_KINDS.items():
        topic = _topic(Topic, path)
        kind = FacilityKind.objects.filter(code=code).first()
        if topic and kind and topic.kind_id is None:
            topic.kind = kind
            topic.save(update_fields=["kind"])


def link_capabilities(Topic):
    """Fills TOPIC_CAPABILITIES (adds, never removes what admins set)."""
    try:
        Capability = Topic._meta.get_field("capabilities").related_model
    except FieldDoesNotExist:
        return  # a migration state before the link existed
    for path, codes in TOPIC_CAPABILITIES.items():
        topic = _topic(Topic, path)
        if topic:
            topic.capabilities.add(*Capability.objects.filter(code__in=codes))


def load_type_synonyms(ConsultantType, ConsultantTypeSynonym):
    """Adds CONSULTANT_TYPE_SYNONYMS for the types that exist (never changes an admin's)."""
    for name, terms in CONSULTANT_TYPE_SYNONYMS.items():
        ctype = ConsultantType.objects.filter(name=name).first()
        for term in terms if ctype else []:
            ConsultantTypeSynonym.objects.get_or_create(term=term, defaults={"consultant_type": ctype})


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
    link_capabilities(Topic)
    link_kinds(Topic)


# 連絡調整 outcomes that put the facility on the directory's re-check list (resources.Recheck
# reasons): 応答なし is 連絡不通, and 受入停止中 and 情報誤り are results of their own. A 受入不可
# whose reason says the same in words (移転, 休止 …) counts too: coordinators write what they hear.
RECHECK_RESULTS = {"no_answer": "unreachable", "stopped": "stopped", "wrong_info": "wrong"}
RECHECK_REASON_WORDS = {
    "stopped": ("受入停止", "受け入れ停止", "受入れ停止", "新規停止", "休止"),
    "wrong": ("情報誤り", "情報が違", "番号が違", "番号違い", "電話番号誤り", "移転", "廃止", "閉院", "廃業"),
}


def recheck_reason(result, reason_text=""):
    """The re-check reason a 連絡調整 row gives its facility, or None."""
    if result in RECHECK_RESULTS:
        return RECHECK_RESULTS[result]
    for code, words in RECHECK_REASON_WORDS.items():
        if any(word in (reason_text or "") for word in words):
            return code
    return None
