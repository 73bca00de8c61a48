"""The import journeys again, committed as in production: outside a transaction, PostgreSQL
imports match each chunk in the reading thread on a connection of its own (the other test
modules run inside a transaction, where the matching stays on the test's connection)."""

import pytest
from django.db import connection

from coordination import bulk
from resources import imports
from resources.models import Facility
from tests.resources import test_import_bad_input as bad
from tests.resources import test_import_round_trip as round_trip
from tests.resources import test_imports as formats
from tests.resources.samples import as_csv, kaigo_rows

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="matching ahead is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def matched_ahead(monkeypatch):
    """Fails the test unless its imports matched in the reading thread."""
    used = []

    def read_ahead(items, chunk_size, depth=2, each=None):
        used.append(each is not None)
        return original(items, chunk_size, depth, each)

    original = bulk.read_ahead
    monkeypatch.setattr(imports.bulk, "read_ahead", read_ahead)
    yield
    assert used and all(used), used


directory = round_trip.directory

test_kaigo_open_data_quirks_are_repaired = formats.test_kaigo_open_data_quirks_are_repaired
test_reimporting_the_same_file_changes_nothing = formats.test_reimporting_the_same_file_changes_nothing
test_a_file_of_many_chunks_writes_each_row_and_its_change_once = (
    formats.test_a_file_of_many_chunks_writes_each_row_and_its_change_once
)
test_a_changed_row_updates_only_its_fields = formats.test_a_changed_row_updates_only_its_fields
test_one_office_in_two_service_files_stays_one_office_with_two_services = (
    formats.test_one_office_in_two_service_files_stays_one_office_with_two_services
)
test_hand_edited_fields_are_never_overwritten = (
    formats.test_hand_edited_and_professional_fields_are_never_overwritten_by_national_data
)
test_kouseikyoku_list_sets_capabilities_with_their_dates = (
    formats.test_kouseikyoku_list_sets_capabilities_with_their_dates
)
test_kouseikyoku_withdrawn_capability_goes_but_hand_set_ones_stay = (
    formats.test_kouseikyoku_withdrawn_capability_goes_but_hand_set_ones_stay
)
test_navii_row_joins_the_facility_the_kouseikyoku_list_created = (
    formats.test_navii_row_joins_the_facility_the_kouseikyoku_list_created
)
test_edits_in_the_sheet_are_exactly_what_changes = round_trip.test_edits_in_the_sheet_are_exactly_what_changes
test_portal_sheet_errors_name_row_and_column = round_trip.test_portal_sheet_errors_name_row_and_column
test_duplicate_code_inside_the_file = bad.test_duplicate_code_inside_the_file
test_one_bad_row_among_good_ones_saves_nothing = bad.test_one_bad_row_among_good_ones_saves_nothing


def _connections():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_the_reading_threads_connection_is_closed_after_each_import(cast):
    before = _connections()
    plan = imports.run(as_csv(kaigo_rows()), "jigyosho_430.csv", write=True)
    assert (plan.created, len(plan.errors)) == (2, 0)
    preview = imports.run(as_csv(kaigo_rows()), "jigyosho_430.csv")
    assert (preview.created, preview.unchanged) == (0, 2)
    assert _connections() == before
    assert Facility.objects.filter(code__in=["0470100011", "0470100029"]).count() == 2
