"""A training event's survey, answered by its attendees through the event's link: it lives in the
survey engine (surveys.Survey with audience "event"); training's page shows it through the
coordination.extensions slot "event" and never imports surveys."""

import datetime
import io
import pathlib

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from surveys import results
from surveys.models import LinkThrottle, Question, Respondent, Survey
from tests.training.factories import at, make_event, make_survey
from training.models import AttendanceCount

pytestmark = pytest.mark.django_db


def _open_survey(event, **kwargs):
    now = timezone.now()
    survey = make_survey(event, **kwargs)
    survey.opens_at, survey.closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    survey.save()
    return survey


def answer_url(survey):
    return f"/surveys/l/{survey.link_token}/"


def answer(survey, data, address="192.0.2.20"):
    """One respondent: a browser of its own (a browser that answered is refused a second time)."""
    return Client(REMOTE_ADDR=address).post(answer_url(survey), data)


def test_rating_answers_are_tallied_as_hand_counted(cast):
    survey = _open_survey(make_event(cast.center1))
    q1, q2, q3 = survey.questions.all()
    answers = [(5, 4, "よかった"), (4, 4, ""), (5, 2, "時間が短い"), (3, None, ""), (5, 5, "")]
    for r1, r2, text in answers:
        data = {f"q{q1.pk}": r1, f"q{q3.pk}": text}
        if r2 is not None:
            data[f"q{q2.pk}"] = r2
        assert answer(survey, data).status_code == 200
    items = {i["question"].text: i for i in results.build(survey)}
    # Hand count: 満足度 5,4,5,3,5 → 1:0 2:0 3:1 4:1 5:3, mean 22/5 = 4.4; 理解度 4,4,2,5 → mean 3.75.
    assert [n for _p, _l, n in items["満足度"]["rating"]] == [0, 0, 1, 1, 3]
    assert items["満足度"]["mean"] == pytest.approx(4.4)
    assert [n for _p, _l, n in items["理解度"]["rating"]] == [0, 1, 0, 2, 1] and items["理解度"]["raw_n"] == 4
    assert items["理解度"]["mean"] == pytest.approx(3.75)
    assert items["感想"]["texts"] == ["よかった", "時間が短い"]


def test_results_page_counts_answers_over_the_attendees_and_the_tables_workbook(client_for, cast):
    event = make_event(cast.center1)
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=6)
    survey = _open_survey(event)
    q1 = survey.questions.first()
    for rating in (5, 4, 4):
        answer(survey, {f"q{q1.pk}": rating})
    staff = client_for("coordinator")
    page = staff.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert 'data-responses="3"' in page and 'data-response-rate="50.0"' in page  # 3 of 6 attendees
    assert 'id="surveys-chart-data"' in page and "chart.umd.min.js" in page
    section = page.split('data-question="満足度"', 1)[1].split("</section>", 1)[0]
    assert 'data-rating-count="4">2<' in section and 'data-rating-count="5">1<' in section
    assert "<span data-mean>4.33</span>" in section
    assert f"/surveys/l/{survey.link_token}/" in page.split("data-answer-link", 1)[0][-200:]
    ws = load_workbook(io.BytesIO(staff.get(f"/surveys/{survey.pk}/results/?format=tables").content))[
        "集計表"
    ]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    start = rows.index(("満足度", None, None, None)) if ("満足度", None, None, None) in rows else None
    assert start is not None, rows
    # Three answers, each point below the threshold of 5: the published tables show 「－」.
    assert rows[start + 4][1:3] == ("4", "－") and rows[start + 6][1:3] == ("平均", "－")


def test_a_closed_link_answers_410_and_an_unknown_one_404(client, cast):
    survey = _open_survey(make_event(cast.center1))
    q1 = survey.questions.first()
    survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    survey.save()
    response = client.post(answer_url(survey), {f"q{q1.pk}": 5})
    assert response.status_code == 410 and "終了しました" in response.content.decode()
    assert not survey.respondents.exists()
    assert client.get("/surveys/l/not-a-token/").status_code == 404


def test_a_required_rating_left_blank_saves_nothing(client, cast):
    survey = _open_survey(make_event(cast.center1))
    q1 = survey.questions.first()
    q1.required = True
    q1.save()
    response = client.post(answer_url(survey), {})
    assert response.status_code == 400 and "「満足度」に答えてください。" in response.content.decode()
    assert not survey.respondents.exists()


def test_an_event_survey_is_made_from_the_event_with_the_usual_questions(client_for, cast):
    event = make_event(cast.center1)
    client = client_for("coordinator")
    page = client.get(f"/surveys/event/{event.pk}/").content.decode()
    assert "研修の内容に満足しましたか" in page and 'value="2026-12-10T18:30"' in page
    bad = client.post(
        f"/surveys/event/{event.pk}/", {"opens_at": "2026-12-10T18:00", "closes_at": "2026-12-01T18:00"}
    )
    assert "回答受付終了は開始より後にしてください。" in bad.content.decode()
    assert not Survey.objects.exists()
    made = client.post(
        f"/surveys/event/{event.pk}/",
        {"opens_at": "2026-12-10T18:00", "closes_at": "2026-12-24T18:00", "anonymous": "on"},
    )
    survey = Survey.objects.get(event=event)
    assert made.url == f"/surveys/{survey.pk}/results/"
    assert (survey.audience, survey.center, survey.fiscal_year) == ("event", cast.center1, 2026)
    assert list(survey.questions.values_list("kind", flat=True)) == ["rating"] * 3 + ["long_text"]
    # A second visit goes to the survey the event has: one survey per event.
    assert client.get(f"/surveys/event/{event.pk}/").url == f"/surveys/{survey.pk}/"
    # Another center's coordinator cannot make one for this event.
    assert client_for("coordinator2").get(f"/surveys/event/{event.pk}/").status_code == 404


def test_a_public_lectures_survey_asks_residents_in_their_words_and_no_profession(client_for, cast):
    from training.models import Item

    lecture = make_event(cast.center1, title="市民公開講座", item=Item.PUBLIC)
    client = client_for("coordinator")
    assert (
        "家族や自分のこれからを考えるきっかけ" in client.get(f"/surveys/event/{lecture.pk}/").content.decode()
    )
    client.post(
        f"/surveys/event/{lecture.pk}/",
        {"opens_at": "2026-12-10T18:00", "closes_at": "2026-12-24T18:00", "anonymous": "on"},
    )
    survey = Survey.objects.get(event=lecture)
    texts = list(survey.questions.values_list("text", flat=True))
    assert "他職種の役割への理解が深まりましたか" not in texts and "講座の内容に満足しましたか" in texts
    survey.opens_at = timezone.now() - datetime.timedelta(days=1)
    survey.save()
    page = Client().get(f"/surveys/l/{survey.link_token}/").content.decode()
    assert "講座の内容に満足しましたか" in page and 'name="profession"' not in page


def test_the_answer_page_asks_the_profession_and_the_name_only_when_not_anonymous(client, cast):
    survey = _open_survey(make_event(cast.center1), anonymous=False)
    q3 = survey.questions.get(kind=Question.Kind.LONG_TEXT)
    answer(
        survey,
        {f"q{q3.pk}": "他の人の秘密の感想", "respondent_name": "匿名希望", "profession": cast.nurse.pk},
    )
    body = client.get(answer_url(survey)).content.decode()
    assert "他の人の秘密の感想" not in body and "匿名希望" not in body
    assert "氏名（任意）" in body and "職種" in body
    respondent = survey.respondents.get()
    assert (respondent.label, respondent.group) == ("匿名希望", "看護師")
    anonymous = _open_survey(make_event(cast.center1, title="無記名の研修"))
    assert "氏名（任意）" not in client.get(answer_url(anonymous)).content.decode()


def test_one_answer_per_browser(client, cast):
    survey = _open_survey(make_event(cast.center1))
    q1 = survey.questions.first()
    assert client.post(answer_url(survey), {f"q{q1.pk}": 5}).status_code == 200
    again = client.post(answer_url(survey), {f"q{q1.pk}": 1})
    assert "この端末からはすでに回答をいただいています" in again.content.decode()
    assert "回答を送信する" not in client.get(answer_url(survey)).content.decode()
    assert survey.respondents.count() == 1
    other = _open_survey(make_event(cast.center1, title="別の研修"))
    assert "回答を送信する" in client.get(answer_url(other)).content.decode()


def test_a_flood_of_answers_from_one_address_is_held_back(cast, settings):
    settings.SURVEY_ANSWER_LIMIT = 5
    # The windows start at whole multiples of their length: with the usual minute, twelve answers
    # on a slow machine could straddle two windows and the counter start again in the second.
    settings.SURVEY_ANSWER_WINDOW_SECONDS = 10**9
    survey = _open_survey(make_event(cast.center1))
    q1 = survey.questions.first()
    statuses = [answer(survey, {f"q{q1.pk}": 1}, address="198.51.100.9").status_code for _ in range(12)]
    assert statuses == [200] * 5 + [429] * 7
    assert survey.respondents.count() == 5
    assert "1分ほど待ってから" in answer(survey, {f"q{q1.pk}": 1}, address="198.51.100.9").content.decode()
    assert answer(survey, {f"q{q1.pk}": 4}, address="198.51.100.10").status_code == 200
    assert not LinkThrottle.objects.filter(client__contains="198.51").exists()


def test_results_by_profession_and_the_qr_code_on_the_event_sheet(client_for, cast):
    event = make_event(cast.center1)
    survey = _open_survey(event)
    q1 = survey.questions.first()
    for rating, prof in ((5, cast.nurse), (3, cast.nurse), (4, cast.care_manager), (2, None)):
        answer(survey, {f"q{q1.pk}": rating, "profession": prof.pk if prof else ""})
    staff = client_for("coordinator")
    page = staff.get(f"/surveys/{survey.pk}/results/").content.decode().replace('"', "")
    table = page.split("data-profession-question=満足度>", 1)[1].split("</table>", 1)[0]
    nurse = table.split("data-profession=看護師>", 1)[1].split("</tr>", 1)[0]
    assert "data-n>2<" in nurse and "data-mean>4.00<" in nurse
    assert "data-mean>4.00<" in table.split("data-profession=介護支援専門員>", 1)[1].split("</tr>", 1)[0]
    assert "data-mean>2.00<" in table.split("data-profession=職種の回答なし>", 1)[1].split("</tr>", 1)[0]
    assert table.index("介護支援専門員") < table.index("職種の回答なし")
    sheet = staff.get(f"/training/{event.pk}/").content.decode()
    qr = sheet.split("data-survey-qr>", 1)[1].split("</div>", 1)[0]
    assert 'src="data:image/svg+xml;base64,' in qr and f"/surveys/l/{survey.link_token}/" in qr
    assert 'data-survey-answers="4"' in sheet and f'href="/surveys/{survey.pk}/results/"' in sheet


def test_the_event_page_offers_to_make_the_survey_and_professionals_see_none_of_it(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    page = client_for("coordinator").get(f"/training/{event.pk}/").content.decode()
    assert f'href="/surveys/event/{event.pk}/"' in page and "アンケートを作成" in page
    make_survey(event)
    professional = client_for("professional").get(f"/training/{event.pk}/").content.decode()
    assert "data-event-survey-panel" not in professional and "data-survey-qr" not in professional


def test_a_co_hosting_centers_coordinator_reads_the_event_surveys_results(client_for, cast):
    event = make_event(cast.center1)
    survey = _open_survey(event)
    assert client_for("coordinator2").get(f"/surveys/{survey.pk}/results/").status_code == 404
    event.co_host_centers.set([cast.center2])
    assert client_for("coordinator2").get(f"/surveys/{survey.pk}/results/").status_code == 200
    assert client_for("coordinator2").get(f"/surveys/{survey.pk}/edit/").status_code == 200


def test_the_address_printed_on_earlier_event_sheets_forwards_to_the_survey(client, cast):
    survey = _open_survey(make_event(cast.center1))
    response = client.get(f"/training/survey/{survey.link_token}/")
    assert response.status_code == 301 and response.url == f"/surveys/l/{survey.link_token}/"
    assert "回答を送信する" in client.get(response.url).content.decode()


def test_the_engines_question_editor_offers_the_rating_kind(client_for, cast):
    survey = _open_survey(make_event(cast.center1))
    client = client_for("coordinator")
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {"key": "q9", "text": "講師の説明は分かりやすかったですか", "kind": "rating", "sort_order": 90},
    )
    assert survey.questions.get(key="q9").kind == Question.Kind.RATING
    assert answer(survey, {f"q{survey.questions.get(key='q9').pk}": 4}).status_code == 200
    assert Respondent.objects.get(survey=survey).answers.get().value == 4


def test_training_never_imports_surveys():
    """The lead's direction: surveys reads training (the event's attendees), never the reverse."""
    root = pathlib.Path(__file__).resolve().parents[2] / "training"
    offenders = [
        str(path)
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and any(
            line.lstrip().startswith(("from surveys", "import surveys"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_an_event_moved_after_its_survey_was_made_warns_on_its_page(client_for, cast):
    # The survey was made for 12/10 18:30 (its window 12/10 18:00〜12/24 18:00); the event moves.
    event = make_event(cast.center1, ends_at=at(2026, 12, 10, 20, 30))
    survey = make_survey(event)
    staff = client_for("coordinator")
    assert "data-survey-off-dates" not in staff.get(f"/training/{event.pk}/").content.decode()
    # to an earlier day: the window opens after the event has begun
    event.starts_at, event.ends_at = at(2026, 12, 3, 18, 30), at(2026, 12, 3, 20, 30)
    event.save()
    page = staff.get(f"/training/{event.pk}/").content.decode()
    warning = page.split("data-survey-off-dates>", 1)[1].split("</p>", 1)[0]
    assert "アンケートの受付期間（12/10 18:00〜）が研修の日時と合っていません。" in warning
    assert (
        f'<a href="/surveys/{survey.pk}/edit/#id_opens_at">アンケートの受付期間を直してください</a>'
        in warning
    )
    # to a later day: the window closes before the event ends
    event.starts_at, event.ends_at = at(2026, 12, 25, 18, 30), None
    event.save()
    page = staff.get(f"/training/{event.pk}/").content.decode()
    assert "アンケートの受付期間（〜12/24 18:00）が研修の日時と合っていません。" in page
    # a survey whose window takes in the new day says nothing
    survey.closes_at = at(2027, 1, 8, 18, 0)
    survey.save()
    survey.opens_at = at(2026, 12, 25, 18, 30)
    survey.save()
    assert "data-survey-off-dates" not in staff.get(f"/training/{event.pk}/").content.decode()
    edit = staff.get(f"/surveys/{survey.pk}/edit/").content.decode()
    assert 'id="id_opens_at"' in edit
