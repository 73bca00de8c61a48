"""A request that needs a login from a browser whose login has ended (coordination.access
.signed_out_response): a form sent then is said not to be saved, on the login page, which leads
back to the page the form was on; an htmx request gets a short message in place, never the
login page swapped into the page. And the session status that static/js/session-keeper.js asks."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from consultations.models import Consultation, Coordination
from tests.consultations.factories import make_consultation

NOT_SAVED = "送信した内容は保存されていません"


def signed_in(cast):
    client = Client()
    client.force_login(cast.coordinator)
    client.get("/healthz")
    return client


def expire(client):
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()


def next_of(response):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    return parse_qs(location.query)["next"][0]


def test_a_consultation_sent_after_the_idle_timeout_is_said_not_saved_on_the_login_page(cast):
    client = signed_in(cast)
    expire(client)
    form_page = "http://testserver/consultations/new/?form=7d1f0c8e-35a8-4d0b-9c59-2f4b5f0e6a11"
    response = client.post(
        "/consultations/new/?form=7d1f0c8e-35a8-4d0b-9c59-2f4b5f0e6a11",
        {"summary": "長い電話の記録", "submission_token": "7d1f0c8e-35a8-4d0b-9c59-2f4b5f0e6a11"},
        headers={"Referer": form_page},
    )
    assert next_of(response) == "/consultations/new/?form=7d1f0c8e-35a8-4d0b-9c59-2f4b5f0e6a11"
    html = client.get(response["Location"]).content.decode()
    assert "ログインの有効期限が切れていたため" in html and NOT_SAVED in html
    assert "もう一度入力してから保存してください" in html
    assert not Consultation.objects.exists()


def test_a_form_of_a_post_only_address_leads_back_to_the_page_it_was_on(cast):
    c = make_consultation(cast.center1)
    client = signed_in(cast)
    expire(client)
    response = client.post(
        f"/consultations/{c.pk}/consents/",
        {"consent-consented_by": "本人"},
        headers={"Referer": f"http://testserver/consultations/{c.pk}/"},
    )
    assert next_of(response) == f"/consultations/{c.pk}/"
    # A Referer of another site is not followed: back to the address itself.
    response = Client().post(
        f"/consultations/{c.pk}/consents/", {}, headers={"Referer": "https://evil.example/x"}
    )
    assert next_of(response) == f"/consultations/{c.pk}/consents/"


def test_a_page_opened_without_a_login_still_goes_to_the_login_page_without_a_message(cast):
    client = Client()
    response = client.get("/consultations/?status=open")
    assert next_of(response) == "/consultations/?status=open"
    assert NOT_SAVED not in client.get(response["Location"]).content.decode()


def test_an_htmx_row_after_the_timeout_gets_a_message_in_place_not_the_login_page(cast):
    c = make_consultation(cast.center1)
    client = signed_in(cast)
    expire(client)
    response = client.post(
        f"/consultations/{c.pk}/coordinations/",
        {"co-facility_query": "みどりクリニック", "co-result": "accepted"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver/consultations/{c.pk}/"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    # Put before the form that sent it, which keeps what was typed.
    assert response["HX-Retarget"] == "this" and response["HX-Reswap"] == "beforebegin"
    assert "<form" not in html and "<html" not in html and 'name="password"' not in html
    assert "data-signed-out" in html and "記録していません。入力した内容はこの画面に残っています。" in html
    assert 'href="/accounts/login/?next=%2Fconsultations%2F' in html and 'target="_blank"' in html
    assert not Coordination.objects.exists()


def test_the_absolute_lifetime_says_so_and_that_a_form_sent_then_is_not_saved(cast, settings):
    c = make_consultation(cast.center1)
    for htmx in (False, True):
        client = signed_in(cast)
        session = client.session
        session["auth_started"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
        session.save()
        headers = {"Referer": f"http://testserver/consultations/{c.pk}/"}
        if htmx:
            headers["HX-Request"] = "true"
        response = client.post(
            f"/consultations/{c.pk}/coordinations/", {"co-facility_query": "x"}, headers=headers
        )
        if htmx:
            said = response.content.decode()
            assert response.status_code == 200 and "data-signed-out" in said and "<form" not in said
        else:
            said = client.get(response["Location"]).content.decode()
            assert NOT_SAVED in said
        assert "ログインしてから一定時間が過ぎたため" in said, htmx
        assert client.get(f"/consultations/{c.pk}/").status_code == 302  # logged out


# --- /accounts/session/ ---------------------------------------------------------------------------


def test_the_session_status_says_signed_out_without_making_a_session(cast):
    client = Client()
    response = client.get("/accounts/session/")
    assert response.json() == {"signed_in": False}
    assert "no-store" in response["Cache-Control"] and Session.objects.count() == 0
    assert client.post("/accounts/session/").status_code == 405


def test_the_session_status_pushes_the_idle_clock_and_gives_the_csrf_token(cast, settings):
    client = signed_in(cast)
    key = client.cookies["sessionid"].value
    before = Session.objects.get(pk=key).expire_date
    time.sleep(0.01)
    answer = client.get("/accounts/session/").json()
    assert answer["signed_in"] is True and answer["user"] == cast.coordinator.pk
    assert answer["idle_seconds"] == settings.SESSION_COOKIE_AGE and answer["csrf_token"]
    # Pushed at once, not only once a refresh interval as a page is: the script counts from now.
    assert Session.objects.get(pk=key).expire_date > before
    expire(client)
    assert client.get("/accounts/session/").json() == {"signed_in": False}


@pytest.mark.parametrize("require_2fa", [True])
def test_a_login_without_its_second_factor_is_not_signed_in_for_the_script(cast, settings, require_2fa):
    settings.REQUIRE_2FA = require_2fa
    client = Client()
    client.force_login(cast.coordinator)  # a password only: the second factor is still owed
    assert client.get("/accounts/session/").json() == {"signed_in": False}
