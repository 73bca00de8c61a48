import io

import pytest

from coordination import demo as coordination_demo
from resources import demo as resources_demo
from rota import demo, panels
from rota.models import BackupBed, Shift, Swap
from tests.rota.factories import local


@pytest.mark.django_db
def test_the_demo_rota_covers_this_and_next_month_with_one_gap_one_swap_and_backup_beds(monkeypatch):
    monkeypatch.setattr(panels, "now", lambda: local(2026, 12, 1, 12, 0))
    out = io.StringIO()
    coordination_demo.seed(out)
    resources_demo.seed(out)
    demo.seed(out)
    assert Shift.objects.count() == 31 + 31  # December 2026 and January 2027, one shift a day
    assert Shift.objects.gaps().count() == 1
    assert Swap.objects.count() == 1
    beds = list(BackupBed.objects.select_related("facility"))
    assert beds and all(b.facility.capabilities.filter(code="backup-hospital").exists() for b in beds)
    assert Shift.objects.filter(kind="year_end").count() == 6  # 12/29–1/3
    demo.seed(out)  # idempotent
    assert (Shift.objects.count(), Swap.objects.count(), Shift.objects.gaps().count()) == (62, 1, 1)
