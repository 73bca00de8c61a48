"""Formats and task-list templates seen in the seeds (下関市, 釜石市, 高梁市). Loaded by migration
0002; admins extend them in the Django admin."""

import re

from coordination.reference import load_names
from coordination.text import normalize

FORMATS = [
    "講演",
    "グループワーク",
    "事例検討",
    "ロールプレイ",
    "パネルディスカッション",
    "ワールドカフェ",
    "同行訪問",
    "実習",
    "出前講座",
    "市民公開講座",
]

# 釜石市's 棚卸表 (チームかまいしの役割): what the center does before, on and after the day.
TASK_TEMPLATES = [
    (
        "多職種研修会",
        "グループワーク",
        [
            ("before", "主催者・関係者との連絡調整（打ち合わせ会の日程調整）", "センター"),
            ("before", "実施要項・チラシ作成の相談対応", "センター"),
            ("before", "会場選定・借り上げ", "センター"),
            ("before", "他職種への周知・参加者とりまとめ", "センター"),
            ("before", "アンケート作成", "センター"),
            ("day", "会場設営・受付", "センター"),
            ("day", "ファシリテーター（グループワーク進行）", ""),
            ("day", "写真撮影と記録", "センター"),
            ("after", "実施結果の起案文書作成", "センター"),
            ("after", "アンケートとりまとめ・グラフ化、関係者へ提供", "センター"),
            ("after", "グループワーク成果物の課題とりまとめ・分類、主催者へ提供", "センター"),
            ("after", "反省会（一次連携）の日程調整", "センター"),
        ],
    ),
    (
        "市民公開講座",
        "市民公開講座",
        [
            ("before", "主催者との連絡調整", "センター"),
            ("before", "チラシ作成・広報（市報・HP）", "センター"),
            ("before", "会場選定・借り上げ・使用申請", "センター"),
            ("day", "会場設営と撤収", "センター"),
            ("day", "受付・アンケート配布", "センター"),
            ("day", "写真撮影（主催者に提供）・記録", "センター"),
            ("after", "結果報告の起案文書作成", "センター"),
            ("after", "会場使用料支出の事務", "センター"),
            ("after", "地域連携だよりでの報告", "センター"),
        ],
    ),
]


def load(EventFormat, TaskTemplate, TaskTemplateItem):
    formats = load_names(EventFormat, FORMATS)
    for name, format_name, items in TASK_TEMPLATES:
        template, created = TaskTemplate.objects.get_or_create(
            name=name, defaults={"format": formats.get(format_name)}
        )
        if created:
            TaskTemplateItem.objects.bulk_create(
                TaskTemplateItem(template=template, phase=phase, text=text, owner=owner, sort_order=i)
                for i, (phase, text, owner) in enumerate(items)
            )


# Volunteer courses whose attendees the yearly report counts as supporters trained (seed 003).
SUPPORTER_COURSES = ["認知症サポーター", "あったか・サポーター", "健脚推進ボランティア"]


def load_supporter_courses(SupporterCourse):
    load_names(SupporterCourse, SUPPORTER_COURSES)


# The words a FAX sign-up sheet or a typed list uses for a 職種 (Profession.aliases): each alias
# goes to the first of its professions that exists, under whatever name the city gave it (訪看 to
# 訪問看護師 where there is one, else to 看護師). Admins add more in the admin's 職種.
PROFESSION_ALIASES = [
    (("介護支援専門員",), ["ケアマネジャー", "ケアマネージャー", "ケアマネ", "介護支援専門員", "CM"]),
    (("看護師",), ["Ns", "ナース", "看護士"]),
    (("訪問看護師", "看護師"), ["訪看", "訪問看護師", "訪問看護"]),
    (("医師",), ["Dr", "ドクター", "医者"]),
    (("社会福祉士", "MSW・社会福祉士"), ["社会福祉士"]),
    (("MSW", "医療ソーシャルワーカー", "MSW・社会福祉士", "社会福祉士"), ["MSW", "医療ソーシャルワーカー"]),
    (("MSW・社会福祉士", "社会福祉士", "MSW"), ["SW", "ソーシャルワーカー"]),
    (("歯科医師",), ["歯科医"]),
    (("理学療法士",), ["PT"]),
    (("作業療法士",), ["OT"]),
    (("言語聴覚士",), ["ST"]),
    (("管理栄養士",), ["栄養士"]),
    (("歯科衛生士",), ["DH"]),
    (("介護福祉士",), ["CW", "ケアワーカー"]),
    (("保健師",), ["PHN"]),
]


def load_profession_aliases(Profession):
    """Adds the common aliases to the professions there are. An alias that already names a
    profession (its name, short name or an alias, folded as a typed 職種 is) is left alone, so that
    an alias never shadows another profession and a second run adds nothing."""
    professions = {p.name: p for p in Profession.objects.all()}
    # As Profession.accepted_names reads them (a migration's model has no methods).
    separators = re.compile(r"[\n\r、,，]+")

    def names(p):
        return [n for n in [p.name, p.short_name, *separators.split(p.aliases)] if n and n.strip()]

    taken = {normalize(n) for p in professions.values() for n in names(p)}
    changed = {}
    for candidates, aliases in PROFESSION_ALIASES:
        profession = next((professions[c] for c in candidates if c in professions), None)
        if profession is None:
            continue
        for alias in aliases:
            if normalize(alias) in taken:
                continue
            taken.add(normalize(alias))
            profession.aliases = "、".join([*separators.split(profession.aliases.strip()), alias]).strip("、")
            changed[profession.pk] = profession
    for profession in changed.values():
        profession.save(update_fields=["aliases"])
    return len(changed)
