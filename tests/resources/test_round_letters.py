"""A round's letters printed at once (/resources/rounds/<id>/letters/): one A4 sheet for each
facility without an email address (?all=1: every facility), each naming its sending center and
showing what the directory holds now, so that a facility answering by FAX sees what to correct.
Printing them counts them as sent."""

import pytest

from resources.models import ConfirmationRound, UpdateLink
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def _round(client, cast):
    make_facility("紙の医院", area=cast.ward1, phone="093-111-1111", fax="093-111-2222", address="東区1-1")
    make_facility("メールの医院", area=cast.ward1, contact_email="mail@example.jp")
    client.post("/resources/rounds/", {"name": "2026年度", "kind": "", "area": "", "remind_after_days": "21"})
    return ConfirmationRound.objects.get()


def test_the_batch_prints_the_letters_of_the_facilities_without_email_and_marks_them_sent(client_for, cast):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    page = client.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "手紙をまとめて印刷する（メールアドレスのない施設 1通）" in page
    mailed = UpdateLink.objects.get(facility__name="メールの医院").sent_at  # emailed at the start
    assert UpdateLink.objects.get(facility__name="紙の医院").sent_at is None
    html = client.get(f"/resources/rounds/{round_.pk}/letters/").content.decode()
    assert html.count("data-letter=") == 1 and "紙の医院" in html and "メールの医院" not in html
    entry = html.split("いま名簿に載っている内容", 1)[1].split("</section>", 1)[0]
    assert "東区1-1" in entry and "093-111-1111" in entry and "093-111-2222" in entry
    assert 'data-sending-center="C01"' in html and "<svg" in html
    paper = UpdateLink.objects.get(facility__name="紙の医院")
    assert paper.sent_at is not None
    assert UpdateLink.objects.get(facility__name="メールの医院").sent_at == mailed
    everyone = client.get(f"/resources/rounds/{round_.pk}/letters/?all=1").content.decode()
    assert everyone.count("data-letter=") == 2


def test_the_batch_keeps_its_queries_as_the_round_grows(client_for, cast, django_assert_max_num_queries):
    client = client_for("coordinator")
    round_ = _round(client, cast)
    for i in range(6):
        UpdateLink.objects.create(facility=make_facility(f"追加{i}", area=cast.ward2), round=round_)
    # session, user, round, count, page, capabilities, areas served, the sending centers (areas,
    # centers and their areas), the UPDATE that marks them sent
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
