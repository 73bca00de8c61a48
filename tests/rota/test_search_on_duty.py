"""The "now on duty" block on the directory's search page (the `search` slot of
coordination.extensions, for professionals and staff), and the dashboard's block, which names a
shift that runs from now into tonight once."""

import pytest

from rota import panels
from rota.models import ShiftBackup
from tests.rota.factories import local, make_clinic, make_hospital, make_rota, make_shift


def freeze(monkeypatch, *moment):
    monkeypatch.setattr(panels, "now", lambda: local(*moment))


@pytest.fixture
def rota(cast):
    return make_rota(cast.center1, name="東区当番")


@pytest.fixture
def tonight(rota, monkeypatch):
    clinic = make_clinic("夜間内科クリニック", code="4019999999", direct_phone="093-555-0001")
    shift = make_shift(
        rota, (2027, 1, 8, 18), (2027, 1, 9, 9), clinic, doctor="夜間 当番", contact="090-0000-1111"
    )
    freeze(monkeypatch, 2027, 1, 8, 23, 0)
    return shift


@pytest.mark.parametrize("role", ["professional", "coordinator", "admin"])
def test_the_search_page_shows_who_is_on_duty_with_the_contact_to_professionals_and_staff(
    tonight, client_for, role
):
    html = client_for(role).get("/resources/?q=病院").content.decode()
    assert "data-search-on-duty" in html
    assert 'data-on-duty="4019999999"' in html
    assert "090-0000-1111" in html and "夜間 当番" in html
    # Above the search form and the results, where it is seen (not after twenty results).
    assert html.index("data-search-on-duty") < html.index('role="search"')
    community = client_for(role).get("/resources/?mode=community").content.decode()
    assert "data-search-on-duty" not in community  # the rota is for the medical side


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_anonymous_visitors_and_officials_get_no_on_duty_block_on_the_search_page(tonight, client_for, role):
    html = client_for(role).get("/resources/?q=夜間").content.decode()
    assert "data-search-on-duty" not in html and "data-on-duty" not in html
    assert "090-0000-1111" not in html and "夜間 当番" not in html


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    return len(ctx.captured_queries), html


def test_the_search_block_names_later_tonight_and_its_queries_do_not_grow_with_shifts(
    rota, client_for, monkeypatch
):
    freeze(monkeypatch, 2027, 1, 11, 17, 0)  # 成人の日: the holiday shift until 18:00, then the night
    make_shift(rota, (2027, 1, 11, 9), (2027, 1, 11, 18), make_clinic("日中医院", code="4011000001"))
    client = client_for("professional")
    client.get("/resources/?q=医院")
    one_shift, _ = _queries(client, "/resources/?q=医院")

    night = make_shift(rota, (2027, 1, 11, 18), (2027, 1, 12, 9), make_clinic("夜間医院", code="4011000002"))
    ShiftBackup.objects.create(shift=night, order=1, facility=make_hospital("後方病院"))
    other = make_rota(rota.center, name="西区当番")
    make_shift(other, (2027, 1, 11, 9), (2027, 1, 12, 9), make_clinic("西の医院", code="4011000003"))
    three_shifts, html = _queries(client, "/resources/?q=医院")
    assert three_shifts == one_shift  # one query of shifts, one of their backups

    block = html[html.index("data-search-on-duty") :]
    block = block[: block.index("</section>")]
    assert block.index('data-on-duty="4011000001"') < block.index('data-on-duty="4011000002"')
    assert "今夜" in block and "後方当番: 1. 後方病院" in block and 'data-on-duty="4011000003"' in block


def test_the_dashboard_names_a_shift_running_from_now_into_tonight_once(tonight, client_for):
    html = client_for("professional").get("/").content.decode()
    block = html[html.index('id="panel-on-duty"') :]
    block = block[: block.index("</section>")]
    assert block.count('data-on-duty="4019999999"') == 1
    assert "いまの当番が今夜も続きます" in block


def test_the_dashboard_lists_the_next_night_shift_under_tonight(rota, client_for, monkeypatch):
    freeze(monkeypatch, 2027, 1, 11, 17, 0)
    make_shift(rota, (2027, 1, 11, 9), (2027, 1, 11, 18), make_clinic("日中医院", code="4011000001"))
    make_shift(rota, (2027, 1, 11, 18), (2027, 1, 12, 9), make_clinic("夜間医院", code="4011000002"))
    html = client_for("professional").get("/").content.decode()
    block = html[html.index('id="panel-on-duty"') :]
    block = block[: block.index("</section>")]
    assert block.count('data-on-duty="4011000001"') == 1 and block.count('data-on-duty="4011000002"') == 1
    assert "いまの当番が今夜も続きます" not in block
