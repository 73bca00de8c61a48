"""A FAX sign-up sheet says 職種 as people write them: ケアマネジャー, Ns, Dr, 訪看, MSW …. Those
words are data on the profession (Profession.aliases, admin-editable; the common ones added by a
data migration), folded as the directory's search folds."""

import pytest

from coordination.models import Profession
from tests.training.factories import make_event
from training import reference
from training.forms import professions_by_typed_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def professions(cast):
    """The demo city's names: 医師, 看護師, 介護支援専門員 (ケアマネ), MSW・社会福祉士 (MSW); no 訪問看護師."""
    doctor = Profession.objects.create(name="医師", short_name="医師", sort_order=1)
    social = Profession.objects.create(name="MSW・社会福祉士", short_name="MSW", sort_order=7)
    reference.load_profession_aliases(Profession)
    return {
        "医師": doctor,
        "看護師": cast.nurse,
        "介護支援専門員": cast.care_manager,
        "MSW・社会福祉士": social,
    }


def test_a_sheet_with_the_usual_words_for_professions_is_accepted(client_for, cast, professions):
    event = make_event(cast.center1)
    lines = [
        ("A", "ケアマネジャー"),
        ("B", "ｹｱﾏﾈｰｼﾞｬｰ"),  # half-width kana
        ("C", "社会福祉士"),
        ("D", "Ns"),
        ("E", "ＤＲ"),  # full-width, upper case
        ("F", "訪看"),
        ("G", "けあまね"),  # hiragana
        ("H", "msw"),
    ]
    sheet = "\n".join(f"{name}、○○事業所{name}、{word}" for name, word in lines)
    client = client_for("coordinator")
    response = client.post(f"/training/{event.pk}/registrations/bulk/", {"lines": sheet, "confirm": "1"})
    assert response.status_code == 302, response.content.decode()
    assert dict(event.registrations.values_list("name", "profession__name")) == {
        "A": "介護支援専門員",
        "B": "介護支援専門員",
        "C": "MSW・社会福祉士",
        "D": "看護師",
        "E": "医師",
        "F": "看護師",  # no 訪問看護師 in this city
        "G": "介護支援専門員",
        "H": "MSW・社会福祉士",
    }


def test_an_alias_goes_to_the_visiting_nurse_where_the_city_has_one(cast):
    visiting = Profession.objects.create(name="訪問看護師", sort_order=5)
    reference.load_profession_aliases(Profession)
    found = professions_by_typed_name()
    assert found["訪看"] == visiting and found["ns"] == cast.nurse


def test_loading_twice_adds_nothing_and_an_alias_never_shadows_a_name(cast, professions):
    before = dict(Profession.objects.values_list("name", "aliases"))
    assert reference.load_profession_aliases(Profession) == 0
    assert dict(Profession.objects.values_list("name", "aliases")) == before
    assert "ケアマネジャー" in before["介護支援専門員"] and "CM" in before["介護支援専門員"]
    # A city with 社会福祉士 of its own: the name is that profession's, whatever the aliases say.
    own = Profession.objects.create(name="社会福祉士", sort_order=8)
    assert professions_by_typed_name()["社会福祉士"] == own


def test_an_admin_adds_a_word_in_the_admins_profession_page(client_for, cast, professions):
    admin = client_for("admin")
    page = admin.get(f"/admin/coordination/profession/{cast.nurse.pk}/change/").content.decode()
    assert "ほかの呼び方" in page
    response = admin.post(
        f"/admin/coordination/profession/{cast.nurse.pk}/change/",
        {"name": "看護師", "short_name": "", "aliases": "Ns、ナース\n准看", "sort_order": 4},
    )
    assert response.status_code == 302
    assert professions_by_typed_name()["准看"] == cast.nurse


def test_the_data_migration_adds_them_with_the_migrations_model(cast):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state(("training", "0003_profession_aliases"))
    reference.load_profession_aliases(state.apps.get_model("coordination", "Profession"))
    assert "ケアマネジャー" in Profession.objects.get(name="介護支援専門員").aliases
    assert "訪看" in Profession.objects.get(name="看護師").aliases
