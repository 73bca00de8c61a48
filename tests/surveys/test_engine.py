"""The survey engine: every question kind answered through the page and tallied, skip logic, one
answer per link editable until the close, the open link, response rates, reminders, the command."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from surveys import results
from surveys.forms import QuestionForm
from surveys.models import Answer, Question, Respondent, Survey
from tests.surveys.factories import answered, make_survey, question, respondent

K = Question.Kind


@pytest.fixture
def every_kind(cast):
    s = make_survey(cast.center1)
    qs = {
        "single": question(s, "single", choices=["はい", "いいえ"], required=True),
        "multiple": question(s, "multiple", K.MULTIPLE, choices=["電話", "FAX", "訪問"]),
        "number": question(s, "number", K.NUMBER),
        "date": question(s, "date", K.DATE),
        "short": question(s, "short", K.SHORT_TEXT),
        "long": question(s, "long", K.LONG_TEXT),
        "matrix": question(
            s, "matrix", K.MATRIX, choices=["連絡した", "しなかった"], rows=["A病院", "B病院"]
        ),
    }
    return s, qs


def post_answers(client, r, data):
    return client.post(reverse("surveys:answer", args=[r.token]), data)


def test_each_question_kind_is_answered_on_the_page_and_tallied(every_kind, client):
    s, q = every_kind
    r1, r2 = respondent(s, label="一"), respondent(s, label="二", group="地域包括支援センター")
    page = client.get(reverse("surveys:answer", args=[r1.token]))
    assert page.status_code == 200 and "A病院" in page.content.decode()
    ok = post_answers(
        client,
        r1,
        {
            f"q{q['single'].pk}": "はい",
            f"q{q['multiple'].pk}": ["電話", "訪問"],
            f"q{q['number'].pk}": "3",
            f"q{q['date'].pk}": "2026-10-01",
            f"q{q['short'].pk}": " 短い答え ",
            f"q{q['long'].pk}": "長い\n答え",
            f"q{q['matrix'].pk}_m0": "連絡した",
            f"q{q['matrix'].pk}_m1": "しなかった",
        },
    )
    assert ok.status_code == 200 and "回答を受け付けました" in ok.content.decode()
    post_answers(
        client,
        r2,
        {f"q{q['single'].pk}": "いいえ", f"q{q['multiple'].pk}": ["電話"], f"q{q['number'].pk}": "2.5"},
    )
    values = {
        a.question.key: a.value for a in Answer.objects.filter(respondent=r1).select_related("question")
    }
    assert values == {
        "single": "はい",
        "multiple": ["電話", "訪問"],
        "number": 3,
        "date": "2026-10-01",
        "short": "短い答え",
        "long": "長い\n答え",
        "matrix": {"A病院": "連絡した", "B病院": "しなかった"},
    }
    by_key = {item["question"].key: item for item in results.build(s)}
    assert by_key["single"]["rows"] == [("はい", 1, "50.0"), ("いいえ", 1, "50.0")]
    assert by_key["single"]["group_header"] == ["地域包括支援センター", "居宅介護支援事業所"]
    assert by_key["multiple"]["rows"][0] == ("電話", 2, "100.0")
    assert by_key["number"]["stats"]["sum"] == 5.5
    assert by_key["date"]["stats"] == {"min": "2026-10-01", "max": "2026-10-01"}
    assert by_key["long"]["texts"] == ["長い\n答え"]
    assert by_key["matrix"]["matrix_rows"] == [("A病院", [1, 0]), ("B病院", [0, 1])]


def test_a_required_question_left_empty_and_a_bad_number_are_named_and_nothing_is_saved(every_kind, client):
    s, q = every_kind
    r = respondent(s)
    page = post_answers(client, r, {f"q{q['number'].pk}": "たくさん"})
    assert page.status_code == 400
    text = page.content.decode()
    assert f"「{q['single'].text}」に答えてください" in text
    assert "数値を入力してください" in text or "数字" in text
    assert not Answer.objects.exists()
    r.refresh_from_db()
    assert r.submitted_at is None


def test_skip_logic_keeps_a_dependent_answer_only_when_its_condition_holds(cast, client):
    s = make_survey(cast.center1)
    had = question(s, "had", choices=["いた", "いなかった"], required=True)
    how_many = question(s, "how_many", K.NUMBER, required=True, show_if_question=had, show_if_value="いた")
    r = respondent(s)
    # Not applying: the number typed anyway is not kept, and its being required does not apply.
    post_answers(client, r, {f"q{had.pk}": "いなかった", f"q{how_many.pk}": "4"})
    assert dict(r.answers.values_list("question__key", "value")) == {"had": "いなかった"}
    # Applying: now it is required.
    page = post_answers(client, r, {f"q{had.pk}": "いた"})
    assert page.status_code == 400 and f"「{how_many.text}」に答えてください" in page.content.decode()
    post_answers(client, r, {f"q{had.pk}": "いた", f"q{how_many.pk}": "4"})
    assert dict(r.answers.values_list("question__key", "value")) == {"had": "いた", "how_many": 4}


def test_skip_logic_is_one_level_and_names_a_choice_of_the_condition(cast):
    s = make_survey(cast.center1)
    a = question(s, "a", choices=["はい", "いいえ"])
    b = question(s, "b", choices=["x", "y"], show_if_question=a, show_if_value="はい")
    form = QuestionForm(
        {
            "key": "c",
            "text": "c",
            "kind": "single",
            "sort_order": 3,
            "choices_text": "p\nq",
            "show_if_question": b.pk,
            "show_if_value": "x",
        },
        survey=s,
    )
    assert not form.is_valid()  # b has a condition itself, so it is not offered as one
    form = QuestionForm(
        {
            "key": "c",
            "text": "c",
            "kind": "single",
            "sort_order": 3,
            "choices_text": "p\nq",
            "show_if_question": a.pk,
            "show_if_value": "たぶん",
        },
        survey=s,
    )
    assert not form.is_valid() and "選択肢から選んでください" in str(form.errors["show_if_value"])


def test_a_blank_answer_is_refused_and_does_not_use_the_link(cast, client):
    s = make_survey(cast.center1)
    yes_no = question(s, "q", choices=["はい", "いいえ"])
    r = respondent(s)
    page = post_answers(client, r, {}).content.decode()
    assert "どの質問にも回答がありません" in page
    r.refresh_from_db()
    assert r.submitted_at is None and not Answer.objects.exists()
    post_answers(client, r, {f"q{yes_no.pk}": "はい"})
    r.refresh_from_db()
    assert r.submitted_at is not None


def test_one_answer_per_link_editable_until_the_close_then_refused(cast, client):
    s = make_survey(cast.center1)
    yes_no = question(s, "q", choices=["はい", "いいえ"])
    r = respondent(s)
    post_answers(client, r, {f"q{yes_no.pk}": "はい"})
    post_answers(client, r, {f"q{yes_no.pk}": "いいえ"})
    assert list(Answer.objects.values_list("value", flat=True)) == ["いいえ"]
    r.refresh_from_db()
    first = r.submitted_at
    assert first is not None and r.updated_at >= first
    s.closes_at = s.opens_at.replace(year=2021)
    s.save()
    closed = post_answers(client, r, {f"q{yes_no.pk}": "はい"})
    assert closed.status_code == 410
    assert list(Answer.objects.values_list("value", flat=True)) == ["いいえ"]


def test_choices_and_order_are_locked_after_the_first_answer(cast):
    s = make_survey(cast.center1)
    q = question(s, "q", choices=["はい", "いいえ"])
    answered(s, {"q": "はい"})
    form = QuestionForm(
        {"key": "other", "text": "言い換えた質問", "kind": "number", "sort_order": 99, "choices_text": "a"},
        instance=q,
        survey=s,
    )
    assert form.is_valid(), form.errors
    form.save()
    q.refresh_from_db()
    assert (q.text, q.key, q.kind, q.sort_order, q.choices) == (
        "言い換えた質問",
        "q",
        "single",
        1,
        ["はい", "いいえ"],
    )
    new = QuestionForm({"key": "n", "text": "n", "kind": "single", "sort_order": 5}, survey=s)
    assert not new.is_valid()


def test_open_link_one_answer_per_browser_and_rate_limited_per_address(cast, client, settings):
    settings.SURVEY_ANSWER_LIMIT = 2
    s = make_survey(cast.center1, audience=Survey.Audience.LINK)
    q = question(s, "q", choices=["はい", "いいえ"])
    url = reverse("surveys:answer_link", args=[s.link_token])
    assert client.post(url, {f"q{q.pk}": "はい"}).status_code == 200
    again = client.post(url, {f"q{q.pk}": "はい"})
    assert "すでに回答" in again.content.decode()
    assert Respondent.objects.filter(survey=s).count() == 1
    from django.test import Client

    assert Client().post(url, {f"q{q.pk}": "いいえ"}).status_code == 200
    assert Client().post(url, {f"q{q.pk}": "いいえ"}).status_code == 429
    assert Respondent.objects.filter(survey=s).count() == 2


def test_response_rate_by_group_on_the_survey_page(cast, client_for):
    s = make_survey(cast.center1)
    question(s, "q", choices=["はい"])
    answered(s, {"q": "はい"}, group="居宅介護支援事業所")
    answered(s, {"q": "はい"}, group="居宅介護支援事業所")
    respondent(s, group="居宅介護支援事業所")
    answered(s, {"q": "はい"}, group="病院")
    respondent(s, group="病院")
    respondent(s, group="病院")
    respondent(s, group="病院")
    text = client_for("coordinator").get(reverse("surveys:detail", args=[s.pk])).content.decode()
    assert 'data-response-rate="42.9"' in text  # 3 of 7
    assert 'data-group-rate="66.7"' in text and 'data-group-rate="25.0"' in text


def test_facility_audience_by_kind_and_area_and_reminders(cast, client_for):
    from tests.resources.factories import make_facility

    s = make_survey(cast.center1)
    question(s, "q", choices=["はい"])
    east = make_facility("東ケアプラン", kind_code="care-management", area=cast.ward1)
    make_facility("西ケアプラン", kind_code="care-management", area=cast.ward2)
    make_facility("東クリニック", kind_code="clinic", area=cast.ward1)
    c = client_for("coordinator")
    kind = east.kind
    c.post(reverse("surveys:audience", args=[s.pk]), {"kinds": [kind.pk], "area": cast.ward1.pk})
    c.post(
        reverse("surveys:audience", args=[s.pk]), {"kinds": [kind.pk], "area": cast.ward1.pk}
    )  # twice: once
    assert list(s.respondents.values_list("label", "group")) == [("東ケアプラン", "居宅介護支援事業所")]
    out = io.StringIO()
    call_command("survey_links", s.pk, "--base-url", "https://portal.example.jp", stdout=out)
    token = s.respondents.get().token
    assert out.getvalue() == f"東ケアプラン, https://portal.example.jp/surveys/r/{token}/\n"
    page = c.get(reverse("surveys:audience", args=[s.pk])).content.decode()
    assert f'href="/surveys/r/{token}/" data-respondent-link>http://testserver/surveys/r/{token}/<' in page
    assert "manage.py" not in page
    # Professionals get an email; the facility stays on the printable list.
    cast.professional.email = "cm@example.jp"
    cast.professional.save()
    s2 = make_survey(cast.center1, audience=Survey.Audience.PROFESSIONALS)
    c.post(reverse("surveys:audience", args=[s2.pk]), {})
    assert s2.respondents.get().user == cast.professional
    c.post(reverse("surveys:reminders", args=[s2.pk]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cm@example.jp"]
    assert s2.respondents.get().token in mail.outbox[0].body
    listing = c.get(reverse("surveys:reminders", args=[s.pk])).content.decode()
    assert "東ケアプラン" in listing and token in listing


def test_small_counts_are_a_dash_in_the_public_version(cast, client_for, settings):
    settings.PUBLISH_SUPPRESS_BELOW = 5
    s = make_survey(cast.center1)
    question(s, "q", choices=["はい", "いいえ"])
    for _ in range(6):
        answered(s, {"q": "はい"})
    answered(s, {"q": "いいえ"})
    staff = {i["question"].key: i for i in results.build(s)}["q"]["rows"]
    public = {i["question"].key: i for i in results.build(s, public=True)}["q"]["rows"]
    assert staff == [("はい", 6, "85.7"), ("いいえ", 1, "14.3")]
    # 7 answered: a shown 6 would give the hidden 1 back, so it is hidden too.
    assert public == [("はい", "-", "-"), ("いいえ", "-", "-")]
    page = (
        client_for("official").get(reverse("surveys:results", args=[s.pk]) + "?view=public").content.decode()
    )
    assert '<td class="num" data-count>-</td>' in page


def test_year_over_year_comparison_follows_the_question_key(cast):
    last = make_survey(cast.center1, year=2025, series_key="cm-survey")
    question(last, "contact", text="昨年の言い方", choices=["はい", "いいえ"])
    answered(last, {"contact": "はい"})
    answered(last, {"contact": "いいえ"})
    this = make_survey(cast.center1, year=2026, series_key="cm-survey")
    question(this, "contact", text="今年の言い方", choices=["はい", "いいえ"])
    answered(this, {"contact": "はい"})
    other = make_survey(cast.center2, year=2025, series_key="cm-survey")  # another center's: not compared
    question(other, "contact", choices=["はい", "いいえ"])
    answered(other, {"contact": "いいえ"})
    years = results.build(this)[0]["years"]
    assert years == {
        "header": [2025, 2026],
        "rows": [("はい", ["50.0", "100.0"]), ("いいえ", ["50.0", "0.0"])],
    }


def test_survey_list_keeps_its_queries(cast, client_for, django_assert_num_queries):
    for i in range(3):
        s = make_survey(cast.center1, title=f"調査{i}")
        respondent(s)
    c = client_for("coordinator")
    with django_assert_num_queries(4):  # session, user, count, page
        page = c.get(reverse("surveys:index"))
    assert page.content.decode().count("data-survey=") == 3


def test_a_professional_sees_the_surveys_asking_them(cast, client_for):
    s = make_survey(cast.center1, title="ケアマネ調査")
    respondent(s, kind=Respondent.Kind.PROFESSIONAL, user=cast.professional, label="professional")
    make_survey(cast.center1, title="ほかの調査")
    text = client_for("professional").get(reverse("surveys:index")).content.decode()
    assert "ケアマネ調査" in text and "ほかの調査" not in text


def test_a_professionals_survey_list_keeps_its_queries(cast, client_for, django_assert_num_queries):
    for i in range(3):
        s = make_survey(cast.center1, title=f"ケアマネ調査{i}")
        respondent(s, kind=Respondent.Kind.PROFESSIONAL, user=cast.professional, label="professional")
    c = client_for("professional")
    with django_assert_num_queries(3):  # session, user, the respondents with their surveys
        page = c.get(reverse("surveys:index"))
    assert page.content.decode().count("data-respondent=") == 3


def test_a_ward_official_reads_only_the_surveys_of_the_wards_centers_and_the_citys(cast, client):
    from coordination.models import Role, User

    mine, other, city = (
        make_survey(cast.center2, title="西区の調査"),
        make_survey(cast.center1, title="東区の調査"),
        make_survey(None, title="市の調査"),
    )
    official = User.objects.create_user("west-official", password="x", role=Role.OFFICIAL, ward=cast.ward2)
    client.force_login(official)
    listed = client.get("/surveys/").content.decode()
    assert "西区の調査" in listed and "市の調査" in listed and "東区の調査" not in listed
    assert client.get(f"/surveys/{mine.pk}/results/").status_code == 200
    assert client.get(f"/surveys/{city.pk}/results/").status_code == 200
    for suffix in ("results/", "results/?format=raw", "results/?format=tables"):
        assert client.get(f"/surveys/{other.pk}/{suffix}").status_code == 404, suffix


# --- 識別名 and シリーズ made for the user ---------------------------------------------------------


def _no_english(text):
    import re

    return not re.search(r"[A-Za-z]{4,}", text)


def test_a_question_left_without_a_key_gets_the_next_q_number_and_a_typed_one_is_checked_in_japanese(
    client_for, cast
):
    s = make_survey(cast.center1)
    question(s, "q1", choices=["はい", "いいえ"])
    client = client_for("coordinator")
    data = {"text": "満足度はいかがですか", "kind": "single", "sort_order": 20, "choices_text": "高い\n低い"}
    client.post(f"/surveys/{s.pk}/questions/new/", data)
    assert list(s.questions.values_list("key", flat=True)) == ["q1", "q2"]
    japanese = client.post(f"/surveys/{s.pk}/questions/new/", {**data, "key": "満足度"})
    errors = japanese.content.decode().split('class="errorlist', 1)[1].split("</ul>", 1)[0]
    assert "識別名は半角の英字・数字" in errors and "slug" not in japanese.content.decode().lower()
    assert _no_english(errors.split(">", 1)[1])
    twice = client.post(f"/surveys/{s.pk}/questions/new/", {**data, "key": "q1"})
    assert "この識別名は、この調査のほかの質問で使われています" in twice.content.decode()
    assert s.questions.count() == 2


def test_a_new_series_gets_an_ascii_name_from_its_year_and_the_next_year_picks_it_by_title(client_for, cast):
    client = client_for("coordinator")
    data = {
        "title": "ケアマネジャー連携アンケート",
        "fiscal_year": 2025,
        "series_key": "new",
        "opens_at": "2025-10-01T09:00",
        "closes_at": "2025-10-31T17:00",
        "audience": "facilities",
    }
    client.post("/surveys/new/", data)
    client.post("/surveys/new/", {**data, "title": "訪問看護との連携アンケート"})
    first, second = Survey.objects.order_by("pk")
    assert (first.series_key, second.series_key) == ("s2025-1", "s2025-2")
    form = client.get("/surveys/new/").content.decode()
    assert '<option value="s2025-1">ケアマネジャー連携アンケート（2025年度まで）</option>' in form
    client.post("/surveys/new/", {**data, "fiscal_year": 2026, "series_key": "s2025-1"})
    assert list(Survey.objects.get(fiscal_year=2026).earlier()) == [first]
