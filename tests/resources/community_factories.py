"""Community resources (サロン, 体操教室 …) for the tests, and a 生活支援コーディネーター."""

import datetime

from coordination.models import Role, User
from resources.models import CommunityActivity, MeetingRule
from tests.conftest import PASSWORD
from tests.resources.factories import make_facility


def make_community(name, area, kind_code="salon", rules=(), contact_public=True, **activity):
    """A community resource in `area`; rules as (pattern, weekday, weeks, day, skips 祝日)."""
    facility = make_facility(name, kind_code=kind_code, area=area, code="", latitude=33.88, longitude=130.88)
    activity.setdefault("organiser", f"{name}の会")
    activity.setdefault("contact_name", "世話役")
    activity.setdefault("contact_phone", "093-111-2222")
    community = CommunityActivity.objects.create(facility=facility, contact_public=contact_public, **activity)
    for pattern, weekday, weeks, day, skips in rules:
        MeetingRule.objects.create(
            activity=community,
            pattern=pattern,
            weekday=weekday,
            weeks=weeks,
            day=day,
            skips_holidays=skips,
            start_time=datetime.time(10),
            end_time=datetime.time(12),
        )
    return facility


SECOND_FOURTH_TUESDAY = (MeetingRule.Pattern.MONTHLY_NTH, 1, "24", None, True)
EVERY_WEDNESDAY = (MeetingRule.Pattern.WEEKLY, 2, "", None, True)
FIFTEENTH = (MeetingRule.Pattern.MONTHLY_DAY, None, "", 15, False)


def make_life_support(area, username="sc"):
    user = User(username=username, role=Role.LIFE_SUPPORT, ward=area, last_name="支援")
    user.set_password(PASSWORD)
    user.save()
    return user
