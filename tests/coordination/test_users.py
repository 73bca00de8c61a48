"""Users: how a name is shown, who may be a superuser, and what happens when someone leaves."""

import pytest

from coordination.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_users_name_shows_family_name_first(client_for, cast):
    cast.coordinator.last_name, cast.coordinator.first_name = "連携", "看子"
    cast.coordinator.save()
    assert str(cast.coordinator) == "連携 看子"
    assert "連携 看子（コーディネーター" in client_for("coordinator").get("/").content.decode()
    assert str(User(username="only-login")) == "only-login"
    assert str(User(username="x", last_name="連携")) == "連携"
    assert Role.COORDINATOR.label == "コーディネーター"
