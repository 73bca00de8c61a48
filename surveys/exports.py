"""XLSX of a survey (raw answers, the tables) and the data of its charts."""

from coordination.publishing import SUPPRESSED_IN_SHEETS
from surveys.models import Answer, Question
from surveys.results import HIDDEN

# A hidden count in a workbook: the formula-safe writer would print a bare 「-」 as 「'-」.
XLSX_HIDDEN = SUPPRESSED_IN_SHEETS


def _hidden(value):
    return XLSX_HIDDEN if value == HIDDEN else value


def _cell(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {v}" for k, v in value.items())
    return value


def raw_sheets(survey):
    """One row per respondent who answered (client rows on a sheet of their own). Three queries."""
    questions = list(survey.questions.all())
    answers = {}
    for respondent_id, question_id, value in Answer.objects.filter(
        respondent__survey=survey, respondent__submitted_at__isnull=False
    ).values_list("respondent_id", "question_id", "value"):
        answers[(respondent_id, question_id)] = value
    respondents = list(
        survey.respondents.answered().select_related("facility").order_by("group", "label", "pk")
    )
    plain = [q for q in questions if q.kind != Question.Kind.ROWS]
    # 住所: two facilities of one name (two みどりショートステイ) are told apart by it.
    header = ["回答者", "住所", "区分", "回答日時"] + [q.text for q in plain]
    rows = []
    for r in respondents:
        rows.append(
            # 回答日時 stays a moment: the writer puts it in Japan time (coordination.exports).
            [r.label, r.facility.address if r.facility else "", r.group, r.updated_at]
            + [_cell(answers.get((r.pk, q.pk))) for q in plain]
        )
    sheets = [("回答", header, rows)]
    for q in questions:
        if q.kind != Question.Kind.ROWS:
            continue
        detail = []
        for r in respondents:
            for number, row in enumerate(answers.get((r.pk, q.pk)) or [], start=1):
                detail.append([r.label, number] + [row.get(c["key"], "") for c in q.columns])
        sheets.append((q.key[:31], ["回答者", "行"] + [c["label"] for c in q.columns], detail))
    return sheets


def table_sheets(survey, items, admission):
    """The result tables as shown in the public version (small counts as 「-」)."""
    rows = []
    for item in items:
        q = item["question"]
        if "rating" in item:
            rows.append([q.text, "", "", ""])
            rows += [["", label, _hidden(n), ""] for _point, label, n in item["rating"]]
            mean = item["mean"]
            rows.append(["", "平均", round(mean, 2) if mean is not None else XLSX_HIDDEN, ""])
        if "rows" in item:
            rows.append([q.text, "", "", ""])
            rows += [["", label, _hidden(n), _hidden(pct)] for label, n, pct in item["rows"]]
        for column in item.get("columns", []):
            rows.append([f"{q.text}：{column['label']}", "", "", ""])
            rows += [["", label, _hidden(n), _hidden(pct)] for label, n, pct in column["rows"]]
    sheets = [("集計表", ["質問", "選択肢", "件数", "割合（%）"], rows, {"title_rows": [str(survey)]})]
    if admission:
        sheets.append(
            (
                "連絡率",
                ["年度", "入院時連絡率（%）", "入院 分母", "退院時連絡率（%）", "退院 分母"],
                [
                    [
                        year,
                        *map(
                            _hidden,
                            (a.shown(True), a.total_shown(True), d.shown(True), d.total_shown(True)),
                        ),
                    ]
                    for year, a, d in admission["trend"]
                ],
            )
        )
        sheets.append(
            (
                "病院別",
                ["病院", "入院時連絡率（%）", "入院 分母", "退院時連絡率（%）", "退院 分母"],
                [
                    [
                        h,
                        *map(
                            _hidden,
                            (a.shown(True), a.total_shown(True), d.shown(True), d.total_shown(True)),
                        ),
                    ]
                    for h, a, d in admission["by_hospital"]
                ],
            )
        )
    return sheets


def chart_data(items, admission):
    charts = []
    for item in items:
        if "chart" in item:
            charts.append({"id": item["id"], "type": "bar", **item["chart"]})
        for column in item.get("columns", []):
            charts.append({"id": f"{item['id']}-{column['key']}", "type": "bar", **column["chart"]})
    data = {"charts": charts}
    if admission:
        data["trend"] = {
            "id": "chart-trend",
            "labels": [f"{year}年度" for year, _a, _d in admission["trend"]],
            "admission": [a.value for _y, a, _d in admission["trend"]],
            "discharge": [d.value for _y, _a, d in admission["trend"]],
        }
    return data
