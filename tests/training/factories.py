import datetime
from zoneinfo import ZoneInfo

from coordination.models import Profession
from training.models import Event, Item

TOKYO = ZoneInfo("Asia/Tokyo")


def at(*parts):
    return datetime.datetime(*parts, tzinfo=TOKYO)


def profession(name):
    return Profession.objects.get_or_create(name=name)[0]


def make_event(center, when=(2026, 12, 10, 18, 30), title="多職種連携研修会", item=Item.TRAINING, **fields):
    return Event.objects.create(center=center, title=title, item=item, starts_at=at(*when), **fields)


def make_survey(event, opens=(2026, 12, 10, 18, 0), closes=(2026, 12, 24, 18, 0), questions=None, **fields):
    """The event's attendees' survey (in the survey engine): two ratings and a free text unless
    `questions` [(text, kind)] says otherwise."""
    from surveys.models import Question, Survey

    survey = Survey.objects.create(
        title=f"{event.title} アンケート",
        center=event.center,
        fiscal_year=2026,
        opens_at=at(*opens),
        closes_at=at(*closes),
        audience=Survey.Audience.EVENT,
        event=event,
        **fields,
    )
    for i, (text, kind) in enumerate(
        questions
        or [
            ("満足度", Question.Kind.RATING),
            ("理解度", Question.Kind.RATING),
            ("感想", Question.Kind.LONG_TEXT),
        ],
        start=1,
    ):
        Question.objects.create(survey=survey, key=f"q{i}", text=text, kind=kind, sort_order=i)
    return survey
