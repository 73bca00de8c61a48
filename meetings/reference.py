"""Meeting kinds and 課題 categories seen in the seeds (釜石市, 下関市). Loaded by migration 0002;
admins extend them in the Django admin."""

from coordination.reference import load_names

KINDS = [
    "打ち合わせ会",
    "ヒアリング",
    "反省会",
    "情報交換会",
    "意見交換会",
    "同行訪問",
    "合同研修会",
    "推進協議会",
    "実務者部会",
    "ワーキングチーム",
    "地域ケア会議",
    "地域コア会議",
    "地域ケア連絡会議",
    "個別ケース検討会議",
    "報告会",
    "広域連携会議",
    # 生活支援体制整備事業's 協議体 (第1層 city-wide, 第2層 per 圏域), where the 生活支援コーディネーター
    # and residents' groups discuss the community resources.
    "協議体",
]

CATEGORIES = [
    "顔の見える関係・相互理解",
    "情報共有・連絡方法",
    "入退院支援",
    "在宅医療の提供体制",
    "急変時・看取り",
    "職能の周知",
    "制度・手続き",
    "その他",
]


def load(MeetingKind, IssueCategory):
    load_names(MeetingKind, KINDS)
    load_names(IssueCategory, CATEGORIES)
