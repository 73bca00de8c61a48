"""The 年度 report's notes on reading its table (最少/最大 leaving out centers without records,
前年度同期) sit under a heading of their own, 「この表の見方」, just before the table: not as
bullets under 「締め（提出済み）」."""

import datetime
import re

import pytest

from consultations import services
from coordination import dates
from coordination.models import Center
from tests.consultations.factories import make_consultation
from tests.consultations.test_services import request_of

pytestmark = pytest.mark.django_db


def test_the_notes_have_their_own_heading_before_the_table(client_for, cast, monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 12, 3))
    Center.objects.create(code="C03", name="南センター", sort_order=3)  # nothing entered
    make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    make_consultation(cast.center2, (2026, 8, 4, 10, 0))
    make_consultation(cast.center1, (2025, 8, 4, 10, 0))
    services.close_month(request_of(cast.admin), cast.center1, 2026, 8)
    html = client_for("official").get("/consultations/reports/?fiscal_year=2026").content.decode()
    closing = re.search(
        r'<section class="notice" aria-labelledby="closing-heading">.*?</section>', html, re.S
    )
    assert closing and "締め（提出済み）" in closing.group(0)
    assert "data-range-notes" not in closing.group(0) and "data-previous-notes" not in closing.group(0)
    notes = re.search(
        r'<section aria-labelledby="h-table-notes" data-table-notes>(.*?)</section>', html, re.S
    )
    assert notes, "the notes are in a section of their own"
    body = notes.group(1)
    assert '<h2 id="h-table-notes">この表の見方</h2>' in body
    assert "最少・最大" in body and "除いたセンター" in body and "前年度同期" in body
    # Just before the table it explains.
    assert html.index("data-table-notes") < html.index("data-report-table")
    between = html[html.index('id="h-table-notes"') : html.index("data-report-table")]
    assert "<h2" not in between.replace('<h2 id="h-table-notes">', "")
