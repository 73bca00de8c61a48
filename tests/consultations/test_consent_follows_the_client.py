"""A consent is the client's, not the call's: the consents recorded on any of the client's linked
consultations (the first and its follow-ups) show on each and ground a third-party provision; the
consent form starts with nothing chosen for the client and today as the date, and a refused
consent brings the user back to the consent form."""

import datetime
import re

import pytest
from django.utils import timezone

from consultations.models import Consent, Provision
from tests.consultations.factories import make_consultation


@pytest.fixture
def client_chain(cast):
    first = make_consultation(cast.center1, (2026, 8, 3, 10, 0), client_age=82)
    follow_up = make_consultation(cast.center1, (2026, 8, 10, 10, 0), first_consultation=first)
    later = make_consultation(cast.center1, (2026, 8, 20, 10, 0), first_consultation=first)
    consent = Consent.objects.create(
        consultation=first, consented_by="長女", consented_on=datetime.date(2026, 8, 3), how="oral"
    )
    return first, follow_up, later, consent


def provision_post(consent, **changes):
    return {
        "prov-recipient": "ひかり訪問看護ステーション",
        "prov-items": "氏名・病名・ADL",
        "prov-provided_on": "2026-08-11",
        "prov-consent": consent.pk,
        **changes,
    }


def test_a_consent_on_the_first_consultation_shows_on_a_follow_up_with_where_it_was_recorded(
    client_for, client_chain
):
    first, follow_up, _, consent = client_chain
    html = client_for("coordinator").get(f"/consultations/{follow_up.pk}/").content.decode()
    assert "同意が記録されていません" not in html
    item = re.search(rf'<li data-consent="{consent.pk}">(.*?)</li>', html, re.S).group(1)
    assert "長女" in item and f'href="/consultations/{first.pk}/">相談 #{first.pk}</a>で記録' in item
    # The provision form is offered, with the consent among its choices, named with its origin.
    assert 'name="prov-consent"' in html and f"相談 #{first.pk} で記録" in html


def test_a_provision_on_a_follow_up_rests_on_the_first_consultations_consent(client_for, client_chain):
    first, follow_up, _, consent = client_chain
    response = client_for("coordinator").post(
        f"/consultations/{follow_up.pk}/provisions/", provision_post(consent)
    )
    assert response.status_code == 302
    provision = Provision.objects.get()
    assert provision.consultation == follow_up and provision.consent == consent


def test_a_consent_given_on_a_follow_up_covers_the_first_and_the_other_follow_ups(client_for, client_chain):
    first, follow_up, later, consent = client_chain
    consent.delete()
    given = Consent.objects.create(
        consultation=later, consented_by="本人", consented_on=datetime.date(2026, 8, 20), how="written"
    )
    client = client_for("coordinator")
    for c in (first, follow_up):
        html = client.get(f"/consultations/{c.pk}/").content.decode()
        assert f'data-consent="{given.pk}"' in html and "同意が記録されていません" not in html, c
    post = provision_post(given, **{"prov-provided_on": "2026-08-21"})
    assert client.post(f"/consultations/{first.pk}/provisions/", post).status_code == 302
    assert Provision.objects.get().consultation == first


def test_a_consultation_of_another_client_gets_no_consent_of_this_one(client_for, client_chain, cast):
    *_, consent = client_chain
    stranger = make_consultation(cast.center1, (2026, 8, 11, 10, 0))
    client = client_for("coordinator")
    html = client.get(f"/consultations/{stranger.pk}/").content.decode()
    assert "同意が記録されていません" in html and f'data-consent="{consent.pk}"' not in html
    response = client.post(f"/consultations/{stranger.pk}/provisions/", provision_post(consent))
    assert response.status_code == 200 and not Provision.objects.exists()


def test_a_record_moved_to_another_center_takes_no_consent_of_the_first_center(
    client_for, client_chain, cast
):
    first, follow_up, _, consent = client_chain
    # An admin moved the follow-up to C02: the link stays, the C01 consent does not follow it.
    type(follow_up).objects.filter(pk=follow_up.pk).update(center=cast.center2)
    html = client_for("admin").get(f"/consultations/{follow_up.pk}/").content.decode()
    assert f'data-consent="{consent.pk}"' not in html and "同意が記録されていません" in html


def test_the_consent_form_starts_with_no_method_chosen_and_today_as_the_date(client_for, cast):
    c = make_consultation(cast.center1)
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    form = html[html.index('id="consent-form"') : html.index('id="provision-form"')]
    methods = re.findall(r'<input type="radio" name="consent-how" value="([^"]*)"([^>]*)>', form)
    assert [value for value, _ in methods] == ["oral", "written", "electronic"]
    assert not any("checked" in attrs for _, attrs in methods)
    assert f'name="consent-consented_on" value="{timezone.localdate():%Y-%m-%d}"' in form


def test_a_refused_consent_comes_back_at_the_consent_form_with_the_cursor_on_the_field(client_for, cast):
    c = make_consultation(cast.center1)
    response = client_for("coordinator").post(
        f"/consultations/{c.pk}/consents/",
        {"consent-consented_by": "本人", "consent-consented_on": "2026-08-03"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Consent.objects.exists()
    # The form answers at its own anchor, so the page opens at the consent form, which is open.
    assert f'action="/consultations/{c.pk}/consents/#consent-form"' in html
    assert re.search(r'<details id="consent-form" open>', html)
    assert re.search(r'<input type="radio" name="consent-how"[^>]*autofocus', html)
