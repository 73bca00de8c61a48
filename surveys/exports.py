"""XLSX of a survey (raw answers, the tables) and the data of its charts."""

import re

from coordination.publishing import SUPPRESSED_IN_SHEETS
from surveys.models import Answer, Question, Respondent
from surveys.results import HIDDEN, threshold

# A hidden count in a workbook: the formula-safe writer would print a bare 「-」 as 「'-」.
XLSX_HIDDEN = SUPPRESSED_IN_SHEETS
AUTOMATIC_LINK_LABEL = re.compile(r"リンクからの回答 \d+")


def _hidden(value):
    return XLSX_HIDDEN if value == HIDDEN else value


def _cell(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {v}" for k, v in value.items())
    return value


def respondent_labels(survey, respondents):
    """{respondent id: how the answers one by one name it}: a facility or professional by its
    name; an answer by the open link by the name the attendee gave on a survey that is not 無記名,
    else plainly 「回答 1」, 「回答 2」… in the order the answers came."""
    labels, number = {}, 0
    for r in sorted(respondents, key=lambda r: r.pk):
        if r.kind != Respondent.Kind.LINK:
            labels[r.pk] = r.label
            continue
        number += 1
        # Earlier link answers were stored with 「リンクからの回答 <id>」 in place of a name.
        named = r.label and not AUTOMATIC_LINK_LABEL.fullmatch(r.label) and not survey.anonymous
        labels[r.pk] = r.label if named else f"回答 {number}"
    return labels


def raw_sheets(survey):
    """One row per respondent who answered (client rows on a sheet of their own), for the
    survey's managers only (SurveyQuerySet.answers_readable_by). Three queries."""
    questions = list(survey.questions.all())
    answers = {}
    for respondent_id, question_id, value in Answer.objects.filter(
        respondent__survey=survey, respondent__submitted_at__isnull=False
    ).values_list("respondent_id", "question_id", "value"):
        answers[(respondent_id, question_id)] = value
    by_link = survey.answers_by_link
    respondents = list(
        survey.respondents.answered()
        .select_related("facility")
        # Link answers in the order they came (回答 1, 2 …), the others by group and name.
        .order_by(*(("pk",) if by_link else ("group", "label", "pk")))
    )
    labels = respondent_labels(survey, respondents)
    plain = [q for q in questions if q.kind != Question.Kind.ROWS]
    # 住所: two facilities of one name (two みどりショートステイ) are told apart by it; a survey
    # answered by link has none, and no empty column.
    with_address = any(r.facility_id and r.facility and r.facility.address for r in respondents)
    header = ["回答者", *(["住所"] if with_address else []), "区分", "回答日時"] + [q.text for q in plain]
    rows = []
    for r in respondents:
        address = [r.facility.address if r.facility else ""] if with_address else []
        rows.append(
            # 回答日時 stays a moment: the writer puts it in Japan time (coordination.exports).
            [labels[r.pk], *address, r.group, r.updated_at]
            + [_cell(answers.get((r.pk, q.pk))) for q in plain]
        )
    sheets = [("回答", header, rows)]
    for q in questions:
        if q.kind != Question.Kind.ROWS:
            continue
        detail = []
        for r in respondents:
            for number, row in enumerate(answers.get((r.pk, q.pk)) or [], start=1):
                detail.append([labels[r.pk], number] + [row.get(c["key"], "") for c in q.columns])
        sheets.append((q.key[:31], ["回答者", "行"] + [c["label"] for c in q.columns], detail))
    return sheets


def _share(pct):
    """A share as results gives it (「66.7」 or the mark) as the workbook's cell: a number, so
    that a coordinator's 報告書 can chart and add it, shown with one decimal (SHARE_FORMAT)."""
    return XLSX_HIDDEN if pct == HIDDEN or pct is None else float(pct)


SHARE_FORMAT = "0.0"
ANSWERED = "回答者数"
WITHHELD_BREAKDOWN = "件数の少ない区分が特定されないよう、公開用には載せていません"


def _question_label(q):
    # The shares of a multiple choice add up to more than 100%: the 報告書 says 複数回答.
    return f"{q.text}（複数回答）" if q.kind == Question.Kind.MULTIPLE else q.text


def _count_rows(items, every_kind=False):
    """The lines of the 集計表: each choice and rating question's counts, 割合 and 回答者数, a
    利用者ごとの記録's columns; `every_kind` adds the other questions' figures as the results page
    gives them (matrix, number, date, the number of free texts)."""
    rows = []
    for item in items:
        q = item["question"]
        if "rating" in item:
            rows.append([q.text, "", "", ""])
            rows += [
                ["", label, _hidden(n), _share(pct)]
                for (_point, label, n), pct in zip(item["rating"], item["rating_shares"], strict=True)
            ]
            mean = item["mean"]
            rows.append(["", "平均", round(mean, 2) if mean is not None else XLSX_HIDDEN, ""])
            rows.append(["", ANSWERED, _hidden(item["n"]), ""])
        if "rows" in item:
            rows.append([_question_label(q), "", "", ""])
            rows += [["", label, _hidden(n), _share(pct)] for label, n, pct in item["rows"]]
            rows.append(["", ANSWERED, _hidden(item["n"]), ""])
        for column in item.get("columns", []):
            rows.append([f"{q.text}：{column['label']}", "", "", ""])
            rows += [["", label, _hidden(n), _share(pct)] for label, n, pct in column["rows"]]
        if every_kind:
            rows += _other_rows(item)
    return rows


def _other_rows(item):
    """The results page's figures of the questions the 集計表 leaves out (matrix, number, date,
    free text), as lines of the same table."""
    q = item["question"]
    if "matrix_rows" in item:
        rows = []
        for row, cells in item["matrix_rows"]:
            rows.append([f"{q.text}：{row}", "", "", ""])
            rows += [
                ["", label, _hidden(n), ""] for label, n in zip(item["matrix_header"], cells, strict=True)
            ]
        return rows + [["", ANSWERED, _hidden(item["n"]), ""]]
    stats = item.get("stats")
    if q.kind == Question.Kind.NUMBER:
        lines = (("合計", "sum"), ("平均", "mean"), ("最小", "min"), ("最大", "max")) if stats else ()
        return [
            [q.text, "", "", ""],
            *(["", label, round(stats[key], 2), ""] for label, key in lines),
            ["", ANSWERED, _hidden(item["n"]), ""],
        ]
    if q.kind == Question.Kind.DATE:
        lines = (("最も早い", "min"), ("最も遅い", "max")) if stats else ()
        return [
            [q.text, "", "", ""],
            *(["", label, stats[key], ""] for label, key in lines),
            ["", ANSWERED, _hidden(item["n"]), ""],
        ]
    if q.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        return [
            [q.text, "", "", ""],
            ["", f"自由記述（「{FREE_TEXT_SHEET}」のシート）", len(item.get("texts", [])), ""],
        ]
    return []


FREE_TEXT_SHEET = "自由記述"
ANONYMOUS_NOTE = "無記名のため、一人ずつの回答は載せていません（件数と自由記述のみ）"


def anonymous_sheets(survey, items):
    """The answers workbook of a 無記名 survey answered by its open link
    (Survey.answers_are_anonymous): what the results page shows its staff, never a row per
    respondent. The counts of every question (and by 職種 for an event's survey), and the free
    text on a sheet of its own, each question's texts sorted (results.build), so that no line of
    one question can be matched with a line of another as one person's. `items`: results.build
    with every count (public=False) and the free text."""
    sheets = [
        (
            "集計",
            ["質問", "選択肢", "件数", "割合（%）"],
            _count_rows(items, every_kind=True),
            {"title_rows": [f"{survey}　回答の集計　{ANONYMOUS_NOTE}"], "number_formats": {3: SHARE_FORMAT}},
        )
    ]
    if survey.groups_are_professions:
        sheets.append(_by_profession_sheet(survey, items, ANONYMOUS_NOTE, public=False))
    texts = [[item["question"].text, t] for item in items for t in item.get("texts", [])]
    if texts:
        sheets.append(
            (
                FREE_TEXT_SHEET,
                ["質問", "回答"],
                texts,
                {
                    "title_rows": [
                        f"{survey}　自由記述（質問ごとに並べ替えてあり、行どうしは結びつきません）"
                    ],
                    "widths": [30, 80],
                },
            )
        )
    return sheets


def table_sheets(survey, items, admission, public=True):
    """The result tables: the public version (small counts as 「－」, `items` and `admission` built
    public) or, with public=False, the internal one with every count, for the center's partners.
    The version is said in the sheet's first line, as in the file's name. Each choice and rating
    question has its counts, their 割合 (% of those who answered it) and its 回答者数; a survey
    whose respondents' groups are 職種 has the same counts by 職種 on a sheet of its own."""
    rows = _count_rows(items)
    version = (
        f"公開用（{threshold()}件未満の件数などは「－」）"
        if public
        else "内部用（件数をそのまま載せています。公表するときは公開用を使ってください）"
    )
    sheets = [
        (
            "集計表",
            ["質問", "選択肢", "件数", "割合（%）"],
            rows,
            {"title_rows": [f"{survey}　集計表 {version}"], "number_formats": {3: SHARE_FORMAT}},
        )
    ]
    if survey.groups_are_professions:
        sheets.append(_by_profession_sheet(survey, items, version, public))
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
                            (a.shown(public), a.total_shown(public), d.shown(public), d.total_shown(public)),
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
                            (a.shown(public), a.total_shown(public), d.shown(public), d.total_shown(public)),
                        ),
                    ]
                    for h, a, d in admission["by_hospital"]
                ],
            )
        )
    return sheets


def _total(cells):
    return XLSX_HIDDEN if HIDDEN in cells else sum(cells)


def _by_profession_sheet(survey, items, version, public):
    """職種別: each choice and rating question's counts by the respondents' 職種 (one column each,
    who gave none last), with each 職種's 回答者数 (and a rating's 平均). The public version leaves a
    question's breakdown out where the result page does (results.build: any of it hidden)."""
    questions = [i for i in items if "rating" in i or "rows" in i]
    groups = sorted({g for i in questions for g in i["group_header"]}, key=survey.group_order())
    rows = []
    for item in questions:
        q = item["question"]
        if not item["group_header"]:
            if item["raw_n"]:
                rows.append([_question_label(q), WITHHELD_BREAKDOWN])
            continue
        column = {g: i for i, g in enumerate(item["group_header"])}

        def by_group(cells, column=column):
            return [_hidden(cells[column[g]]) if g in column else 0 for g in groups]

        rows.append([_question_label(q)])
        for label, cells in item["group_rows"]:
            rows.append(["", label, *by_group(cells), _total(cells)])
        if "rating" in item:
            means = {g: m for g, _n, m in item["rating_groups"]}
            rows.append(
                ["", "平均", *(round(means[g], 2) if means.get(g) is not None else "" for g in groups), ""]
            )
        rows.append(["", ANSWERED, *by_group(item["group_n"]), _total(item["group_n"])])
    return (
        "職種別",
        ["質問", "選択肢", *groups, "合計"] if groups else ["質問", "選択肢"],
        rows,
        {"title_rows": [f"{survey}　職種別の集計 {version}"], "orientation": "landscape"},
    )


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
