"""Issue 19 in the consultation log: impossible dates are form errors naming the field (never a
500), pages that show excerpts write the access log, the audit log keeps which personal fields
changed but not their values, and an area in use cannot be deleted."""

import datetime

import pytest
from django.db.models import ProtectedError

from consultations.models import AccessLog, ConsultantType, Consultation
from coordination.models import Area, AuditEvent
from tests.consultations.factories import make_consultation, topic
from tests.consultations.test_consultations import form_data

pytestmark = pytest.mark.django_db


def valid(**changes):
    return form_data(
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("その他").pk],
        **changes,
    )


# --- item 12: out-of-range dates ------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T10:00"])
def test_a_received_at_out_of_range_is_a_form_error_in_japanese(client_for, cast, moment):
    response = client_for("coordinator").post("/consultations/new/", valid(received_at=moment))
    html = response.content.decode()
    assert response.status_code == 200 and not Consultation.objects.exists()
    assert 'id="id_received_at_error"' in html
    assert "受付日時" in html[html.index('id="id_received_at_error"') - 2000 :]


# --- item 13: implausible dates ----------------------------------------------------------------------


def test_a_consultation_in_the_future_is_refused_naming_the_field(client_for, cast):
    html = (
        client_for("coordinator").post("/consultations/new/", valid(received_at="2099-01-01T10:00")).content
    )
    assert "受付日時が未来（2099/01/01 10:00）になっています" in html.decode()
    assert not Consultation.objects.exists()


def test_a_follow_up_before_the_consultation_is_refused(client_for, cast):
    data = valid(received_at="2026-08-03T10:15", follow_up_on="2026-08-01")
    html = client_for("coordinator").post("/consultations/new/", data).content.decode()
    assert "次回フォロー日（2026/08/01）が受付日（2026/08/03）より前になっています" in html
    assert not Consultation.objects.exists()


def test_consent_and_provision_in_the_future_are_refused(client_for, cast):
    c = make_consultation(cast.center1)
    client = client_for("coordinator")
    html = client.post(
        f"/consultations/{c.pk}/consents/",
        {"consent-consented_by": "本人", "consent-consented_on": "2099-01-01", "consent-how": "oral"},
    ).content.decode()
    assert "同意日が未来の日付（2099/01/01）になっています" in html and not c.consents.exists()
    consent = c.consents.create(consented_by="本人", consented_on=datetime.date(2026, 8, 3), how="oral")
    html = client.post(
        f"/consultations/{c.pk}/provisions/",
        {
            "prov-recipient": "訪問看護ステーション",
            "prov-items": "氏名・病名",
            "prov-provided_on": "2099-01-01",
            "prov-consent": consent.pk,
        },
    ).content.decode()
    assert "提供日が未来の日付（2099/01/01）になっています" in html and not c.provisions.exists()


# --- item 14: lists that show excerpts are logged ----------------------------------------------------


def test_the_list_writes_one_access_log_entry_with_the_ids_shown(client_for, cast):
    shown = [make_consultation(cast.center1, (2026, 8, 3 + i, 10, 0), summary=f"概要{i}") for i in range(3)]
    make_consultation(cast.center2, (2026, 8, 3, 10, 0))
    client_for("coordinator").get("/consultations/?q=概要")
    entry = AccessLog.objects.get()
    assert entry.action == "list" and entry.user == cast.coordinator
    assert sorted(entry.shown) == sorted(c.pk for c in shown)
    assert "q=" in entry.path  # what was searched for


def test_the_dashboard_panel_logs_the_consultations_it_shows(client_for, cast):
    from django.utils import timezone

    now = timezone.localtime().replace(second=0, microsecond=0)
    today = make_consultation(cast.center1, (now.year, now.month, now.day, 0, 1), status="open")
    due = make_consultation(cast.center1, (2026, 1, 5, 10, 0), follow_up_on=datetime.date(2026, 1, 6))
    client_for("coordinator").get("/")
    entry = AccessLog.objects.get()
    assert entry.action == "list" and sorted(entry.shown) == sorted([today.pk, due.pk])
    client_for("official").get("/")  # no consultation panel, nothing logged
    assert AccessLog.objects.count() == 1


# --- item 15: the audit log does not copy personal values ------------------------------------------


def test_the_audit_log_names_the_personal_fields_changed_not_their_values(client_for, cast):
    client = client_for("coordinator")
    data = valid(consultant_name="佐藤 一郎", client_condition="褥瘡", summary="長女から相談")
    client.post("/consultations/new/", data)
    c = Consultation.objects.get()
    changed = {
        **data,
        "consultant_name": "鈴木 花子",
        "client_condition": "末期がん",
        "summary": "本人の希望で在宅看取りを検討",
        "status": "done",
        "version": str(c.version),
    }
    assert client.post(f"/consultations/{c.pk}/edit/", changed).status_code == 302
    detail = AuditEvent.objects.get(action="update").detail
    for value in ("佐藤", "鈴木", "褥瘡", "末期がん", "在宅看取り", "長女"):
        assert value not in detail
    assert "相談者氏名: 変更あり" in detail and "主な疾患・状態: 変更あり" in detail
    assert "相談概要: 変更あり" in detail
    assert "状態: open → done" in detail  # not personal: the values stay


# --- item 18: an area in use is protected ---------------------------------------------------------


def test_deleting_an_area_in_use_is_refused_and_keeps_the_clients_area(cast):
    c = make_consultation(cast.center1, client_area=cast.daily1)
    with pytest.raises(ProtectedError):
        Area.objects.filter(pk=cast.daily1.pk).delete()
    c.refresh_from_db()
    assert c.client_area == cast.daily1


def test_the_admin_explains_why_an_area_in_use_cannot_be_deleted(client_for, cast):
    make_consultation(cast.center1, client_area=cast.daily1)
    response = client_for("admin").post(
        f"/admin/coordination/area/{cast.daily1.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert Area.objects.filter(pk=cast.daily1.pk).exists()
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "date_from=0001-01-01",
        "date_to=9999-12-31",
        "date_from=99999-01-01",
        "handled_by=99999999999999999999",
        "topic=abc",
    ],
)
def test_the_list_filter_never_answers_500_on_odd_input(client_for, cast, query):
    make_consultation(cast.center1)
    response = client_for("coordinator").get(f"/consultations/?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["year=99999999999&month=1", "fiscal_year=-1", "year=2026&month=0"])
def test_the_report_names_a_bad_period_in_japanese(client_for, cast, query):
    response = client_for("official").get(f"/consultations/reports/?{query}")
    assert response.status_code == 200 and "で指定してください" in response.content.decode()
