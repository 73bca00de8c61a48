"""Facility import: rows per second of a national 介護サービス情報公表 CSV, first import and
re-import with 10% changed rows, peak memory, against django-import-export with default
settings (a ModelResource keyed on the code) measured in the same run.

    .ci/with-postgres .venv/bin/python bench/imports.py --rows 100000

Targets (docs/performance.md): PostgreSQL, 100,000 rows: ≥ 10,000 rows/s for both imports,
memory bounded, all or nothing; ≥ 12× django-import-export."""

import argparse
import csv
import io
import resource
import sys
import time

import _setup  # noqa: F401
from _setup import migrate, vendor

from resources.imports.formats import KaigoFormat

PREFIX = "99"  # the codes this bench owns; removed at the start
WARDS = ["小倉北区", "小倉南区", "八幡西区", "八幡東区", "戸畑区", "門司区", "若松区"]
WORDS = ["ひまわり", "さくら", "あおぞら", "やすらぎ", "ふれあい", "なごみ", "みどり", "つばさ"]


def national_csv(n, changed_every=0):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(KaigoFormat.columns)
    for i in range(n):
        ward = WARDS[i % len(WARDS)]
        phone = f"093‐{i % 900 + 100:03d}‐{i % 10000:04d}"
        if changed_every and i % changed_every == 0:
            phone = f"０９３－９９９－{i % 10000:04d}"
        writer.writerow(
            [
                "401005",
                str(i + 1),
                "福岡県",
                f"北九州市{ward}",
                f"訪問介護ステーション{WORDS[i % len(WORDS)]}{i}",
                f"ホウモンカイゴステーション{i}",
                "訪問介護",
                f"北九州市{ward}{i % 40 + 1}丁目{i % 20 + 1}-{i % 9 + 1}",
                "ビル2F" if i % 5 == 0 else "",
                f"{33.8 + (i % 1000) / 10000:.6f}",
                f"{130.8 + (i % 997) / 10000:.6f}",
                phone,
                "",
                f"{1290001000000 + i}",
                f"株式会社ケア{i % 3000}",
                f"{PREFIX}{i:08d}",
                "平日,土曜日" if i % 2 else "平日",
                "年末年始（改行）休み" if i % 7 == 0 else "",
                str(i % 30),
                "https：//example.jp/" if i % 11 == 0 else "",
                "",
                "",
                "",
                "",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def city_areas():
    """The city and its wards, as every deployment has them: each imported row is then given
    its ward from the address (and the database checks the reference), as in real use."""
    from coordination.models import Area

    city, _ = Area.objects.get_or_create(parent=None, name="北九州市", defaults={"kind": Area.Kind.CITY})
    for ward in WARDS:
        Area.objects.get_or_create(parent=city, name=ward, defaults={"kind": Area.Kind.WARD})


def clean():
    from resources.models import Facility, FacilityChange, FacilityImport

    FacilityChange.objects.filter(facility__code__startswith=PREFIX).delete()
    Facility.objects.filter(code__startswith=PREFIX).delete()
    FacilityImport.objects.filter(file_name__startswith="bench-").delete()


def vacuum():
    if vendor() == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            # The tables clean() emptied, as autovacuum would between two real imports.
            cursor.execute("VACUUM ANALYZE resources_facility, resources_facilitychange")


def ours(data, label):
    from resources import imports
    from resources.models import FacilityImport

    batch = FacilityImport.objects.create(file_name=f"bench-{label}.csv")
    t = time.perf_counter()
    plan = imports.run(data, "jigyosho_110.csv", write=True, batch=batch)
    elapsed = time.perf_counter() - t
    assert plan.ok, plan.error_lines()[:5]
    return plan, elapsed


def baseline(n):
    """django-import-export, default settings: one ModelResource keyed on the code, the
    columns already renamed to model fields (which favours it)."""
    import tablib
    from import_export import resources

    from resources.models import Facility, FacilityKind

    class FacilityResource(resources.ModelResource):
        class Meta:
            model = Facility
            import_id_fields = ("code",)
            fields = ("code", "kind", "name", "name_kana", "address", "phone", "corporation_name", "capacity")

    kind = FacilityKind.objects.get(service_code="110")
    dataset = tablib.Dataset(headers=list(FacilityResource.Meta.fields))
    for i in range(n):
        dataset.append(
            [
                f"{PREFIX}9{i:07d}",
                kind.pk,
                f"比較用事業所{i}",
                "ヒカク",
                f"北九州市小倉北区{i}",
                "093-000-0000",
                "法人",
                10,
            ]
        )
    t = time.perf_counter()
    result = FacilityResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - t
    assert not result.has_errors()
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=3_000)
    args = parser.parse_args()
    migrate()
    clean()
    city_areas()
    vacuum()
    n = args.rows
    first = national_csv(n)
    changed = national_csv(n, changed_every=10)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    plan, t_first = ours(first, "first")
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert plan.created == n, plan.summary()
    from resources.models import Facility

    assert not Facility.objects.filter(code__startswith=PREFIX, area=None).exists()  # wards found
    vacuum()
    plan2, t_change = ours(changed, "changes")
    assert (plan2.updated, plan2.unchanged) == (n // 10, n - n // 10), plan2.summary()
    plan3, t_same = ours(changed, "same")
    assert plan3.unchanged == n, plan3.summary()
    rss2 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t_base = baseline(args.baseline_rows)
    base_rate = args.baseline_rows / t_base
    clean()
    print(f"database: {vendor()}, rows: {n:,} ({len(first) / 1e6:.1f} MB CSV)")
    print(
        f"first import:           {t_first:6.1f} s  {n / t_first:8,.0f} rows/s  ({n / t_first / base_rate:.1f}x django-import-export)"
    )
    print(
        f"re-import, 10% changed: {t_change:6.1f} s  {n / t_change:8,.0f} rows/s  ({n / t_change / base_rate:.1f}x)"
    )
    print(f"re-import, unchanged:   {t_same:6.1f} s  {n / t_same:8,.0f} rows/s")
    print(
        f"django-import-export:   {t_base:6.1f} s  {base_rate:8,.0f} rows/s  (default ModelResource, {args.baseline_rows:,} rows)"
    )
    print(
        f"peak RSS: {rss0 / 1024:.0f} MB before, {rss1 / 1024:.0f} MB after the first import, {rss2 / 1024:.0f} MB after all"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
