"""The demo's rounds: the open one of this 年度 and a closed one of the last, so that the rounds
page's 年度ごとの回答状況 shows two years."""

from django.utils import timezone

from coordination.dates import fiscal_year
from resources import demo
from resources.models import ConfirmationRound, UpdateLink
from tests.resources.factories import make_facility


def test_the_demo_adds_a_closed_round_of_the_last_year_once(client_for, cast):
    for i in range(6):
        make_facility(
            f"訪看{i}", kind_code="visiting-nursing", area=cast.ward1, contact_email=f"n{i}@example.jp"
        )
    demo._seed_upkeep()
    demo._seed_upkeep()  # idempotent
    this_year = fiscal_year(timezone.localdate())
    closed = ConfirmationRound.objects.get(closed_at__isnull=False)
    assert fiscal_year(timezone.localtime(closed.started_at).date()) == this_year - 1
    assert not UpdateLink.objects.filter(round=closed, revoked_at__isnull=True).exists()
    assert ConfirmationRound.objects.filter(closed_at__isnull=True).count() == 1
    page = client_for("coordinator").get("/resources/rounds/").content.decode()
    assert f'data-year="{this_year}"' in page and f'data-year="{this_year - 1}"' in page
