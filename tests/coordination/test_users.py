"""Users: how a name is shown, who may be a superuser, and what happens when someone leaves."""

import re

import pytest
from django.db import connection

from coordination.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_users_name_shows_family_name_first(client_for, cast):
    cast.coordinator.last_name, cast.coordinator.first_name = "連携", "看子"
    cast.coordinator.save()
    assert str(cast.coordinator) == "連携 看子"
    page_text = re.sub(r"<[^>]+>", "", client_for("coordinator").get("/").content.decode())
    assert "連携 看子（コーディネーター" in page_text
    assert str(User(username="only-login")) == "only-login"
    assert str(User(username="x", last_name="連携")) == "連携"
    assert Role.COORDINATOR.label == "コーディネーター"


def test_a_user_in_the_logs_is_deactivated_never_deleted(client_for, cast):
    from django.db.models import ProtectedError

    from coordination.models import AuditEvent
    from coordination.security import audit

    audit(None, AuditEvent.Action.LOGIN, user=cast.coordinator2)
    with pytest.raises(ProtectedError):
        cast.coordinator2.delete()
    admin = client_for("admin")
    page = admin.get(f"/admin/coordination/user/{cast.coordinator2.pk}/delete/").content.decode()
    assert "監査ログ 1件に記録があるため削除できません" in page
    assert "「有効」のチェックを外して無効にしてください" in page
    admin.post(f"/admin/coordination/user/{cast.coordinator2.pk}/delete/", {"post": "yes"})
    bulk = admin.post(
        "/admin/coordination/user/",
        {"action": "delete_selected", "_selected_action": [cast.coordinator2.pk], "post": "yes"},
    )
    assert "削除できません" in bulk.content.decode()
    assert User.objects.filter(pk=cast.coordinator2.pk).exists()
    # A user who never appears in a log can still be removed (a mistaken account).
    mistaken = User.objects.create_user("typo-account")
    admin.post(f"/admin/coordination/user/{mistaken.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=mistaken.pk).exists()


def test_a_user_in_a_consultations_access_log_is_kept_and_the_log_is_append_only(cast):
    from django.db.models import ProtectedError

    from consultations.models import AccessLog
    from tests.consultations.factories import make_consultation

    consultation = make_consultation(cast.center1)
    log = AccessLog.objects.create(user=cast.coordinator, consultation=consultation, path="/x/")
    with pytest.raises(ProtectedError):
        cast.coordinator.delete()
    for attempt in (log.save, log.delete, AccessLog.objects.all().delete):
        with pytest.raises(PermissionError):
            attempt()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(path="/y/")
    # Deleting the consultation forgets its id and keeps who opened it.
    consultation.delete()
    log.refresh_from_db()
    assert log.consultation_id is None and log.user == cast.coordinator and log.path == "/x/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_sql_that_alters_the_access_log(cast):
    from django.db import DatabaseError, transaction

    from consultations.models import AccessLog

    AccessLog.objects.create(user=cast.coordinator, path="/x/")
    for sql in (
        "UPDATE consultations_accesslog SET path = '/y/'",
        "UPDATE consultations_accesslog SET user_id = NULL",
        "DELETE FROM consultations_accesslog",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.get().path == "/x/"


def test_an_admin_adds_a_coordinator_with_a_name_and_the_page_shows_roles_not_django_permissions(
    client_for, cast
):
    admin = client_for("admin")
    add = admin.get("/admin/coordination/user/add/").content.decode()
    assert 'name="last_name"' in add and 'name="first_name"' in add
    admin.post(
        "/admin/coordination/user/add/",
        {
            "username": "c02-yamada",
            "password1": "a-long-pass-2026-xyz",
            "password2": "a-long-pass-2026-xyz",
            "usable_password": "true",
            "last_name": "山田",
            "first_name": "花子",
            "email": "",
            "role": "coordinator",
            "center": cast.center2.pk,
            "ward": "",
            "profession": "",
            "affiliation": "",
        },
    )
    user = User.objects.get(username="c02-yamada")
    assert str(user) == "山田 花子" and user.center == cast.center2
    change = admin.get(f"/admin/coordination/user/{user.pk}/change/").content.decode()
    assert "user_permissions" not in change and 'name="groups"' not in change and 'name="role"' in change
    # The 担当地域 choices come as the tree: the city, then its wards with their 圏域 below.
    ward = change.split('name="ward"', 1)[1].split("</select>", 1)[0]
    assert ward.index("テスト市") < ward.index("東区") < ward.index("東北圏域") < ward.index("西区")
