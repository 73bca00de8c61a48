"""The benches' baselines stand in for the portal's own code (bench/search.py swaps the directory's
search for its naive one): when the code they replace changes its arguments, the bench stops at its
first query, and nothing else would say so before `make bench` runs. Here each baseline serves the
page it is measured on, at a test's size."""

import importlib.util
import sys
from pathlib import Path

import pytest

from resources.models import FacilityQuerySet
from tests.resources.factories import make_facility

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def search_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_search", BENCH / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_search", None)


@pytest.mark.parametrize("role", ["professional", "anonymous"])
def test_the_naive_search_serves_the_search_page_as_the_bench_swaps_it_in(
    client_for, monkeypatch, search_bench, role
):
    make_facility("ひまわりクリニック")
    make_facility("さくら薬局", kind_code="pharmacy")
    make_facility("ヒマワリ訪問看護ステーション", kind_code="visiting-nursing")
    monkeypatch.setattr(FacilityQuerySet, "search", search_bench.naive_search)
    response = client_for(role).get("/resources/?q=ひまわり")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ひまわりクリニック" in html and "さくら薬局" not in html
    # The naive page folds nothing (the portal's search finds the katakana name by its hiragana).
    assert "ヒマワリ訪問看護ステーション" not in html
