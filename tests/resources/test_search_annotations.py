"""Lines a later app adds to the search result cards (coordination.extensions' `search_results`
annotations): asked once per page with the page's facility ids, only for the roles named, and
never for the community side or a visitor who is not signed in."""

import pytest

from coordination import extensions
from coordination.models import Role
from tests.resources.factories import make_facility


@pytest.fixture
def asked(monkeypatch):
    """A stand-in annotation (the real ones stay out): records each call's ids."""
    calls = []

    def context(request, ids):
        calls.append(sorted(ids))
        return {}

    monkeypatch.setattr(
        extensions, "_annotations", {"search_results": [("x.html", context, (Role.PROFESSIONAL,))]}
    )
    return calls


def test_the_annotation_is_asked_once_with_the_pages_ids(cast, client_for, asked):
    facilities = [make_facility(f"注記医院{i}") for i in range(3)]
    client_for("professional").get("/resources/?q=注記")
    assert asked == [sorted(f.pk for f in facilities)]


@pytest.mark.parametrize("role", ["anonymous", "official", "coordinator"])
def test_roles_not_named_never_ask(cast, client_for, asked, role):
    make_facility("注記医院")
    client_for(role).get("/resources/?q=注記")
    assert asked == []


def test_a_page_without_results_or_on_the_community_side_never_asks(cast, client_for, asked):
    client = client_for("professional")
    client.get("/resources/?q=存在しない名前")
    client.get("/resources/?mode=community")
    assert asked == []
