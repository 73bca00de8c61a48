import datetime

from coordination.models import Organisation
from meetings.models import Issue, Meeting, MeetingKind, Tier


def org(name, short=""):
    return Organisation.objects.get_or_create(name=name, defaults={"short_name": short})[0]


def kind(name):
    return MeetingKind.objects.get(name=name)


def make_meeting(
    center, tier=Tier.PRIMARY, kind_name="打ち合わせ会", day=(2026, 6, 1), organisations=(), **fields
):
    meeting = Meeting.objects.create(
        center=center, tier=tier, kind=kind(kind_name), held_on=datetime.date(*day), **fields
    )
    meeting.organisations.set(organisations)
    return meeting


def make_issue(
    center,
    label="薬-A",
    title="ケアマネジャーの顔が分からない",
    organisation=None,
    day=(2026, 6, 1),
    **fields,
):
    return Issue.objects.create(
        center=center,
        label=label,
        title=title,
        organisation=organisation,
        raised_on=datetime.date(*day),
        **fields,
    )
