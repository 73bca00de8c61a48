"""seed_demo gives the 年度 before this one, so that the fiscal-year report's 前年度同期 shows in
`make run`: the demo centers' consultations (in bulk, tallied by the recount like any bulk write)
and, for the center that kept paper, its old 月報's totals."""

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
    paper = PastMonthlyTotal.objects.filter(center__code="C03", year__in=[2025, 2026])
    assert paper.count() == 12 and all(t.consultations > 0 for t in paper)
    # The tallies are the records' own counts, as a recount gives them.
    seeded = tally_rows()
    tallies.recount_consultations(Consultation.objects.all())
    assert tally_rows() == seeded
    # Idempotent.
    demo.seed(out)
    assert previous.count() == sum(by_center.values()) and PastMonthlyTotal.objects.count() == 12
    # The report compares with it: the three centers have a 前年度同期.
    report = Report(period_from({"fiscal_year": "2026"}), centers).build(compare=True)
    lines = report.table()
    comparison = report.compare_with_previous(lines)
    assert [c.code for c in comparison.with_data] == ["C01", "C02", "C03"]
    cases = next(line for line in lines if line.label == "延べ件数")
    # The months that have ended (April): 2025's of C01 and C02 from records, C03's paper April.
    expected = previous.filter(received_at__lt=dates.day_bounds(*dates.month_range(2025, 4))[1]).count()
    assert cases.previous == expected + paper.get(year=2025, month=4).consultations
