"""「フォロー済みにする」: a consultation whose follow-up day has come is cleared from the home panel and
the list in one click (POST), its status left as it is, the change audited; a form opened before
is refused rather than writing the date back."""

import datetime
import re

import pytest

from consultations.models import ConsultantType, Consultation
from coordination.models import AuditEvent
from tests.consultations.factories import make_consultation, topic
from tests.consultations.test_consultations import form_data

pytestmark = pytest.mark.django_db

PAST = datetime.date(2026, 1, 6)


def panel(html):
    start = html.index("フォロー期日が来ている相談")
    return html[start : html.index("相談を記録する", start)]


def done_form(html, pk):
    return re.search(
        rf'<form [^>]*action="/consultations/{pk}/follow-up-done/"[^>]*>(.*?)</form>', html, re.S
    )


@pytest.fixture
def due(cast):
    return make_consultation(
        cast.center1, (2026, 1, 5, 10, 0), status="open", follow_up_on=PAST, summary="家族に折り返す"
    )


def test_the_home_panel_offers_it_and_one_click_clears_the_date_and_comes_back(client_for, cast, due):
    client = client_for("coordinator")
    form = done_form(panel(client.get("/").content.decode()), due.pk)
    assert form and "フォロー済み" in form.group(1) and 'name="next" value="/"' in form.group(1)
    version = due.version
    response = client.post(f"/consultations/{due.pk}/follow-up-done/", {"next": "/"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    assert f"相談 #{due.pk} をフォロー済みにしました（次回フォロー日 2026/01/06 を消しました）" in html
    assert "家族に折り返す" not in panel(html)
    due.refresh_from_db()
    assert due.follow_up_on is None and due.status == "open" and due.version == version + 1
    assert due.updated_by == cast.coordinator
    event = AuditEvent.objects.get(object_type="consultations.Consultation", object_id=str(due.pk))
    assert event.action == "update" and event.user == cast.coordinator
    assert event.detail == "次回フォロー日: 2026/01/06 → フォロー済み（日付を消去）"


def test_sent_twice_it_writes_once_and_says_so(client_for, cast, due):
    client = client_for("coordinator")
    client.post(f"/consultations/{due.pk}/follow-up-done/")
    again = client.post(f"/consultations/{due.pk}/follow-up-done/", follow=True)
    assert again.redirect_chain == [(f"/consultations/{due.pk}/", 302)]
    assert "すでにフォロー済みです" in again.content.decode()
    assert AuditEvent.objects.filter(object_type="consultations.Consultation").count() == 1


def test_it_goes_back_only_to_a_page_of_this_site(client_for, cast, due):
    response = client_for("coordinator").post(
        f"/consultations/{due.pk}/follow-up-done/", {"next": "https://example.com/"}
    )
    assert response["Location"] == f"/consultations/{due.pk}/"


def test_the_list_offers_it_on_rows_whose_day_has_come_and_comes_back_to_the_list(client_for, cast, due):
    later = make_consultation(
        cast.center1, (2026, 1, 5, 11, 0), follow_up_on=datetime.date(2099, 1, 1), summary="まだ先"
    )
    client = client_for("coordinator")
    html = client.get("/consultations/").content.decode()
    assert done_form(html, due.pk) and not done_form(html, later.pk)
    back = "/consultations/?follow_up_due=on"
    html = client.get(back).content.decode()
    assert f'name="next" value="{back}"' in done_form(html, due.pk).group(1)
    response = client.post(f"/consultations/{due.pk}/follow-up-done/", {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    assert 'data-result-count="0"' in response.content.decode()


def test_the_consultation_page_offers_it_while_a_date_is_set(client_for, cast, due):
    client = client_for("coordinator")
    html = client.get(f"/consultations/{due.pk}/").content.decode()
    assert done_form(html, due.pk) and "フォロー期日が来ています" in html
    client.post(f"/consultations/{due.pk}/follow-up-done/")
    assert not done_form(client.get(f"/consultations/{due.pk}/").content.decode(), due.pk)


def test_an_edit_form_opened_before_does_not_write_the_date_back(client_for, cast, due):
    client = client_for("coordinator")
    opened_at = due.version
    client.post(f"/consultations/{due.pk}/follow-up-done/")
    data = form_data(
        received_at="2026-01-05T10:00",
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("連絡調整").pk],
        follow_up_on="2026-01-06",
        version=str(opened_at),
    )
    response = client.post(f"/consultations/{due.pk}/edit/", data)
    assert response.status_code != 302
    assert Consultation.objects.get(pk=due.pk).follow_up_on is None


def test_another_centers_consultation_is_not_found(client_for, cast):
    other = make_consultation(cast.center2, follow_up_on=PAST)
    assert client_for("coordinator").post(f"/consultations/{other.pk}/follow-up-done/").status_code == 404
    assert Consultation.objects.get(pk=other.pk).follow_up_on == PAST


BUTTON = re.compile(r'<button type="submit"[^>]*aria-label="([^"]*)"[^>]*>([^<]*)</button>')


@pytest.mark.parametrize("url", ["/", "/consultations/", "/consultations/{pk}/"])
def test_the_button_says_what_it_does_rather_than_a_state(client_for, cast, due, url):
    # Beside the day (「11/29 [フォロー済み]」) a bare 「フォロー済み」 read as "followed up on 11/29".
    html = client_for("coordinator").get(url.format(pk=due.pk)).content.decode()
    form = done_form(html, due.pk)
    assert form and f'data-follow-up-done-form="{due.pk}"' in html
    label, text = BUTTON.search(form.group(1)).groups()
    assert text == "フォロー済みにする" and label == f"フォロー済みにする（相談 #{due.pk}）"
