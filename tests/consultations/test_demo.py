"""The demo's consultations read as calls from real people: each 相談者's 所属 and 氏名 fit the
相談者区分 they were logged under, and the summaries are not the same few sentences repeated."""

import datetime
import io
from collections import Counter

import pytest

from consultations import demo, tallies
from consultations.models import Consultation, DailyTally
from coordination import dates
from coordination import demo as coordination_demo
from resources import demo as resources_demo

pytestmark = pytest.mark.django_db

FITS = {
    "ケアマネジャー": lambda a: (
        a.endswith(("ケアプランセンター", "居宅介護支援事業所")) or "居宅介護支援事業所" in a
    ),
    "訪問看護": lambda a: "訪問看護ステーション" in a,
    "地域包括支援センター": lambda a: a.endswith("地域包括支援センター"),
    "区役所・保健福祉センター": lambda a: a.endswith("区役所 保健福祉課"),
    "医療関係者": lambda a: a.endswith(("病院", "クリニック", "室")),
    "その他(区民等)": lambda a: a == "本人" or a.startswith("家族（"),
}


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2026, 5, 20))
    out = io.StringIO()
    coordination_demo.seed(out)
    resources_demo.seed(out)
    demo.seed(out)
    return Consultation.objects.exclude(summary__startswith="締めた後に")


def test_each_consultants_affiliation_and_name_fit_their_type(seeded):
    rows = list(seeded.values_list("consultant_type__name", "consultant_affiliation", "consultant_name"))
    assert len(rows) > 300
    wrong = [r for r in rows if not FITS[r[0]](r[1])]
    assert not wrong, wrong[:5]
    assert {r[0] for r in rows} == set(FITS)  # every type is seen in the demo
    # the public consult as the client or as family, the 続柄 in their name
    public = [r for r in rows if r[0] == "その他(区民等)"]
    assert all(
        r[2].endswith(("（本人）", "（長女）", "（長男）", "（次女）", "（妻）", "（夫）")) for r in public
    )
    assert any(r[1] == "本人" for r in public) and any(r[1] != "本人" for r in public)
    # a 区役所's 所属 is the client's own ward
    for c in seeded.filter(consultant_type__name="区役所・保健福祉センター").select_related("client_area"):
        assert c.consultant_affiliation == f"{c.client_area.name}役所 保健福祉課"


def test_the_summaries_vary(seeded):
    summaries = Counter(seeded.values_list("summary", flat=True))
    total = sum(summaries.values())
    # six cases of old read as six sentences repeated; now no sentence is more than a few percent
    assert len(summaries) > 100 and max(summaries.values()) < total * 0.05, summaries.most_common(3)


def test_seeding_again_keeps_the_records_and_tallies_equal_to_a_recount(seeded):
    count = Consultation.objects.count()
    demo.seed(io.StringIO())
    assert Consultation.objects.count() == count
    seeded_tallies = sorted(DailyTally.objects.values_list("center_id", "day", "kind", "key", "n"))
    tallies.recount_consultations(Consultation.objects.all())
    assert sorted(DailyTally.objects.values_list("center_id", "day", "kind", "key", "n")) == seeded_tallies
