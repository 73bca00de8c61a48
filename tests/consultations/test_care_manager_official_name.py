"""相談者区分 is called by its official name ケアマネジャー (介護支援専門員). Migration 0013 renames the
old row in place (same pk), so consultations and closed months keep it, and an old sheet that
writes ケアマネージャー still imports."""

import datetime
import importlib

import pytest
from django.apps import apps

from consultations import services
from consultations.models import ConsultantType, ConsultantTypeSynonym, Consultation, MonthClosing
from consultations.services import _submitted_lines
from tests.consultations.factories import make_consultation
from tests.consultations.test_import_loose_values import parse_one

migration = importlib.import_module("consultations.migrations.0013_care_manager_official_name")


def test_the_reference_data_names_the_official_word(cast):
    names = set(ConsultantType.objects.values_list("name", flat=True))
    assert "ケアマネジャー" in names and "ケアマネージャー" not in names
    # The old spelling is kept as a synonym for the import; the name itself needs none.
    synonym = ConsultantTypeSynonym.objects.get(term="ケアマネージャー")
    assert synonym.consultant_type.name == "ケアマネジャー"
    assert not ConsultantTypeSynonym.objects.filter(term="ケアマネジャー").exists()


def test_the_consultation_form_offers_ケアマネジャー(client_for, cast):
    response = client_for("coordinator").get("/consultations/new/", follow=True)
    assert response.status_code == 200, response
    html = response.content.decode()
    assert "ケアマネジャー" in html and "ケアマネージャー" not in html


@pytest.fixture
def old_database(cast):
    """The state before 0013: the type named ケアマネージャー with ケアマネジャー as its synonym,
    a consultation of it and a closed month whose submitted figures name it."""
    ctype = ConsultantType.objects.get(name="ケアマネジャー")
    ConsultantTypeSynonym.objects.filter(term="ケアマネージャー").delete()
    ctype.name = "ケアマネージャー"
    ctype.save()
    ConsultantTypeSynonym.objects.create(term="ケアマネジャー", consultant_type=ctype)
    consultation = make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネージャー", ["連絡調整"])
    closing = services.close_month(
        None, cast.center1, 2026, 8, today=datetime.date(2026, 9, 10), user=cast.coordinator
    )
    assert ["相談者", "ケアマネージャー", 1] in closing.submitted
    return ctype, consultation, closing


def test_the_migration_renames_the_row_in_place(old_database):
    ctype, consultation, _ = old_database
    migration.forwards(apps, None)
    renamed = ConsultantType.objects.get(pk=ctype.pk)
    assert renamed.name == "ケアマネジャー" and renamed.sort_order == ctype.sort_order
    assert not ConsultantType.objects.filter(name="ケアマネージャー").exists()
    assert Consultation.objects.get(pk=consultation.pk).consultant_type_id == ctype.pk
    assert ConsultantTypeSynonym.objects.get(term="ケアマネージャー").consultant_type_id == ctype.pk
    assert not ConsultantTypeSynonym.objects.filter(term="ケアマネジャー").exists()


def test_a_month_closed_before_the_rename_shows_no_change_after_it(old_database, cast):
    _, _, closing = old_database
    migration.forwards(apps, None)
    closing = MonthClosing.objects.get(pk=closing.pk)
    assert ["相談者", "ケアマネジャー", 1] in closing.submitted
    lines = _submitted_lines(cast.center1, 2026, 8, datetime.date(2026, 9, 10))
    assert closing.changed_keys([tuple(line) for line in lines]) == []


def test_the_migration_runs_backwards(old_database):
    ctype, _, closing = old_database
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    assert ConsultantType.objects.get(pk=ctype.pk).name == "ケアマネージャー"
    assert ConsultantTypeSynonym.objects.get(term="ケアマネジャー").consultant_type_id == ctype.pk
    assert ["相談者", "ケアマネージャー", 1] in MonthClosing.objects.get(pk=closing.pk).submitted


@pytest.mark.parametrize("text", ["ケアマネージャー", "ｹｱﾏﾈｰｼﾞｬｰ", "ケアマネジャー", "介護支援専門員"])
def test_an_old_sheet_that_writes_either_spelling_imports(cast, text):
    consultation, result = parse_one(相談者区分=text)
    assert result.ok, result.error_lines()
    assert consultation.consultant_type.name == "ケアマネジャー"
