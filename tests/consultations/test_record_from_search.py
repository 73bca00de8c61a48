"""「この相談に記録」: the directory search opened from a consultation keeps its number, says which
consultation it is for, and offers on each result the consultation's 連絡調整 form opened on that
facility, so the coordinator who found whom to call records it without typing the name again.
Only to those who may write on the consultation; nothing of the client on the search page."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import Coordination
from tests.consultations.factories import make_consultation
from tests.resources.factories import make_facility


def card(html, name):
    start = html.index(f">{name}</a>")
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


def record_link(row):
    match = re.search(r'href="([^"]+)" data-record-for-consultation', row)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def consultation(cast):
    return make_consultation(cast.center1, client_area=cast.daily1, consultant_name="佐藤花子")


def test_a_consultation_that_asks_nothing_of_the_directory_still_opens_it_for_itself(client_for, cast):
    consultation = make_consultation(cast.center1)  # 連絡調整, no area: no condition to ask
    html = client_for("coordinator").get(f"/consultations/{consultation.pk}/").content.decode()
    assert "data-directory-search>" not in html
    match = re.search(r'href="([^"]+)"[^>]*data-directory-browse', html)
    assert match and unescape(match.group(1)) == f"/resources/?consultation={consultation.pk}"


def test_each_result_offers_the_consultations_coordination_form_on_that_facility(client_for, consultation):
    clinic = make_facility("みなみ在宅クリニック")
    make_facility("きた薬局", kind_code="pharmacy")
    html = (
        client_for("coordinator").get(f"/resources/?q=みなみ&consultation={consultation.pk}").content.decode()
    )
    notice = re.search(r'<div [^>]*data-search-for-consultation="(\d+)"[^>]*>(.*?)</div>', html, re.S)
    assert notice and notice.group(1) == str(consultation.pk)
    assert f"相談 #{consultation.pk}" in notice.group(2) and "佐藤" not in html  # nothing of the client
    assert f'href="/consultations/{consultation.pk}/">相談に戻る' in notice.group(2)
    assert record_link(card(html, "みなみ在宅クリニック")) == (
        f"/consultations/{consultation.pk}/?co_facility={clinic.pk}#coordination-add"
    )


def test_the_search_keeps_the_consultation_through_its_form_and_its_clear_link(client_for, consultation):
    make_facility("みなみ在宅クリニック")
    html = (
        client_for("coordinator").get(f"/resources/?q=みなみ&consultation={consultation.pk}").content.decode()
    )
    start = html.index('role="search"')
    form = html[start : html.index("</form>", start)]
    assert f'<input type="hidden" name="consultation" value="{consultation.pk}">' in form
    assert (
        f'href="/resources/?consultation={consultation.pk}" class="button button--secondary">条件をクリア'
        in form
    )
    assert (
        f'href="/resources/?consultation={consultation.pk}" aria-current="page" data-search-mode="medical"'
        in html
    )
    plain = client_for("coordinator").get("/resources/?q=みなみ").content.decode()
    assert 'name="consultation"' not in plain and "data-record-for-consultation" not in plain


@pytest.mark.parametrize("role", ["coordinator2", "professional", "official", "anonymous"])
def test_someone_who_may_not_record_on_it_is_offered_nothing(client_for, consultation, role):
    make_facility("みなみ在宅クリニック")
    response = client_for(role).get(f"/resources/?q=みなみ&consultation={consultation.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and "みなみ在宅クリニック" in html
    assert "data-search-for-consultation" not in html and "data-record-for-consultation" not in html
    assert f"相談 #{consultation.pk}" not in html


def test_a_number_that_is_no_consultation_is_ignored(client_for):
    make_facility("みなみ在宅クリニック")
    for value in ("999999", "abc", ""):
        html = client_for("coordinator").get(f"/resources/?q=みなみ&consultation={value}").content.decode()
        assert "みなみ在宅クリニック" in html
        assert "data-search-for-consultation" not in html and "data-record-for-consultation" not in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    return len(queries), html


def test_the_links_cost_the_same_queries_for_one_result_and_for_many(client_for, consultation):
    client = client_for("coordinator")
    url = f"/resources/?q=みなみ&consultation={consultation.pk}"
    make_facility("みなみ0クリニック")
    client.get(url)  # warm the session
    one, _ = _queries(client, url)
    for i in range(1, 6):
        make_facility(f"みなみ{i}クリニック")
    six, html = _queries(client, url)
    assert html.count("data-record-for-consultation") == 6
    assert six == one
    # Without the parameter the page asks nothing more of the database than before.
    plain, _ = _queries(client, "/resources/?q=みなみ")
    assert plain == one - 2


def test_the_link_opens_the_add_form_on_the_facility_and_saving_records_it(client_for, consultation):
    clinic = make_facility("みなみ在宅クリニック")
    client = client_for("coordinator")
    html = client.get(f"/consultations/{consultation.pk}/?co_facility={clinic.pk}").content.decode()
    opening = re.search(r'<details[^>]*id="coordination-add"[^>]*>', html).group(0)
    assert opening.endswith(" open>")
    section = html[html.index(opening) :]
    field = re.search(r'<input[^>]*name="co-facility_query"[^>]*>', section).group(0)
    assert f'value="みなみ在宅クリニック #{clinic.pk}"' in field
    assert "autofocus" not in field  # the cursor goes to 手段, the facility being chosen
    assert re.search(r'<input[^>]*name="co-means"[^>]*autofocus', section)
    response = client.post(
        f"/consultations/{consultation.pk}/coordinations/",
        {
            "co-facility_query": f"みなみ在宅クリニック #{clinic.pk}",
            "co-means": "phone",
            "co-result": "accepted",
            "co-contacted_at": "2026-08-03T10:30",
        },
    )
    assert response.status_code == 302
    assert Coordination.objects.get(consultation=consultation).facility == clinic


def test_a_facility_number_that_is_no_open_facility_opens_the_usual_form(client_for, consultation):
    closed = make_facility("閉院クリニック", closed_on="2026-01-31")
    html = (
        client_for("coordinator")
        .get(f"/consultations/{consultation.pk}/?co_facility={closed.pk}")
        .content.decode()
    )
    field = re.search(r'<input[^>]*name="co-facility_query"[^>]*>', html).group(0)
    assert "閉院クリニック" not in field


def test_the_facility_page_opened_from_the_search_offers_the_same_record(client_for, consultation):
    clinic = make_facility("みなみ在宅クリニック")
    client = client_for("coordinator")
    html = client.get(f"/resources/?q=みなみ&consultation={consultation.pk}").content.decode()
    detail = unescape(re.search(r'<h3><a href="([^"]+)">みなみ在宅クリニック', html).group(1))
    page = client.get(detail).content.decode()
    section = re.search(r"<section [^>]*data-facility-record-for=\"(\d+)\".*?</section>", page, re.S)
    assert section and section.group(1) == str(consultation.pk)
    assert record_link(section.group(0)) == (
        f"/consultations/{consultation.pk}/?co_facility={clinic.pk}#coordination-add"
    )
    # Opened otherwise, or by someone who may not record on that consultation: nothing.
    assert "data-facility-record-for" not in client.get(f"/resources/{clinic.pk}/").content.decode()
    assert "data-facility-record-for" not in client_for("coordinator2").get(detail).content.decode()
