"""Facility import, two measurements with their baselines taken in the same run:

1. A national 介護サービス情報公表 CSV of --rows rows from all over Japan, imported for one city
   (about 1% of the rows are its own): total time against reading and parsing the same file with
   the csv module alone; peak memory.
2. --city-rows rows all in the city: the first import, a re-import with 10% changed and an
   unchanged re-import, against django-import-export with default settings (a ModelResource keyed
   on the code) on --baseline-rows rows.

    .ci/with-postgres .venv/bin/python bench/imports.py

Targets (docs/performance.md): (1) ≤ 3× the csv module; (2) first import ≥ 5× django-import-export,
unchanged re-import ≤ half the first import."""

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


# The wards' 市町村コード (北九州市 40100, wards 40101–40107 with their check digits).
WARD_CODES = ["401064", "401072", "401099", "401081", "401056", "401013", "401021"]


def national_csv(n, changed_every=0, city_share=1.0):
    """n rows; `city_share` of them in the city, the rest spread over the other prefectures."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(KaigoFormat.columns)
    city_every = round(1 / city_share) if city_share else 0
    for i in range(n):
        ward = WARDS[i % len(WARDS)]
        in_city = city_every and i % city_every == 0
        code = WARD_CODES[i % len(WARD_CODES)] if in_city else f"{i % 46 + 1:02d}{201 + i % 300:03d}1"
        if not in_city:
            ward = f"市{i % 300}"
        phone = f"093‐{i % 900 + 100:03d}‐{i % 10000:04d}"
        if changed_every and i % changed_every == 0:
            phone = f"０９３－９９９－{i % 10000:04d}"
        writer.writerow(
            [
                code,
                str(i + 1),
                "福岡県" if in_city else "どこか県",
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

    city, _ = Area.objects.update_or_create(
        parent=None, name="北九州市", defaults={"kind": Area.Kind.CITY, "code": "401005"}
    )
    for ward, code in zip(WARDS, WARD_CODES, strict=True):
        Area.objects.update_or_create(parent=city, name=ward, defaults={"kind": Area.Kind.WARD, "code": code})


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
    assert plan.ok and not plan.rejected, plan.error_lines()[:5]
    return plan, elapsed


def csv_only(data):
    """The floor: decoding the file and splitting every row into its cells, nothing else."""
    t = time.perf_counter()
    rows = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    elapsed = time.perf_counter() - t
    return rows, elapsed


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
    parser.add_argument("--city-rows", type=int, default=10_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    args = parser.parse_args()
    migrate()
    clean()
    city_areas()
    vacuum()
    from resources.models import Facility

    # 1. The national file for one city.
    national = national_csv(args.rows, city_share=0.01)
    _, t_csv = csv_only(national)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    plan, t_national = ours(national, "national")
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert plan.out_of_scope == args.rows - plan.created, plan.summary()
    in_city = plan.created
    clean()
    vacuum()

    # 2. A file of the city's own rows.
    n = args.city_rows
    first = national_csv(n)
    changed = national_csv(n, changed_every=10)
    plan, t_first = ours(first, "first")
    assert plan.created == n, plan.summary()
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

    print(f"database: {vendor()}")
    print(f"1. national file, {args.rows:,} rows ({len(national) / 1e6:.1f} MB), {in_city:,} in the city")
    print(f"   csv module only:      {t_csv:6.2f} s")
    print(
        f"   import for the city:  {t_national:6.2f} s  ({t_national / t_csv:.1f}x the csv module; target ≤ 3x)"
    )
    print(f"   peak RSS: {rss0 / 1024:.0f} MB before, {rss1 / 1024:.0f} MB after")
    print(f"2. the city's own file, {n:,} rows")
    rate = n / t_first
    print(
        f"   first import:           {t_first:6.2f} s  {rate:8,.0f} rows/s  ({rate / base_rate:.1f}x django-import-export; target ≥ 5x)"
    )
    print(f"   re-import, 10% changed: {t_change:6.2f} s  {n / t_change:8,.0f} rows/s")
    print(
        f"   re-import, unchanged:   {t_same:6.2f} s  {n / t_same:8,.0f} rows/s  ({t_same / t_first:.2f} of the first; target ≤ 0.5)"
    )
    print(
        f"   django-import-export:   {t_base:6.2f} s  {base_rate:8,.0f} rows/s  (default ModelResource, {args.baseline_rows:,} rows)"
    )
    print(f"   peak RSS after all: {rss2 / 1024:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
