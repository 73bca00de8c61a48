"""A round's emails go out from the task worker, not inside the request: starting a round or
asking for reminders only queues a sending, and the round page shows its progress."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from resources import updates
from resources.models import ConfirmationRound, RoundMailing
from tests.resources.factories import make_facility

QUEUE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def _start(client, **fields):
    data = {"name": "2026年度の再調査", "kind": "", "area": "", "remind_after_days": "14", **fields}
    return client.post("/resources/rounds/", data)


def _run_queued():
    """What `manage.py db_worker` does with each queued task, here in the test's thread."""
    for result in DBTaskResult.objects.order_by("enqueued_at"):
        assert result.task_path == "resources.updates.send_round_mail"
        updates.send_round_mail.call(*result.args_kwargs["args"])


@pytest.fixture
def facilities(cast):
    return [make_facility(f"医院{i}", contact_email=f"c{i}@example.jp") for i in range(3)] + [
        make_facility("手紙の医院")
    ]


@QUEUE
def test_starting_a_round_queues_its_emails_and_sends_none_in_the_request(client_for, facilities):
    coordinator = client_for("coordinator")
    response = _start(coordinator)
    round_ = ConfirmationRound.objects.get()
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent inside the request
    assert DBTaskResult.objects.count() == 1
    mailing = round_.mailings.get()
    assert mailing.status == RoundMailing.Status.QUEUED and mailing.kind == RoundMailing.Kind.LINKS
    assert not round_.links.filter(sent_at__isnull=False).exists()

    page = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "data-batch-progress" in page and 'data-round-mailing="queued"' in page
    assert "js/batch-progress.js" in page and 'http-equiv="refresh"' in page
    assert coordinator.get(f"/resources/rounds/{round_.pk}/progress/").json()["running"] is True
    assert "data-batch-waiting hidden" in page  # just queued: nothing to warn of yet
    # Still queued a few minutes later: no worker picked it up, and the page says what to check.
    RoundMailing.objects.filter(pk=mailing.pk).update(
        created_at=mailing.created_at - datetime.timedelta(minutes=3)
    )
    assert coordinator.get(f"/resources/rounds/{round_.pk}/progress/").json()["waiting"] is True
    page = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "data-batch-waiting>" in page and "db_worker" in page

    _run_queued()
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@example.jp", "c1@example.jp", "c2@example.jp"]
    # the emailed link is at the address the coordinator reached the portal by
    link = round_.links.get(facility=facilities[0])
    (to_c0,) = [m for m in mail.outbox if m.to == ["c0@example.jp"]]
    assert f"http://testserver/resources/u/{link.token}/" in to_c0.body
    progress = coordinator.get(f"/resources/rounds/{round_.pk}/progress/").json()
    assert progress == {
        "status": "done",
        "status_label": "送信済み",
        "phase": "完了しました",
        "done": 3,
        "total": 3,
        "percent": 100,
        "running": False,
        "waiting": False,
    }
    page = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "data-batch-progress" not in page and "3件を送りました" in page
    assert 'data-count="sent">3<' in page


@QUEUE
def test_the_progress_is_written_as_the_worker_goes(client_for, facilities, monkeypatch):
    monkeypatch.setattr(updates, "MAIL_CHUNK", 2)
    _start(client_for("coordinator"))
    mailing = RoundMailing.objects.get()
    seen = []
    real = updates._report

    def spy(m, done, total, sent):
        real(m, done, total, sent)
        row = RoundMailing.objects.get(pk=m.pk)
        seen.append((row.status, row.done, row.total, row.percent))

    monkeypatch.setattr(updates, "_report", spy)
    _run_queued()
    assert seen == [("running", 0, 3, 0), ("running", 2, 3, 67), ("running", 3, 3, 100)]
    assert RoundMailing.objects.get(pk=mailing.pk).status == "done"


@QUEUE
def test_reminders_are_queued_too_and_a_second_click_while_sending_queues_nothing(client_for, facilities):
    coordinator = client_for("coordinator")
    _start(coordinator)
    _run_queued()
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    round_ = ConfirmationRound.objects.get()
    round_.links.update(sent_at=timezone.now() - datetime.timedelta(days=15))

    coordinator.post(f"/resources/rounds/{round_.pk}/remind/")
    response = coordinator.post(f"/resources/rounds/{round_.pk}/remind/", follow=True)
    assert "メールの送信中です" in response.content.decode()
    assert mail.outbox == [] and DBTaskResult.objects.count() == 1
    assert round_.mailings.filter(kind="reminders").count() == 1

    _run_queued()
    assert len(mail.outbox) == 3 and all("【再送】" in m.subject for m in mail.outbox)
    assert not round_.links.filter(reminded_at__isnull=True, email__gt="").exists()


def test_a_task_run_twice_sends_each_email_once(client_for, facilities):
    _start(client_for("coordinator"))  # the test settings run the task at once
    mailing = RoundMailing.objects.get()
    assert len(mail.outbox) == 3
    RoundMailing.objects.filter(pk=mailing.pk).update(status="queued")  # as if queued twice
    updates.send_round_mail.call(mailing.pk)
    assert len(mail.outbox) == 3


def test_a_failed_email_leaves_its_link_unsent_and_the_round_page_offers_to_send_again(
    client_for, facilities
):
    coordinator = client_for("coordinator")
    with mock.patch.object(updates, "send_mail", side_effect=OSError("SMTP接続できません")):
        _start(coordinator)
    round_ = ConfirmationRound.objects.get()
    mailing = round_.mailings.get()
    assert mailing.status == "failed" and "SMTP接続できません" in mailing.failure
    assert not round_.links.filter(sent_at__isnull=False).exists()
    page = coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert 'data-round-mailing="failed"' in page and "未送付のリンクをメールで送る（3件）" in page

    coordinator.post(f"/resources/rounds/{round_.pk}/send/")
    assert len(mail.outbox) == 3
    assert round_.mailings.first().status == "done"
