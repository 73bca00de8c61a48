"""A round belongs to the center that started it: several centers share one directory (a
prefecture-wide deployment), and another center's coordinator may neither see a round nor send
its reminders, record its letters or close it (404, coordination.access rule); admins reach all."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from coordination.models import AuditEvent
from resources import updates
from resources.models import ConfirmationRound, RoundMailing, UpdateLink
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def _start(client, name="東センターの再調査"):
    data = {"name": name, "kind": "", "area": "", "remind_after_days": "14"}
    return client.post("/resources/rounds/", data)


@pytest.fixture
def round_(client_for, cast):
    make_facility("紙の医院", area=cast.ward1)
    make_facility("メールの医院", area=cast.ward1, contact_email="mail@example.jp")
    _start(client_for("coordinator"))
    round_ = ConfirmationRound.objects.get()
    # Sent long enough ago for a reminder to be due.
    round_.links.update(sent_at=timezone.now() - datetime.timedelta(days=20))
    mail.outbox.clear()
    return round_


def test_a_round_belongs_to_the_center_of_whoever_started_it(client_for, cast):
    make_facility("医院")
    _start(client_for("coordinator"))
    _start(client_for("coordinator2"), name="西センターの再調査")
    _start(client_for("admin"), name="市の再調査")  # the admin of the cast has no center
    centers = dict(ConfirmationRound.objects.values_list("name", "center"))
    assert centers == {
        "東センターの再調査": cast.center1.pk,
        "西センターの再調査": cast.center2.pk,
        "市の再調査": None,
    }


def test_the_rounds_list_shows_the_users_center_only_and_admins_all(client_for, cast, round_):
    other = ConfirmationRound.objects.create(name="西センターの再調査", center=cast.center2)
    UpdateLink.objects.create(facility=make_facility("西の医院"), round=other, answered_at=timezone.now())
    city = ConfirmationRound.objects.create(name="市の再調査")
    mine = client_for("coordinator").get("/resources/rounds/").content.decode()
    assert f'data-round="{round_.pk}"' in mine
    assert f'data-round="{other.pk}"' not in mine and "西センターの再調査" not in mine
    assert f'data-round="{city.pk}"' not in mine
    theirs = client_for("coordinator2").get("/resources/rounds/").content.decode()
    assert f'data-round="{other.pk}"' in theirs and f'data-round="{round_.pk}"' not in theirs
    admin = client_for("admin").get("/resources/rounds/").content.decode()
    assert all(f'data-round="{r.pk}"' in admin for r in (round_, other, city))
    # 年度ごとの回答状況 counts the center's own rounds: 2 asked by C01, 1 asked (and answered) by C02.
    assert updates.answers_by_year(ConfirmationRound.objects.for_user(cast.coordinator))[0][2:4] == (2, 0)
    assert updates.answers_by_year(ConfirmationRound.objects.for_user(cast.coordinator2))[0][2:4] == (1, 1)


PAGES = ["", "progress/", "letters/"]


@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_a_rounds_pages(client_for, cast, round_, page):
    url = f"/resources/rounds/{round_.pk}/{page}"
    response = client_for("anonymous").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for("professional").get(url).status_code == 403
    assert client_for("official").get(url).status_code == 403
    assert client_for("coordinator2").get(url).status_code == 404
    assert client_for("coordinator").get(url).status_code == 200
    assert client_for("admin").get(url).status_code == 200


def test_another_centers_coordinator_cannot_export_a_rounds_links(client_for, cast, round_):
    url = f"/resources/links/letters.csv?round={round_.pk}"
    assert client_for("coordinator2").get(url).status_code == 404
    response = client_for("coordinator")
    assert response.get(url).status_code == 200


def _state(round_):
    round_.refresh_from_db()
    links = round_.links.order_by("pk")
    return (
        round_.closed_at,
        round_.mailings.count(),
        list(links.values_list("sent_at", "reminded_at", "revoked_at")),
        AuditEvent.objects.filter(action__in=["create", "update"]).count(),
    )


@pytest.mark.parametrize("action", ["remind/", "send/", "letters/sent/", "close/"])
def test_the_rounds_actions_are_its_centers_alone(client_for, cast, round_, action):
    url = f"/resources/rounds/{round_.pk}/{action}"
    paper = round_.links.get(facility__name="紙の医院")
    UpdateLink.objects.filter(pk=paper.pk).update(sent_at=None)
    if action == "send/":
        # An email that failed, so that 「未送付を送る」 has something to send.
        round_.links.filter(facility__name="メールの医院").update(sent_at=None)
    data = {"link": [paper.pk]}
    before = _state(round_)
    response = client_for("anonymous").post(url, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for("professional").post(url, data).status_code == 403
    assert client_for("official").post(url, data).status_code == 403
    assert client_for("coordinator2").post(url, data).status_code == 404
    assert _state(round_) == before, "another center's post wrote something"
    assert mail.outbox == []
    assert client_for("coordinator").post(url, data).status_code == 302
    assert _state(round_) != before  # the round's own center did it


def test_an_admin_reaches_every_centers_round(client_for, cast, round_):
    assert client_for("admin").post(f"/resources/rounds/{round_.pk}/close/").status_code == 302
    round_.refresh_from_db()
    assert round_.closed_at is not None


def test_the_migration_gives_existing_rounds_their_starters_center(cast):
    migration = importlib.import_module("resources.migrations.0006_round_center")
    by_coordinator = ConfirmationRound.objects.create(name="前からの再調査", started_by=cast.coordinator)
    by_admin = ConfirmationRound.objects.create(name="管理者の再調査", started_by=cast.admin)
    nobody = ConfirmationRound.objects.create(name="開始者なし")
    migration.fill_center(apps, None)
    centers = dict(ConfirmationRound.objects.values_list("pk", "center"))
    assert centers == {by_coordinator.pk: cast.center1.pk, by_admin.pk: None, nobody.pk: None}
    assert RoundMailing.objects.count() == 0
