"""The daily tallies the 月報 reads follow every write path: the form (a changed 受付日時 moves the
count to the new day), a new 連絡調整 row, the import of past logs; and a recount from the records
gives the same numbers as counting the consultations directly."""

import datetime
import io
import random

import pytest
from django.core.management import call_command

from consultations import tallies
from consultations.models import ConsultantType, Consultation, ConsultationTopic, DailyTally, Topic
from consultations.reports import Report, period_from
from coordination.models import Center
from tests.consultations.factories import TOKYO, topic
from tests.consultations.test_consultations import form_data
from tests.consultations.test_import import GOOD, csv_bytes
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def numbers(query, centers=None):
    centers = centers or list(Center.objects.all())
    report = Report(period_from(query), centers).build()
    return {line.key: line.total for line in report.table()}


def test_form_create_edit_and_coordination_keep_the_report_current(client_for, cast):
    client = client_for("coordinator")
    data = form_data(
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk,
        topic_ids=[topic("連絡調整").pk, topic("医療/その他").pk],
    )
    client.post("/consultations/new/", data)
    c = Consultation.objects.get()
    aug = numbers({"year": 2026, "month": 8})
    assert aug[("相談者", "ケアマネジャー")] == 1 and aug[("相談内容", "医療/その他")] == 1
    # Moved to September with one topic less: August is empty again, September has it.
    client.post(
        f"/consultations/{c.pk}/edit/",
        {**data, "received_at": "2026-09-01T09:00", "topic_ids": [topic("連絡調整").pk], "version": "1"},
    )
    aug, sep = numbers({"year": 2026, "month": 8}), numbers({"year": 2026, "month": 9})
    assert aug[("相談者", "合計")] == 0 and aug[("相談内容", "連絡調整")] == 0
    assert sep[("相談者", "ケアマネジャー")] == 1 and sep[("相談内容", "医療/その他")] == 0
    facility = make_facility("受入先クリニック")
    client.post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": f"#{facility.pk}",
            "co-result": "accepted",
            "co-contacted_at": "2026-09-01T09:30",
            "co-means": "phone",
        },
    )
    assert numbers({"year": 2026, "month": 9})[("連絡調整", "受入可")] == 1


def test_imported_past_logs_are_counted(tmp_path, cast):
    path = tmp_path / "log.csv"
    path.write_bytes(csv_bytes(GOOD))
    call_command("import_consultations", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    aug = numbers({"year": 2026, "month": 8}, [cast.center1])
    assert aug[("相談者", "合計")] == 2
    assert aug[("受付方法", "FAX")] == 1 and aug[("状態", "継続")] == 1
    assert aug[("相談内容", "医療/訪問診療できる医療機関に関する事")] == 1


def test_a_recount_matches_counting_the_records_directly(cast):
    rng = random.Random(7)
    types = list(ConsultantType.objects.all())
    leaves = [t for t in Topic.objects.all() if not t.children.exists()]
    start = datetime.datetime(2026, 4, 1, tzinfo=TOKYO)
    made = Consultation.objects.bulk_create(
        Consultation(
            center=rng.choice([cast.center1, cast.center2]),
            received_at=start + datetime.timedelta(minutes=rng.randrange(60 * 24 * 365)),
            consultant_type=rng.choice(types),
            method=rng.choice(["phone", "fax", "email"]),
            status=rng.choice(["open", "done"]),
        )
        for _ in range(400)
    )
    ConsultationTopic.objects.bulk_create(
        ConsultationTopic(consultation=c, topic=t) for c in made for t in rng.sample(leaves, 2)
    )
    tallies.recount_consultations(Consultation.objects.all())
    got = numbers({"fiscal_year": 2026})
    assert got[("相談者", "合計")] == 400
    for t in types:
        assert got[("相談者", t.name)] == Consultation.objects.filter(consultant_type=t).count()
    for leaf in leaves[:5]:
        assert got[("相談内容", leaf.path)] == ConsultationTopic.objects.filter(topic=leaf).count()
    # Month by month, across the Tokyo day boundary.
    report = Report(period_from({"fiscal_year": 2026}), [cast.center1, cast.center2]).build()
    per_month = {label: sum(values) for label, values in report.monthly()}
    for month in (4, 9, 12):
        first = datetime.datetime(2026, month, 1, tzinfo=TOKYO)
        after = datetime.datetime(2026 + (month == 12), month % 12 + 1, 1, tzinfo=TOKYO)
        direct = Consultation.objects.filter(received_at__gte=first, received_at__lt=after).count()
        assert per_month[f"2026年{month}月"] == direct
    assert DailyTally.objects.filter(kind="total").count() <= 2 * 365


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_one_day_are_all_counted(cast):
    """Eight coordinators saving at once on the same center and day: no unique-key collision, and
    the tally counts all eight (each recount waits for the previous one's commit)."""
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by itself")
    moment = datetime.datetime(2030, 1, 7, 10, tzinfo=TOKYO)
    kind = ConsultantType.objects.first()
    barrier, errors = threading.Barrier(8), []

    def save():
        try:
            barrier.wait()
            with transaction.atomic():
                Consultation.objects.create(center=cast.center1, received_at=moment, consultant_type=kind)
                tallies.recount_days({(cast.center1.pk, moment.date())})
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert DailyTally.objects.get(center=cast.center1, day=moment.date(), kind="total").n == 8
