"""The same new-consultation form sent twice (browser Back, then 保存する) saves one consultation."""

import re
import uuid

import pytest
from django.db import IntegrityError, transaction
from playwright.sync_api import expect

from consultations.models import ConsultantType, Consultation
from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation, topic
from tests.consultations.test_consultations import form_data


def new_form(**changes):
    return form_data(
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("医療/訪問診療できる医療機関に関する事").pk],
        **changes,
    )


def token_of(html):
    return re.search(r'name="submission_token" value="([0-9a-f-]+)"', html).group(1)


def test_the_new_form_carries_a_fresh_token_each_time_it_is_opened(client_for, cast):
    client = client_for("coordinator")
    first = token_of(client.get("/consultations/new/", follow=True).content.decode())
    second = token_of(client.get("/consultations/new/", follow=True).content.decode())
    assert uuid.UUID(first) != uuid.UUID(second)


def test_sending_the_same_form_twice_saves_one_consultation_and_leads_to_it(client_for, cast):
    client = client_for("coordinator")
    token = token_of(client.get("/consultations/new/", follow=True).content.decode())
    first = client.post("/consultations/new/", new_form(submission_token=token), follow=True)
    saved = Consultation.objects.get()
    assert first.redirect_chain == [(f"/consultations/{saved.pk}/", 302)]
    assert saved.submission_token == uuid.UUID(token)

    again = client.post(
        "/consultations/new/", new_form(submission_token=token, summary="書き足した"), follow=True
    )
    assert Consultation.objects.count() == 1
    assert again.redirect_chain == [(f"/consultations/{saved.pk}/", 302)]
    html = again.content.decode()
    assert f"この相談はすでに登録されています（相談 #{saved.pk}）" in html
    assert "を登録しました" not in html
    saved.refresh_from_db()
    assert saved.summary == "訪問診療医を探したい"  # the second send changed nothing


def test_a_form_opened_anew_saves_a_second_consultation(client_for, cast):
    client = client_for("coordinator")
    for _ in range(2):
        token = token_of(client.get("/consultations/new/", follow=True).content.decode())
        assert client.post("/consultations/new/", new_form(submission_token=token)).status_code == 302
    assert Consultation.objects.count() == 2
    assert (
        Consultation.objects.exclude(submission_token=None).values("submission_token").distinct().count() == 2
    )


def test_editing_keeps_the_token_and_is_not_taken_for_a_resend(client_for, cast):
    client = client_for("coordinator")
    token = token_of(client.get("/consultations/new/", follow=True).content.decode())
    client.post("/consultations/new/", new_form(submission_token=token))
    saved = Consultation.objects.get()
    edit_html = client.get(f"/consultations/{saved.pk}/edit/").content.decode()
    assert 'name="submission_token"' not in edit_html
    response = client.post(
        f"/consultations/{saved.pk}/edit/",
        new_form(version=saved.version, summary="訂正", submission_token=str(uuid.uuid4())),
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.summary == "訂正" and saved.submission_token == uuid.UUID(token)


def test_a_refused_entry_keeps_its_token_so_the_corrected_send_is_still_one(client_for, cast):
    client = client_for("coordinator")
    token = token_of(client.get("/consultations/new/", follow=True).content.decode())
    refused = client.post("/consultations/new/", new_form(submission_token=token, client_age="200"))
    assert refused.status_code == 200 and token_of(refused.content.decode()) == token
    assert "no-store" in refused["Cache-Control"]
    client.post("/consultations/new/", new_form(submission_token=token))
    client.post("/consultations/new/", new_form(submission_token=token))
    assert Consultation.objects.count() == 1


def test_a_mangled_token_is_a_clear_error_and_saves_nothing(client_for, cast):
    response = client_for("coordinator").post("/consultations/new/", new_form(submission_token="abc"))
    assert response.status_code == 200
    assert "画面の送信情報が正しくありません" in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_database_refuses_two_consultations_with_one_token(cast):
    token = uuid.uuid4()
    make_consultation(cast.center1, submission_token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_consultation(cast.center1, submission_token=token)
    # Rows without a token (imported, older) are not limited.
    make_consultation(cast.center1)
    make_consultation(cast.center1)
    assert Consultation.objects.filter(submission_token=None).count() == 2


def test_a_send_that_loses_the_race_finds_the_row_the_constraint_kept(rf, cast, monkeypatch):
    """Two sends arriving together both pass the check before either has inserted; the constraint
    stops the later insert and the service answers with the row that was kept, writing nothing."""
    from consultations import forms, services

    token = uuid.uuid4()
    winner = make_consultation(cast.center1, submission_token=token)
    real, calls = services._saved_from, []

    def not_yet_on_the_first_look(t):
        calls.append(t)
        return None if len(calls) == 1 else real(t)

    monkeypatch.setattr(services, "_saved_from", not_yet_on_the_first_look)
    request = rf.post("/consultations/new/")
    request.user = cast.coordinator
    form = forms.ConsultationForm(new_form(submission_token=str(token)), user=cast.coordinator)
    assert form.is_valid(), form.errors
    with pytest.raises(services.AlreadySaved) as found:
        services.save_consultation(request, form)
    assert found.value.consultation == winner and len(calls) == 2
    assert Consultation.objects.count() == 1


def test_the_token_in_the_address_is_the_forms_so_back_brings_the_same_one(client_for, cast):
    client = client_for("coordinator")
    menu = client.get("/consultations/").content.decode()
    link = re.search(r'href="(/consultations/new/\?form=([0-9a-f-]{36}))"', menu)
    assert link, "the menu opens the form with a token"
    url, token = link.groups()
    assert token_of(client.get(url).content.decode()) == token
    assert token_of(client.get(url).content.decode()) == token  # fetched again (Back): the same
    client.post(url, new_form(submission_token=token))
    saved = Consultation.objects.get()
    back = client.get(url).content.decode()
    assert f"この入力画面の相談はすでに登録されています（相談 #{saved.pk}）" in back
    assert "no-store" in client.get(url)["Cache-Control"]


def test_a_nonsense_token_in_the_address_opens_a_fresh_form(client_for, cast):
    response = client_for("coordinator").get("/consultations/new/?form=xyz", follow=True)
    token = token_of(response.content.decode())
    assert response.redirect_chain == [(f"/consultations/new/?form={token}", 302)]


def test_the_form_opened_without_a_token_is_given_one_in_its_address(client_for, cast):
    """Typed or bookmarked, /consultations/new/ has no token to come back to: it is sent on to
    an address with one, so that Back fetches the same token (the form then saves once)."""
    client = client_for("coordinator")
    first = make_consultation(cast.center1)
    response = client.get(f"/consultations/new/?client={first.pk}")
    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
    address = response["Location"]
    token = re.fullmatch(rf"/consultations/new/\?client={first.pk}&form=([0-9a-f-]{{36}})", address).group(1)
    html = client.get(address).content.decode()
    assert token_of(html) == token and f'data-same-client-of="{first.pk}"' in html
    assert token_of(client.get(address).content.decode()) == token  # fetched again (Back): the same
    client.post(address, new_form(submission_token=token))
    again = client.post(address, new_form(submission_token=token), follow=True)
    assert Consultation.objects.count() == 2  # `first` and the one saved from this form
    assert "この相談はすでに登録されています" in again.content.decode()


def test_another_centers_client_is_refused_before_the_form_is_given_a_token(client_for, cast):
    other = make_consultation(cast.center2)
    assert client_for("coordinator").get(f"/consultations/new/?client={other.pk}").status_code == 404


def test_another_centers_token_in_the_address_says_nothing_of_its_record(client_for, cast):
    token = uuid.uuid4()
    make_consultation(cast.center2, submission_token=token)
    html = client_for("coordinator").get(f"/consultations/new/?form={token}").content.decode()
    assert "すでに登録されています" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_and_save_again_in_the_browser_leads_to_the_saved_consultation(page, cast):
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/")
    page.get_by_role("navigation", name="相談支援メニュー").get_by_role("link", name="相談を記録").click()
    page.get_by_role("radio", name="ケアマネジャー").check()
    page.get_by_role("group", name="医療").get_by_label("訪問診療できる医療機関に関する事").check()
    page.get_by_label("相談概要").fill("退院後の訪問診療医を探したい。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    saved = Consultation.objects.get()

    ARTIFACTS.mkdir(exist_ok=True)
    page.go_back()
    expect(page.get_by_label("相談概要")).to_have_value("退院後の訪問診療医を探したい。")
    expect(page.locator(".messages")).to_contain_text(
        f"この入力画面の相談はすでに登録されています（相談 #{saved.pk}）"
    )
    page.screenshot(path=str(ARTIFACTS / "consultation-form-after-back.png"), full_page=False)
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text(f"この相談はすでに登録されています（相談 #{saved.pk}）")
    assert page.url.endswith(f"/consultations/{saved.pk}/")
    assert Consultation.objects.count() == 1
    page.screenshot(path=str(ARTIFACTS / "consultation-saved-already.png"), full_page=False)
    assert page.js_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_and_save_again_after_opening_the_bare_address_saves_once(page, cast):
    """The address typed or bookmarked, without a token: Back still brings the saved form's token."""
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/new/")
    assert re.search(r"/consultations/new/\?form=[0-9a-f-]{36}$", page.url)
    page.get_by_role("radio", name="ケアマネジャー").check()
    page.get_by_role("group", name="医療").get_by_label("訪問診療できる医療機関に関する事").check()
    page.get_by_label("相談概要").fill("退院後の訪問診療医を探したい。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    saved = Consultation.objects.get()

    page.go_back()
    expect(page.locator(".messages")).to_contain_text(
        f"この入力画面の相談はすでに登録されています（相談 #{saved.pk}）"
    )
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text(f"この相談はすでに登録されています（相談 #{saved.pk}）")
    assert page.url.endswith(f"/consultations/{saved.pk}/")
    assert Consultation.objects.count() == 1
    assert page.js_errors == []
