"""A survey's results: per question tables (and the data of their charts), the breakdown by
respondent group, the comparison with the same survey in earlier years (by question key), and
for the 入退院連絡調査 its two rates, by hospital and over the years.

Everything is computed from the answers of respondents who submitted, read in a fixed number of
queries. `public=True` is the version for anything made public: counts between 1 and
PUBLISH_SUPPRESS_BELOW - 1 become 「-」 (and so do the percentages made of them), so that a small
group cannot be recognised; where the hidden counts and the shown ones add up to a total on the
page, one more count is hidden (coordination.publishing.complete_hiding), so that no hidden count
is found by subtraction, and a mean that would let one be solved for goes too."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from coordination.publishing import SUPPRESSED, complete_hiding, hidden_in_group, suppress, threshold
from coordination.text import normalize
from surveys import presets
from surveys.models import Answer, Question, Survey, rate

HIDDEN = SUPPRESSED


def shown(n, public):
    """A count as it may be printed."""
    return suppress(n) if public else n


def group_shown(counts, public):
    """A group's counts as they may be printed (counts adding up to a total the page shows), the
    hidden positions and whether the total must be hidden too."""
    if not public:
        return list(counts), set(), False
    hidden, total_hidden = hidden_in_group(counts)
    return [HIDDEN if i in hidden else n for i, n in enumerate(counts)], hidden, total_hidden


def shown_rate(part, whole, public):
    if public and (0 < part < threshold() or 0 < whole - part < threshold() or whole < threshold()):
        return HIDDEN
    value = rate(part, whole)
    return HIDDEN if value is None else f"{value:.1f}"


@dataclass
class Table:
    """Rows of (label, count) over n; `groups` the same counts by respondent group."""

    n: int = 0
    counts: Counter = field(default_factory=Counter)
    groups: dict = field(default_factory=lambda: defaultdict(Counter))
    group_n: Counter = field(default_factory=Counter)


def _answers(survey_ids, question_filter=None):
    answers = Answer.objects.filter(
        respondent__survey_id__in=survey_ids, respondent__submitted_at__isnull=False
    ).order_by("respondent_id", "pk")
    if question_filter:
        answers = answers.filter(**question_filter)
    return answers.values_list(
        "respondent__survey_id", "question__key", "question_id", "value", "respondent__group"
    )


def _choice_table(question, values_groups):
    table = Table()
    for value, group in values_groups:
        picked = value if isinstance(value, list) else [value]
        table.n += 1
        table.group_n[group] += 1
        for choice in picked:
            table.counts[choice] += 1
            table.groups[group][choice] += 1
    return table


def build(survey, public=False, free_text=True):
    """The result page's content: [{"question", "kind", …}] in question order, plus `comparison`
    by key with earlier years of the series. Three queries (questions, answers, earlier answers),
    and the order of 職種 when the groups are 職種 (Survey.group_order).
    `free_text=False` leaves the texts out for a reader of the aggregates only (an official):
    free text may name people, as the answers one by one do."""
    questions = list(survey.questions.all())
    group_order = survey.group_order()
    by_question = defaultdict(list)
    for _survey_id, _key, question_id, value, group in _answers([survey.pk]):
        by_question[question_id].append((value, group or "その他"))
    earlier = list(survey.earlier().order_by("fiscal_year"))
    earlier_values = defaultdict(lambda: defaultdict(list))
    if earlier:
        for survey_id, key, _qid, value, group in _answers([s.pk for s in earlier]):
            earlier_values[key][survey_id].append((value, group))
    out = []
    for q in questions:
        answers = by_question.get(q.pk, [])
        item = {
            "question": q,
            "n": shown(len(answers), public),
            "raw_n": len(answers),
            "id": f"chart-q{q.pk}",
        }
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            table = _choice_table(q, answers)
            labels = list(q.choices) + [c for c in table.counts if c not in q.choices]
            hidden = _hidden_choices(q, table, labels, public)
            if hidden is None:
                item["n"] = HIDDEN
                hidden = _hidden_choices(q, table, labels, public, total=False)
            item["rows"] = [
                (label, HIDDEN, HIDDEN)
                if i in hidden
                else (
                    label,
                    shown(table.counts[label], public),
                    shown_rate(table.counts[label], table.n, public),
                )
                for i, label in enumerate(labels)
            ]
            item["chart"] = {"labels": labels, "counts": [table.counts[label] for label in labels]}
            groups = sorted(table.groups, key=group_order)
            item["group_header"] = groups
            item["group_rows"] = [
                (label, [shown(table.groups[g][label], public) for g in groups]) for label in labels
            ]
            item["group_n"] = [shown(table.group_n[g], public) for g in groups]
            if public and (hidden or any(HIDDEN in cells for _label, cells in item["group_rows"])):
                # Its rows add up to the counts above and its columns to the 回答数: with a count
                # hidden anywhere, the breakdown would give it back, so it is left out.
                item["group_header"] = item["group_rows"] = item["group_n"] = []
            item["years"] = _compare(q, earlier, earlier_values, labels, table, survey, public, hidden)
        elif q.kind == Question.Kind.RATING:
            item.update(_rating(answers, public, group_order))
            if item.pop("total_hidden"):
                item["n"] = HIDDEN
        elif q.kind == Question.Kind.NUMBER:
            numbers = [v for v, _ in answers if isinstance(v, (int, float))]
            # Too few answers for the public version: their sum or range could point at one
            # respondent, so they are withheld, and the page says so rather than that there are none.
            item["withheld"] = bool(numbers) and public and len(numbers) < threshold()
            item["stats"] = (
                {
                    "sum": sum(numbers),
                    "mean": sum(numbers) / len(numbers),
                    "min": min(numbers),
                    "max": max(numbers),
                }
                if numbers and not item["withheld"]
                else None
            )
        elif q.kind == Question.Kind.DATE:
            dates = sorted(v for v, _ in answers if isinstance(v, str))
            item["stats"] = {"min": dates[0], "max": dates[-1]} if dates else None
        elif q.kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
            # Free text may name people: never in the public version, nor for a reader of the
            # aggregates only (the page says so).
            texts = [] if public or not free_text else [v for v, _ in answers if v]
            if survey.answers_are_anonymous:
                # In the order they came, the n-th text of two questions would be one person's.
                texts.sort(key=lambda t: (normalize(str(t)), str(t)))
            item["texts"] = texts
            item["texts_withheld"] = not public and not free_text and any(v for v, _ in answers)
        elif q.kind == Question.Kind.MATRIX:
            counts = defaultdict(Counter)
            for value, _group in answers:
                for row, choice in (value or {}).items():
                    counts[row][choice] += 1
            item["matrix_header"] = list(q.choices)
            item["matrix_rows"] = []
            # Each row's counts add up to the respondents who answered it (the 回答数 when all did).
            for row in q.rows:
                cells, _hidden, total_hidden = group_shown([counts[row][c] for c in q.choices], public)
                item["matrix_rows"].append((row, cells))
                if total_hidden:
                    item["n"] = HIDDEN
        elif q.kind == Question.Kind.ROWS:
            item["columns"] = _rows_columns(q, answers, public)
            item["row_total"] = shown(sum(len(v or []) for v, _ in answers), public)
        out.append(item)
    return out


def _mean(values):
    return sum(values) / len(values) if values else None


def _hidden_choices(q, table, labels, public, total=True):
    """The positions of a choice question's hidden rows in the public version: the small counts
    and, for a single choice (its counts add up to its 回答数), their complement. None when the
    回答数 must be hidden as well (`total=False` asks for the positions alone)."""
    counts = [table.counts[label] for label in labels]
    if not public:
        return set()
    if q.kind != Question.Kind.SINGLE:
        # A respondent picks several: the counts add up to no number on the page.
        return {i for i, n in enumerate(counts) if shown(n, public) == HIDDEN}
    hidden, total_hidden = hidden_in_group(counts)
    return None if total_hidden and total else hidden


def _rating(answers, public, group_order):
    """A rating question: the count of each point of the scale, n and the mean, and the same by
    respondent group (an event's attendees by 職種). In the public version a mean over fewer than
    the threshold is left out like the counts it is made of. The points' counts add up to n and
    the mean weighs them, so with a count hidden the mean would solve for it and is left out, and
    so is one group's mean (the groups' means and sizes give the whole mean back); the groups'
    sizes add up to n too and are hidden with their complement, their means with them."""
    values = [(v, g) for v, g in answers if isinstance(v, int) and v in Question.SCALE]
    counts = Counter(v for v, _ in values)
    numbers = [v for v, _ in values]
    by_group = defaultdict(list)
    for v, g in values:
        by_group[g].append(v)

    def mean(vs):
        return None if not vs or (public and len(vs) < threshold()) else _mean(vs)

    point_counts, points_hidden, points_total_hidden = group_shown(
        [counts[p] for p in Question.SCALE], public
    )
    groups = sorted(by_group.items(), key=lambda kv: group_order(kv[0]))
    sizes, groups_hidden, groups_total_hidden = group_shown([len(vs) for _g, vs in groups], public)
    rating_groups = [
        (g, sizes[i], None if i in groups_hidden else mean(vs)) for i, (g, vs) in enumerate(groups)
    ]
    if points_hidden and all(m is not None for _g, _n, m in rating_groups) and rating_groups:
        smallest = min(range(len(groups)), key=lambda i: (len(groups[i][1]), i))
        g, n, _m = rating_groups[smallest]
        rating_groups[smallest] = (g, n, None)
    total_hidden = points_total_hidden or groups_total_hidden
    # Each point's share of those who answered, hidden with its count (and with the 回答数: a
    # share and its count give the 回答数 back).
    shares = [
        HIDDEN
        if point_counts[i] == HIDDEN or (public and total_hidden)
        else shown_rate(counts[p], len(numbers), public)
        for i, p in enumerate(Question.SCALE)
    ]
    # The points by group (an event's attendees by 職種), as a choice question's: a two-way table
    # whose margins are the points' counts and the groups' sizes, so in the public version it is
    # left out when any of it, or of those, is hidden.
    cells = [[sum(1 for v in vs if v == p) for _g, vs in groups] for p in Question.SCALE]
    breakdown_hidden = public and (
        points_hidden
        or groups_hidden
        or total_hidden
        or any(shown(n, public) == HIDDEN for row in cells for n in row)
    )
    return {
        "rating": [
            (point, Question.SCALE_LABELS[point], point_counts[i]) for i, point in enumerate(Question.SCALE)
        ],
        "rating_shares": shares,
        "group_header": [] if breakdown_hidden else [g for g, _vs in groups],
        "group_rows": []
        if breakdown_hidden
        else [(Question.SCALE_LABELS[p], cells[i]) for i, p in enumerate(Question.SCALE)],
        "group_n": [] if breakdown_hidden else [len(vs) for _g, vs in groups],
        "mean": None if points_hidden else mean(numbers),
        "rating_groups": rating_groups,
        "total_hidden": total_hidden,
        "chart": {
            "labels": [Question.SCALE_LABELS[p] for p in Question.SCALE],
            "counts": [counts[p] for p in Question.SCALE],
            "vertical": True,
        },
    }


def _compare(q, earlier, earlier_values, labels, table, survey, public, hidden_now=()):
    """This year's shares beside each earlier year's, for the question with the same key. A
    year's shares of a single choice add up to 100%, so a year hides the complement of its small
    shares like this year's table (`hidden_now`)."""
    if not earlier:
        return []
    years = []
    for past in earlier:
        answers = earlier_values[q.key].get(past.pk, [])
        if not answers:
            continue
        past_table = _choice_table(q, answers)
        years.append((past.fiscal_year, past_table))
    if not years:
        return []
    header = [y for y, _ in years] + [survey.fiscal_year]
    rows = []
    hidden = [_hidden_choices(q, t, labels, public, total=False) for _, t in years] + [set(hidden_now)]
    tables = [t for _, t in years] + [table]
    for i, label in enumerate(labels):
        cells = [
            HIDDEN if i in hidden[y] else shown_rate(t.counts[label], t.n, public)
            for y, t in enumerate(tables)
        ]
        rows.append((label, cells))
    return {"header": header, "rows": rows}


def _rows_columns(q, answers, public):
    counts = defaultdict(Counter)
    for value, _group in answers:
        for row in value or []:
            for column in q.columns:
                if row.get(column["key"]):
                    counts[column["key"]][row[column["key"]]] += 1
    out = []
    for column in q.columns:
        total = sum(counts[column["key"]].values())
        values = [counts[column["key"]][c] for c in column["choices"]]
        cells, hidden, total_hidden = group_shown(values, public)
        out.append(
            {
                "label": column["label"],
                "key": column["key"],
                "rows": [
                    (c, cells[i], HIDDEN if i in hidden else shown_rate(values[i], total, public))
                    for i, c in enumerate(column["choices"])
                ],
                "total": HIDDEN if total_hidden else shown(total, public),
                "chart": {
                    "labels": column["choices"],
                    "counts": [counts[column["key"]][c] for c in column["choices"]],
                },
            }
        )
    return out


# --- 入退院連絡調査 -----------------------------------------------------------------------------


@dataclass
class Rate:
    name: str
    yes: int
    total: int
    # Hidden in the public version although its own counts are not small (their complement).
    hidden: bool = False
    total_hidden: bool = False

    @property
    def value(self):
        return rate(self.yes, self.total)

    def shown(self, public):
        if public and (self.hidden or self.total_hidden):
            return HIDDEN
        return shown_rate(self.yes, self.total, public)

    def total_shown(self, public):
        return HIDDEN if public and self.total_hidden else shown(self.total, public)


def admission_rates(rows):
    """(入院時連絡率, 退院時連絡率) of client rows: 連絡した over 連絡した + しなかった (a row marked
    該当しない is neither)."""
    adm_yes = sum(1 for r in rows if r.get(presets.ADMISSION) == presets.ADMISSION_YES)
    adm_all = adm_yes + sum(1 for r in rows if r.get(presets.ADMISSION) == presets.ADMISSION_NO)
    dis_yes = sum(1 for r in rows if r.get(presets.DISCHARGE) == presets.DISCHARGE_YES)
    dis_all = dis_yes + sum(1 for r in rows if r.get(presets.DISCHARGE) == presets.DISCHARGE_NO)
    return Rate(presets.RATE_ADMISSION, adm_yes, adm_all), Rate(presets.RATE_DISCHARGE, dis_yes, dis_all)


def _client_rows(survey_ids):
    rows = defaultdict(list)
    for survey_id, _key, _qid, value, _group in _answers(
        survey_ids, {"question__key": presets.ADMISSION_ROWS_KEY, "question__kind": Question.Kind.ROWS}
    ):
        rows[survey_id].extend(r for r in value or [] if isinstance(r, dict))
    return rows


def admission_report(survey, public=False):
    """The rates, by hospital, and the trend over the series' years (this one included). Two
    queries. In the public version the hospitals' 件数 add up to the whole 件数 and their rates
    give back each one's 連絡した, which add up to the whole 連絡した: each hides the complement of
    what it hides (protect_hospitals)."""
    series = list(
        Survey.objects.of_series(survey.series_key)
        .filter(center_id=survey.center_id, fiscal_year__lte=survey.fiscal_year, template=survey.template)
        .order_by("fiscal_year")
    ) or [survey]
    if survey not in series:
        series.append(survey)
    rows = _client_rows([s.pk for s in series])
    mine = rows.get(survey.pk, [])
    by_hospital = defaultdict(list)
    for row in mine:
        by_hospital[row.get(presets.HOSPITAL, "")].append(row)
    rates = admission_rates(mine)
    hospitals = sorted(((h, *admission_rates(r)) for h, r in by_hospital.items()), key=lambda t: t[0])
    if public:
        for k in (0, 1):
            protect_hospitals(rates[k], [row[k + 1] for row in hospitals])
    # This year's row of the trend is the same rates as above, hidden alike.
    trend = [
        (s.fiscal_year, *(rates if s.pk == survey.pk else admission_rates(rows.get(s.pk, []))))
        for s in series
    ]
    return {"rates": rates, "by_hospital": hospitals, "trend": trend, "rows": len(mine)}


def protect_hospitals(whole, hospitals):
    """Complementary hiding over the hospitals' Rates of one kind (入院時 or 退院時): their 件数
    add up to the whole's, and a shown rate with its 件数 gives back the 連絡した, which add up to
    the whole's too."""
    hidden, total_hidden = complete_hiding(
        [r.total for r in hospitals], [i for i, r in enumerate(hospitals) if shown(r.total, True) == HIDDEN]
    )
    for i in hidden:
        hospitals[i].total_hidden = True
    if total_hidden:
        whole.total_hidden = True
    unknown = [i for i, r in enumerate(hospitals) if r.shown(True) == HIDDEN]
    hidden, _total_hidden = complete_hiding([r.yes for r in hospitals], unknown)
    for i in hidden:
        hospitals[i].hidden = True


def latest_rates(series_key, center_id=None):
    """The latest 入退院連絡調査 of a series with answers: (survey, 入院時, 退院時) or None (for a
    rule document's page)."""
    for survey in (
        Survey.objects.of_series(series_key)
        .filter(template=Survey.Template.ADMISSION)
        .order_by("-fiscal_year", "-pk")[:5]
    ):
        rows = _client_rows([survey.pk]).get(survey.pk)
        if rows:
            return (survey, *admission_rates(rows))
    return None
