"""A round's letters printed at once (/resources/rounds/<id>/letters/): one A4 sheet for each
facility without an email address (?all=1: every facility), each naming its sending center and
showing what the directory holds now, so that a facility answering by FAX sees what to correct.
Opening or printing them sends nothing: the coordinator records them as sent with the page's
button (a POST), and only then does the round page count them as 送付済."""

import datetime
import re

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from resources import update_views
from resources.models import ConfirmationRound, ContactWindow, Facility, UpdateLink
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def _round(client, cast):
    make_facility("紙の医院", area=cast.ward1, phone="093-111-1111", fax="093-111-2222", address="東区1-1")
    make_facility("メールの医院", area=cast.ward1, contact_email="mail@example.jp")
    client.post("/resources/rounds/", {"name": "2026年度", "kind": "", "area": "", "remind_after_days": "21"})
    return ConfirmationRound.objects.get()


def _posted_ids(html):
    """The link ids the batch's 「送付済みにする」 form would post."""
    form = html[html.index("data-mark-sent") :].split("</form>", 1)[0]
    return re.findall(r'name="link" value="(\d+)"', form)


def _unsent_count(client, round_):
    page = client.get(f"/resources/rounds/{round_.pk}/").content.decode()
    return int(re.search(r'data-count="unsent">(\d+)<', page).group(1))


def test_the_batch_prints_the_letters_of_the_facilities_without_email(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    page = client.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "手紙をまとめて印刷する（メールアドレスのない施設 1通、うち未送付 1通）" in page
    html = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    assert html.count("data-letter=") == 1 and "紙の医院" in html and "メールの医院" not in html
    entry = html.split("いま名簿に載っている内容", 1)[1].split("</section>", 1)[0]
    assert "東区1-1" in entry and "093-111-1111" in entry and "093-111-2222" in entry
    assert 'data-sending-center="C01"' in html and "<svg" in html
    everyone = client.get(f"/resources/rounds/{round_.pk}/letters/?all=1").content.decode()
    assert everyone.count("data-letter=") == 2


def test_each_letter_shows_the_registered_care_manager_times_to_check(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    paper = Facility.objects.get(name="紙の医院")
    for weekday in (0, 2):
        ContactWindow.objects.create(
            facility=paper, kind="call", weekday=weekday, start=datetime.time(13), end=datetime.time(14)
        )
    html = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    entry = html.split("いま名簿に載っている内容", 1)[1].split("</section>", 1)[0]
    assert re.search(r"<dd data-letter-call-times>月・水 13:00–14:00 電話</dd>", entry), entry
    single = client.get(f"/resources/links/{round_.links.get(facility=paper).pk}/letter/").content.decode()
    assert "月・水 13:00–14:00 電話" in single


def test_opening_the_batch_or_a_letter_does_not_count_it_as_sent(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    paper = UpdateLink.objects.get(facility__name="紙の医院")
    assert _unsent_count(client, round_) == 1
    html = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    assert f'data-letter-state="{paper.pk}">紙の医院: 未送付<' in html
    client.get(f"/resources/rounds/{round_.pk}/letters/?all=1")
    client.get(f"/resources/links/{paper.pk}/letter/")
    paper.refresh_from_db()
    assert paper.sent_at is None
    assert _unsent_count(client, round_) == 1
    assert not AuditEvent.objects.filter(detail="更新用リンクを手紙・FAXで送付").exists()


def test_the_batchs_button_marks_the_letters_of_its_page_sent_and_the_round_page_follows(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    paper = UpdateLink.objects.get(facility__name="紙の医院")
    mailed = UpdateLink.objects.get(facility__name="メールの医院").sent_at  # emailed at the start
    html = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    assert "この1通を送付済みにする" in html and "csrfmiddlewaretoken" in html
    ids = _posted_ids(html)
    assert ids == [str(paper.pk)]
    response = client.post(f"/resources/rounds/{round_.pk}/letters/sent/", {"link": ids}, follow=True)
    assert response.redirect_chain == [(f"/resources/rounds/{round_.pk}/letters/", 302)]
    html = response.content.decode()
    assert "1通を送付済みにしました。" in html
    paper.refresh_from_db()
    assert paper.sent_at is not None
    on = timezone.localdate(paper.sent_at)
    assert f'data-letter-state="{paper.pk}">紙の医院: 送付済み（{on.year}年{on.month}月{on.day}日）<' in html
    assert "data-mark-sent" not in html and "手紙はすべて送付済みです" in html
    assert UpdateLink.objects.get(facility__name="メールの医院").sent_at == mailed
    assert _unsent_count(client, round_) == 0
    event = AuditEvent.objects.get(detail="更新用リンクを手紙・FAXで送付")
    assert event.object_id == str(paper.pk) and event.username == "coordinator"
    # Pressed again (a second tab): nothing more is stamped.
    again = client.post(f"/resources/rounds/{round_.pk}/letters/sent/", {"link": ids}, follow=True)
    assert "送付済みにする手紙はありませんでした" in again.content.decode()
    assert UpdateLink.objects.get(pk=paper.pk).sent_at == paper.sent_at
    assert AuditEvent.objects.filter(detail="更新用リンクを手紙・FAXで送付").count() == 1


def test_the_button_marks_only_the_rounds_own_active_letters_of_the_batch(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    paper = UpdateLink.objects.get(facility__name="紙の医院")
    emailed = UpdateLink.objects.get(facility__name="メールの医院")
    UpdateLink.objects.filter(pk=emailed.pk).update(sent_at=None)  # its email failed
    other_round = ConfirmationRound.objects.create(name="別の再調査", center=cast.center1)
    others = UpdateLink.objects.create(facility=make_facility("別の再調査の医院"), round=other_round)
    general = UpdateLink.objects.create(facility=make_facility("リンクだけの医院"))
    revoked = UpdateLink.objects.create(
        facility=make_facility("無効の医院"), round=round_, revoked_at=timezone.now()
    )
    ids = [paper.pk, emailed.pk, others.pk, general.pk, revoked.pk, "x"]
    response = client.post(f"/resources/rounds/{round_.pk}/letters/sent/", {"link": ids})
    assert response.status_code == 302
    sent = set(UpdateLink.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    # The letters batch (no email address) of this round only: not the emailed one, not another
    # round's or a general link, not a revoked one.
    assert sent == {paper.pk}
    # ?all=1 is the batch of every facility of the round: the emailed link's letter is in it.
    response = client.post(
        f"/resources/rounds/{round_.pk}/letters/sent/", {"link": ids, "all": "1"}, follow=True
    )
    assert response.redirect_chain == [(f"/resources/rounds/{round_.pk}/letters/?all=1", 302)]
    sent = set(UpdateLink.objects.filter(sent_at__isnull=False).values_list("pk", flat=True))
    assert sent == {paper.pk, emailed.pk}


def test_the_button_marks_exactly_the_letters_of_the_page_shown(client_for, cast, monkeypatch):
    monkeypatch.setattr(update_views, "LETTERS_PER_PAGE", 2)
    client = client_for("coordinator")
    for name in ("あ医院", "い医院", "う医院"):
        make_facility(name, area=cast.ward1)
    client.post("/resources/rounds/", {"name": "2026年度", "kind": "", "area": "", "remind_after_days": "21"})
    round_ = ConfirmationRound.objects.get()
    second = client.get(f"/resources/rounds/{round_.pk}/letters/?page=2").content.decode()
    assert second.count("data-letter=") == 1 and "う医院" in second and "この1通を送付済みにする" in second
    ids = _posted_ids(second)
    assert ids == [str(round_.links.get(facility__name="う医院").pk)]
    response = client.post(f"/resources/rounds/{round_.pk}/letters/sent/", {"link": ids, "page": "2"})
    assert response["Location"] == f"/resources/rounds/{round_.pk}/letters/?page=2"
    assert list(round_.links.filter(sent_at__isnull=False).values_list("facility__name", flat=True)) == [
        "う医院"
    ]
    first = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    assert len(_posted_ids(first)) == 2 and "この2通を送付済みにする" in first
    assert _unsent_count(client, round_) == 2


def test_the_batch_keeps_its_queries_as_the_round_grows(client_for, cast, django_assert_max_num_queries):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    for i in range(6):
        UpdateLink.objects.create(facility=make_facility(f"追加{i}", area=cast.ward2), round=round_)
    # session, user, round, count, page, capabilities, areas served, ケアマネタイム, the sending
    # centers (areas, centers and their areas); opening it writes nothing
    with django_assert_max_num_queries(12):
        assert (
            client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode().count("data-letter=") == 7
        )


def test_who_may_print_a_rounds_letters(client_for, cast):
    round_ = _round(client_for("coordinator"), cast)
    url = f"/resources/rounds/{round_.pk}/letters/"
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("professional").get(url).status_code == 403
    assert client_for("official").get(url).status_code == 403
    assert client_for("coordinator").get("/resources/rounds/999/letters/").status_code == 404


def test_who_may_record_a_rounds_letters_as_sent(client_for, cast):
    round_ = _round(client_for("coordinator"), cast)
    paper = UpdateLink.objects.get(facility__name="紙の医院")
    url = f"/resources/rounds/{round_.pk}/letters/sent/"
    data = {"link": [paper.pk]}
    response = client_for("anonymous").post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for("professional").post(url, data).status_code == 403
    assert client_for("official").post(url, data).status_code == 403
    assert client_for("coordinator").post("/resources/rounds/999/letters/sent/", data).status_code == 404
    assert client_for("coordinator").get(url).status_code == 405
    paper.refresh_from_db()
    assert paper.sent_at is None
    # A closed round sends nothing more (404, as its letters page).
    closed = ConfirmationRound.objects.create(name="締切済み", closed_at=timezone.now(), center=cast.center1)
    closed_link = UpdateLink.objects.create(facility=make_facility("締切の医院"), round=closed)
    response = client_for("coordinator").post(
        f"/resources/rounds/{closed.pk}/letters/sent/", {"link": [closed_link.pk]}
    )
    assert response.status_code == 404
    assert UpdateLink.objects.get(pk=closed_link.pk).sent_at is None
    # A round is its center's: the other center's coordinator records nothing (404), its own does.
    assert client_for("coordinator2").post(url, data).status_code == 404
    paper.refresh_from_db()
    assert paper.sent_at is None
    assert client_for("coordinator").post(url, data).status_code == 302
    paper.refresh_from_db()
    assert paper.sent_at is not None
