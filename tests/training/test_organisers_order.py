"""主催 before 共催 (then 後援) wherever an event's organisers are listed."""

import pytest

from coordination.models import Organisation
from tests.training.factories import make_event
from training.models import EventOrganisation

pytestmark = pytest.mark.django_db


def test_the_list_names_the_host_before_the_co_host_even_when_the_co_host_was_added_first(client_for, cast):
    event = make_event(cast.center1)
    Role = EventOrganisation.Role
    for name, role in [("後援会", Role.SUPPORT), ("薬剤師会", Role.CO_HOST), ("医師会", Role.HOST)]:
        EventOrganisation.objects.create(
            event=event, organisation=Organisation.objects.create(name=name), role=role
        )
    page = client_for("coordinator").get("/training/").content.decode()
    assert "医師会（主催）、薬剤師会（共催）、後援会（後援）" in page
    detail = client_for("coordinator").get(event.get_absolute_url()).content.decode()
    assert detail.index("<dt>主催</dt>") < detail.index("<dt>共催</dt>") < detail.index("<dt>後援</dt>")
