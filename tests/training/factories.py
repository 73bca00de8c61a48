import datetime
from zoneinfo import ZoneInfo

from coordination.models import Profession
from training.models import Event, Item, Question, Survey

TOKYO = ZoneInfo("Asia/Tokyo")


def at(*parts):
    return datetime.datetime(*parts, tzinfo=TOKYO)


def profession(name):
    return Profession.objects.get_or_create(name=name)[0]


def make_event(center, when=(2026, 12, 10, 18, 30), title="多職種連携研修会", item=Item.TRAINING, **fields):
    return Event.objects.create(center=center, title=title, item=item, starts_at=at(*when), **fields)


def make_survey(event, opens=(2026, 12, 10, 18, 0), closes=(2026, 12, 24, 18, 0), questions=None, **fields):
    survey = Survey.objects.create(event=event, opens_at=at(*opens), closes_at=at(*closes), **fields)
    for i, (text, kind) in enumerate(
        questions
        or [("満足度", Question.Kind.RATING), ("理解度", Question.Kind.RATING), ("感想", Question.Kind.TEXT)]
    ):
        Question.objects.create(survey=survey, text=text, kind=kind, sort_order=i)
    return survey
