"""Directory search: server time of /resources/ (median, p95) over a fixed list of queries,
against a naive `icontains` baseline and a hello view (/healthz: one query, no template), all
measured in the same run on the same data.

    python bench/search.py --facilities 5000                                 # SQLite, a center
    .ci/with-postgres .venv/bin/python bench/search.py --facilities 50000    # PostgreSQL, a prefecture

Targets (docs/performance.md), at 50k on PostgreSQL: p95 ≥ 5× faster than the naive page and
≤ 10× the hello view. Pages render from the database every time (there is no cache)."""

import argparse
import statistics
import sys
import time

import _setup  # noqa: F401  (Django set-up)
from _setup import migrate, percentile, vendor

QUERIES = [
    "q=眼科",  # 2 characters: name or specialty
    "q=森",  # 1 character
    "q=ひまわり",  # hiragana finding katakana
    "q=ｻｸﾗ",  # half-width kana
    "q=小倉北区大手町",
    "q=クリニック 守恒",
    "q=訪問診療 八幡西区",
    "q=中央",
    "kind={clinic}",  # facet only
    "capabilities={visit}&capabilities={eol}",
    "kind={clinic}&area={ward}&capabilities={visit}",
    "q=薬局&capabilities={narcotics}",
    "specialty={eye}",
    "accepting=on&kind={clinic}",
    "q=存在しない施設名",  # nothing found
]


def naive_search(self, text, names=None, direct_lines=False):
    """The baseline: icontains on each raw field, no normalisation, no index."""
    from django.db.models import Q

    for term in (text or "").split():
        self = self.filter(
            Q(name__icontains=term)
            | Q(name_kana__icontains=term)
            | Q(address__icontains=term)
            | Q(corporation_name__icontains=term)
        )
    return self


def ensure_data(n):
    from django.core.management import call_command

    from resources.models import Facility

    have = Facility.objects.count()
    if have < n:
        t = time.perf_counter()
        call_command("seed_demo", facilities=max(0, n - 301), stdout=sys.stderr)
        print(
            f"seeded to {Facility.objects.count()} facilities in {time.perf_counter() - t:.1f}s",
            file=sys.stderr,
        )
    if vendor() == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run(client, queries, repeat, path="/resources/?"):
    times = []
    per_query = {}
    for query in queries:
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(path + query)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (query, response.status_code)
        per_query[query] = statistics.median(samples)
        times.extend(samples)
    return times, per_query


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    args = parser.parse_args()

    migrate()
    ensure_data(args.facilities)

    from django.test import Client

    from coordination.models import Area, User
    from resources.models import Capability, FacilityKind, FacilityQuerySet, Specialty

    ids = {
        "clinic": FacilityKind.objects.get(code="clinic").pk,
        "visit": Capability.objects.get(code="home-visit").pk,
        "eol": Capability.objects.get(code="end-of-life").pk,
        "narcotics": Capability.objects.get(code="narcotics").pk,
        "ward": Area.objects.get(name="八幡西区").pk,
        "eye": Specialty.objects.get(name="眼科").pk,
    }
    queries = [q.format(**ids) for q in QUERIES]
    client = Client()
    client.force_login(User.objects.get(username="demo-professional"))
    run(client, queries[:3], 1)  # warm-up

    hello, _ = run(client, [""], args.repeat * 5, path="/healthz")
    portal, portal_each = run(client, queries, args.repeat)
    original = FacilityQuerySet.search
    FacilityQuerySet.search = naive_search
    try:
        baseline, baseline_each = run(client, queries, args.baseline_repeat)
    finally:
        FacilityQuerySet.search = original

    from resources.models import Facility

    print(f"# search bench: {vendor()}, {Facility.objects.count()} facilities, {len(queries)} queries")
    if vendor() == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            cost = cursor.fetchone()[0]
        # The planner's default (4, for spinning disks) reads the whole table for a specialty's
        # few hundred matches; production and the CI and bench clusters run with 1.1 (README).
        print(f"# random_page_cost = {cost}" + ("" if float(cost) < 2 else "  (not 1.1: see README)"))
    print(f"{'query':52} {'portal ms':>10} {'naive ms':>10} {'ratio':>7}")
    for q in queries:
        ratio = baseline_each[q] / portal_each[q] if portal_each[q] else 0
        print(f"{q:52} {portal_each[q]:10.1f} {baseline_each[q]:10.1f} {ratio:7.1f}")
    p50, p95 = statistics.median(portal), percentile(portal, 95)
    b50, b95 = statistics.median(baseline), percentile(baseline, 95)
    print(f"portal:   median {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"baseline: median {b50:.1f} ms, p95 {b95:.1f} ms")
    h50, h95 = statistics.median(hello), percentile(hello, 95)
    print(f"hello view (/healthz): median {h50:.1f} ms, p95 {h95:.1f} ms")
    print(
        f"ratio (baseline / portal): median {b50 / p50:.1f}x, p95 {b95 / p95:.1f}x  (target at 50k: p95 ≥ 5x)"
    )
    print(f"portal / hello view: p95 {p95 / h95:.1f}x  (target: ≤ 10x)")


if __name__ == "__main__":
    main()
