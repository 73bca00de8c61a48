"""Consultation report: server time of the fiscal-year report for all centers, with its query
count, against a per-topic loop baseline (one COUNT per center × item) in the same run.

    .ci/with-postgres .venv/bin/python bench/report.py --consultations 200000

Target (docs/performance.md): PostgreSQL, 200,000 consultations: ≥ 10× the per-item loop, ≤ 12
queries. A hello view (/healthz) is measured in the same run as the floor."""

import argparse
import statistics
import sys
import time

import _setup  # noqa: F401
from _setup import migrate, percentile, vendor


def ensure_data(n):
    from django.core.management import call_command

    from consultations.models import Consultation

    have = Consultation.objects.count()
    if have < n:
        t = time.perf_counter()
        call_command("seed_demo", consultations=n - have, stdout=sys.stderr)
        print(
            f"seeded to {Consultation.objects.count()} consultations in {time.perf_counter() - t:.0f}s",
            file=sys.stderr,
        )
    if vendor() == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def baseline(period, centers):
    """What a naive report does: one query per center × category item."""
    from consultations.models import ConsultantType, Consultation, Topic

    first, after = period.bounds
    numbers = {}
    for center in centers:
        base = Consultation.objects.filter(center=center, received_at__gte=first, received_at__lt=after)
        for t in ConsultantType.objects.all():
            numbers[(center.pk, "type", t.pk)] = base.filter(consultant_type=t).count()
        for topic in Topic.objects.all():
            numbers[(center.pk, "topic", topic.pk)] = base.filter(topics=topic).count()
    return numbers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--consultations", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    migrate()
    ensure_data(args.consultations)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultations.models import Consultation
    from consultations.reports import period_from
    from coordination import dates
    from coordination.models import Center, User

    fy = dates.fiscal_year(dates.today())
    client = Client()
    client.force_login(User.objects.get(username="demo-official"))
    url = f"/consultations/reports/?fiscal_year={fy}"
    client.get(url)
    samples = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    hello = []
    for _ in range(args.repeat * 3):
        t = time.perf_counter()
        client.get("/healthz")
        hello.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    csv_t = time.perf_counter()
    client.get(url + "&format=csv")
    csv_ms = (time.perf_counter() - csv_t) * 1000

    centers = list(Center.objects.all())
    period = period_from({"fiscal_year": fy})
    base_samples = []
    for _ in range(max(1, args.repeat // 3)):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as base_ctx:
            baseline(period, centers)
        base_samples.append((time.perf_counter() - t) * 1000)

    print(
        f"# report bench: {vendor()}, {Consultation.objects.count()} consultations, fiscal year {fy}, "
        f"{len(centers)} centers"
    )
    print(
        f"portal report page: median {statistics.median(samples):.0f} ms, p95 {percentile(samples, 95):.0f} ms, "
        f"{len(ctx)} queries (session and user included); CSV export {csv_ms:.0f} ms"
    )
    print(
        f"baseline per-item loop (counts only, no page): median {statistics.median(base_samples):.0f} ms, "
        f"{len(base_ctx)} queries"
    )
    print(f"hello view (/healthz): median {statistics.median(hello):.1f} ms")
    print(
        f"ratio: {statistics.median(base_samples) / statistics.median(samples):.1f}x  (target ≥ 10x, ≤ 12 queries)"
    )


if __name__ == "__main__":
    main()
