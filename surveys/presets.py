"""Ready survey templates: the 北見市-style 入退院連絡調査 (エ) and a 空床状況調査.

A template is a list of question definitions; `services.create_from_template` makes a survey of
them. The question keys stay the same every year, which is what lets a result page compare a
year with the ones before it."""

from surveys.models import Question, Survey
from training.models import Item

K = Question.Kind

# The column keys and answers the 入退院 rates are computed from (surveys/results.py).
ADMISSION_ROWS_KEY = "clients"
HOSPITAL = "hospital"
ADMISSION = "admission_contact"
ADMISSION_YES, ADMISSION_NO = "入院時に病院へ連絡した", "入院時に病院へ連絡しなかった"
DISCHARGE = "discharge_contact"
DISCHARGE_YES, DISCHARGE_NO = "退院時に病院から連絡を受けた", "退院時に病院から連絡を受けなかった"
NOT_APPLICABLE = "該当しない（期間内に入院・退院していない）"
TIMING = "discharge_timing"
TIMING_CHOICES = ["退院前7日以上", "退院前3〜6日", "退院の前日〜2日前", "退院当日", "退院後"]
METHOD = "admission_method"
METHOD_CHOICES = ["電話", "FAX", "訪問", "連携シート", "ICT"]

RATE_ADMISSION = "入院時連絡率"
RATE_DISCHARGE = "退院時連絡率"


def admission_columns(hospitals):
    return [
        {"key": HOSPITAL, "label": "病院", "choices": [*hospitals, "その他の病院"]},
        {"key": ADMISSION, "label": "入院時の連絡", "choices": [ADMISSION_YES, ADMISSION_NO, NOT_APPLICABLE]},
        {
            "key": METHOD,
            "label": "入院時の連絡の方法",
            "choices": METHOD_CHOICES,
            "required_if": [ADMISSION, ADMISSION_YES],
        },
        {"key": DISCHARGE, "label": "退院時の連絡", "choices": [DISCHARGE_YES, DISCHARGE_NO, NOT_APPLICABLE]},
        {
            "key": TIMING,
            "label": "退院の連絡を受けた時期",
            "choices": TIMING_CHOICES,
            "required_if": [DISCHARGE, DISCHARGE_YES],
        },
    ]


def admission_questions(hospitals):
    return [
        {
            "key": "care_managers",
            "text": "事業所のケアマネジャーの人数",
            "kind": K.NUMBER,
            "required": True,
        },
        {
            "key": "had_clients",
            "text": "調査期間中に入院または退院した利用者はいましたか",
            "kind": K.SINGLE,
            "choices": ["いた", "いなかった"],
            "required": True,
        },
        {
            "key": ADMISSION_ROWS_KEY,
            "text": "入院・退院した利用者ごとに、病院との連絡を記録してください（1人1行、氏名は書きません）",
            "help_text": "入院だけ、退院だけの方は、もう一方を「該当しない」にしてください。",
            "kind": K.ROWS,
            "columns": admission_columns(hospitals),
            "show_if": ("had_clients", "いた"),
        },
        {
            "key": "good_points",
            "text": "医療機関との連絡で良かったこと",
            "kind": K.LONG_TEXT,
        },
        {
            "key": "requests",
            "text": "課題・要望",
            "kind": K.LONG_TEXT,
        },
    ]


VACANCY_QUESTIONS = [
    {"key": "as_of", "text": "いつ時点の空き状況ですか", "kind": K.DATE, "required": True},
    {"key": "capacity", "text": "定員（床）", "kind": K.NUMBER, "required": True},
    {"key": "vacant_beds", "text": "空床数（床）", "kind": K.NUMBER, "required": True, "at_most": "capacity"},
    {
        "key": "accepts",
        "text": "受け入れできる方",
        "kind": K.MULTIPLE,
        "choices": [
            "医療処置のある方",
            "認知症の方",
            "胃ろう・経管栄養の方",
            "たんの吸引が必要な方",
            "看取り",
        ],
    },
    {
        "key": "short_stay",
        "text": "短期入所（ショートステイ）の空き",
        "kind": K.SINGLE,
        "choices": ["あり", "なし", "実施していない"],
    },
    {"key": "note", "text": "連絡事項", "kind": K.SHORT_TEXT},
]

# The questions a training event's survey starts with (the ones events have always asked); the
# coordinator changes them on the survey's page like any other survey's.
EVENT_QUESTIONS = [
    {"key": "q1", "text": "研修の内容に満足しましたか", "kind": K.RATING},
    {"key": "q2", "text": "他職種の役割への理解が深まりましたか", "kind": K.RATING},
    {"key": "q3", "text": "明日からの連携に役立つと思いますか", "kind": K.RATING},
    {"key": "q4", "text": "感想・今後取り上げてほしいテーマ", "kind": K.LONG_TEXT},
]
# A public lecture's (キ 地域住民への普及啓発) attendees are residents: asked in their words.
PUBLIC_EVENT_QUESTIONS = [
    {"key": "q1", "text": "講座の内容に満足しましたか", "kind": K.RATING},
    {"key": "q2", "text": "在宅医療や介護について、分かったことがありましたか", "kind": K.RATING},
    {"key": "q3", "text": "家族や自分のこれからを考えるきっかけになりましたか", "kind": K.RATING},
    {"key": "q4", "text": "感想・今後聞いてみたいテーマ", "kind": K.LONG_TEXT},
]


def event_questions(event):
    """The questions an event's survey starts with: residents' for a public lecture (キ)."""
    return PUBLIC_EVENT_QUESTIONS if event.item == Item.PUBLIC else EVENT_QUESTIONS


TEMPLATES = {
    Survey.Template.ADMISSION: {
        "title": "入退院連絡調査",
        "series_key": "admission-discharge",
        "description": (
            "入退院時の医療機関とケアマネジャーの連絡の状況をうかがい、入退院連絡の手引きの見直しに使います。"
            "調査期間中に入院または退院した利用者ごとにお答えください。"
        ),
        "audience": Survey.Audience.FACILITIES,
        "kinds": ["care-management", "community-support", "small-multi", "nursing-small-multi"],
    },
    Survey.Template.VACANCY: {
        "title": "空床状況調査",
        "series_key": "vacancy",
        "description": "ショートステイや入所の空き状況をうかがい、相談窓口での紹介に使います。",
        "audience": Survey.Audience.FACILITIES,
        "kinds": [
            "special-nursing-home",
            "health-facility",
            "short-stay",
            "group-home",
            "care-medical-hospital",
        ],
    },
}


def questions_for(template, hospitals=()):
    if template == Survey.Template.ADMISSION:
        return admission_questions(list(hospitals))
    if template == Survey.Template.VACANCY:
        return VACANCY_QUESTIONS
    return []
