"""seed_demo gives the 年度 before this one, so that the fiscal-year report's 前年度同期 shows in
`make run`: the demo centers' consultations (in bulk, tallied by the recount like any bulk write).
The third center has no records in either year, and no old 月報 totals either: its 延べ件数 and its
相談者 lines then compare alike (the report's 延べ件数 counts paper totals, its 相談者 lines do not)."""

import datetime
import io

import pytest

from consultations import demo, tallies
from consultations.models import Consultation, DailyTally, PastMonthlyTotal
from consultations.reports import Report, period_from
from coordination import dates
from coordination import demo as coordination_demo
from coordination.models import Center
from resources import demo as resources_demo

pytestmark = pytest.mark.django_db


def tally_rows():
    return sorted(DailyTally.objects.values_list("center_id", "day", "kind", "key", "n"))


def test_the_demo_seeds_the_previous_year_for_every_center_with_tallies_equal_to_a_recount(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 5, 20))
    out = io.StringIO()
    coordination_demo.seed(out)
    resources_demo.seed(out)
    demo.seed(out)
    first, after = dates.day_bounds(*dates.fiscal_year_range(2025))
    centers = list(Center.objects.order_by("sort_order"))
    previous = Consultation.objects.filter(received_at__gte=first, received_at__lt=after)
    by_center = {c.code: previous.filter(center=c).count() for c in centers}
    # Every weekday of 2025年度 may have calls: a believable year, a few hundred per center.
    assert by_center["C01"] > 150 and by_center["C02"] > 150 and by_center["C03"] == 0
    assert not PastMonthlyTotal.objects.exists()
    # The tallies are the records' own counts, as a recount gives them.
    seeded = tally_rows()
    tallies.recount_consultations(Consultation.objects.all())
    assert tally_rows() == seeded
    # Idempotent.
    demo.seed(out)
    assert previous.count() == sum(by_center.values()) and not PastMonthlyTotal.objects.exists()
    # The report compares with it: the two centers with records have a 前年度同期.
    report = Report(period_from({"fiscal_year": "2026"}), centers).build(compare=True)
    lines = report.table()
    comparison = report.compare_with_previous(lines)
    assert [c.code for c in comparison.with_data] == ["C01", "C02"]
    cases = next(line for line in lines if line.label == "延べ件数")
    consultants = next(line for line in lines if line.section == "相談者" and line.kind == "total")
    # The months that have ended (April): 2025's of C01 and C02 from records; the 延べ件数 and
    # the 相談者 合計 are the same count, this year and the year before.
    expected = previous.filter(received_at__lt=dates.day_bounds(*dates.month_range(2025, 4))[1]).count()
    assert cases.previous == consultants.previous == expected
    assert cases.total == consultants.total


def test_a_demo_seeded_before_loses_the_third_centers_paper_totals(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 5, 20))
    out = io.StringIO()
    coordination_demo.seed(out)
    c03 = Center.objects.get(code="C03")
    PastMonthlyTotal.objects.create(
        center=c03, year=2025, month=4, consultations=20, source=demo.PAPER_SOURCE
    )
    kept = PastMonthlyTotal.objects.create(center=c03, year=2024, month=4, consultations=9, source="紙の月報")
    resources_demo.seed(out)
    demo.seed(out)
    assert list(PastMonthlyTotal.objects.all()) == [kept]  # an admin's upload is not the demo's
