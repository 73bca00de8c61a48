"""The demo's attendees' surveys: per center one for its coming training and one, answered, for its
latest held; seeding again (`make run` on an existing demo) adds none for the older trainings."""

import io

import pytest

from consultations import demo as consultations_demo
from coordination import demo as coordination_demo
from resources import demo as resources_demo
from surveys import demo
from surveys.models import Respondent, Survey
from training import demo as training_demo

pytestmark = pytest.mark.django_db


def test_seeding_again_adds_no_event_survey():
    out = io.StringIO()
    for module in (coordination_demo, resources_demo, consultations_demo, training_demo, demo):
        module.seed(out)
    surveys = sorted(
        Survey.objects.filter(event__isnull=False).values_list("event__title", "event__center__code")
    )
    answers = Respondent.objects.count()
    assert len(surveys) == 4  # two centers, a coming and a held training each
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    again = sorted(
        Survey.objects.filter(event__isnull=False).values_list("event__title", "event__center__code")
    )
    assert again == surveys and Respondent.objects.count() == answers
