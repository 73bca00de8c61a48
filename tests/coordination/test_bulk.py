import gc
import sys
import threading

import pytest
from django.db import connection
from django.utils import timezone

from coordination import bulk
from resources.models import Facility, FacilityChange, FacilityKind


def test_read_ahead_yields_every_item_in_chunks_and_restores_the_process_settings():
    before = sys.getswitchinterval(), gc.get_threshold()
    chunks = bulk.read_ahead(iter(range(7)), 3)
    assert next(chunks) == [0, 1, 2]
    assert gc.get_threshold()[0] == bulk.BATCH_GC_THRESHOLD
    assert list(chunks) == [[3, 4, 5], [6]]
    assert (sys.getswitchinterval(), gc.get_threshold()) == before


def test_read_ahead_raises_the_workers_error_in_the_caller():
    def items():
        yield 1
        raise ValueError("行 2 が読めません")

    with pytest.raises(ValueError, match="行 2"):
        list(bulk.read_ahead(items(), 1))


def test_read_ahead_stops_its_worker_when_the_caller_stops():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    chunks = bulk.read_ahead(endless(), 10, depth=1)
    assert next(chunks) == list(range(10))
    chunks.close()
    assert not any(t.name == "read-ahead" and t.is_alive() for t in threading.enumerate())
    assert len(produced) <= 40  # the chunk handed over, one queued, one being read, one more


def _row(name):
    row = bulk.blank_row(Facility)
    now = timezone.now()
    row.update(
        kind_id=FacilityKind.objects.get(code="clinic").pk,
        name=name,
        search_text=name,
        created_at=now,
        updated_at=now,
    )
    return row


def test_insert_hands_the_new_ids_to_meanwhile_and_writes_any_model(cast):
    seen = []
    ids = bulk.insert(Facility, [_row("一括一"), _row("一括二")], meanwhile=seen.append)
    assert seen == [ids]
    assert list(Facility.objects.filter(pk__in=ids).values_list("name", flat=True).order_by("pk")) == [
        "一括一",
        "一括二",
    ]
    changes = [
        {"facility_id": pk, "action": "import", "fields": ["名称"], "at": "2026-04-01T00:00:00+09:00"}
        for pk in ids
    ]
    changes = [{**c, "user_id": None, "batch_id": None} for c in changes]
    bulk.insert(FacilityChange, changes)
    assert FacilityChange.objects.filter(facility_id__in=ids, fields=["名称"]).count() == 2


def test_insert_leaves_unnamed_columns_to_their_defaults(cast):
    kind_id = FacilityKind.objects.get(code="clinic").pk
    now = timezone.now()
    common = {
        "kind_id": kind_id,
        "created_at": now,
        "updated_at": now,
        "manual_fields": [],
        "search_text": "",
    }
    rows = [{**common, "name": "疎一", "phone": "093-000-0001"}, {**common, "name": "疎二"}]
    ids = bulk.insert(Facility, rows)
    saved = Facility.objects.filter(pk__in=ids).order_by("pk")
    assert [(f.name, f.phone, f.fax, f.area_id, f.capacity) for f in saved] == [
        ("疎一", "093-000-0001", "", None, None),
        ("疎二", "", "", None, None),
    ]


def test_insert_each_writes_one_row_per_value_with_the_same_other_columns(cast, django_assert_num_queries):
    ids = bulk.insert(Facility, [_row("一行一"), _row("一行二"), _row("一行三")])
    at = timezone.now().replace(microsecond=0)
    fields = [["名称"], ['引用"符', "住所"], ["名称"]]
    with django_assert_num_queries(1):
        bulk.insert_each(
            FacilityChange,
            "facility_id",
            ids,
            varying=("fields", fields),
            user_id=cast.admin.pk,
            at=at,
            action="import",
            batch_id=None,
        )
    rows = FacilityChange.objects.filter(facility_id__in=ids).order_by("facility_id")
    assert [(c.facility_id, c.user_id, c.at, c.action, c.fields, c.batch_id) for c in rows] == [
        (pk, cast.admin.pk, at, "import", f, None) for pk, f in zip(ids, fields, strict=True)
    ]
    with django_assert_num_queries(1):
        bulk.insert_each(FacilityChange, "facility_id", ids[:1], action="confirm", at=at, fields=["確認"])
    assert FacilityChange.objects.get(facility_id=ids[0], action="confirm").fields == ["確認"]
    with django_assert_num_queries(0):
        bulk.insert_each(FacilityChange, "facility_id", [], action="import")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and the sequence are PostgreSQL's")
def test_id_pool_draws_growing_blocks_once_each(cast, django_assert_num_queries):
    pool = bulk.IdPool(Facility, largest_block=100)
    with django_assert_num_queries(2):  # the sequence's name, then one block
        first = pool.take(3)
    with django_assert_num_queries(1):  # 4 × 3 taken = 12 more
        second = pool.take(5)
    with django_assert_num_queries(0):
        third = pool.take(7)
    ids = first + second + third
    assert len(set(ids)) == 15 and ids == sorted(ids)


def test_in_list_filters_like_in(cast):
    ids = bulk.insert(Facility, [_row("配列一"), _row("配列二"), _row("配列三")])
    found = Facility.objects.filter(bulk.in_list(Facility, "id", ids[:2])).values_list("name", flat=True)
    assert sorted(found) == ["配列一", "配列二"]


def test_in_list_matches_text_with_array_syntax_characters(cast):
    names = ['引用"符', "逆\\斜線", "読点,あり", "{波括弧}", "空 白", "NULL", ""]
    bulk.insert(Facility, [_row(name) for name in [*names, "対象外"]])
    found = Facility.objects.filter(bulk.in_list(Facility, "name", names)).values_list("name", flat=True)
    assert sorted(found) == sorted(names)
    assert not Facility.objects.filter(bulk.in_list(Facility, "name", ["NUL", "逆"])).exists()


def test_overlapping_read_aheads_give_the_process_settings_back_once_both_end():
    before = sys.getswitchinterval(), gc.get_threshold()
    first = bulk.read_ahead(iter(range(4)), 1)
    second = bulk.read_ahead(iter(range(4)), 1)
    next(first), next(second)
    first.close()
    assert sys.getswitchinterval() < before[0]  # the second still runs
    assert gc.get_threshold()[0] == bulk.BATCH_GC_THRESHOLD
    second.close()
    assert (sys.getswitchinterval(), gc.get_threshold()) == before
