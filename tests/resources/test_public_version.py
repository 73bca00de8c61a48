"""The public version of the A4 list and of a facility's page (?public=1): what a care manager
hands to a client's family. It leaves out every professionals-only field and says so at the top;
the professional's full version stays the default for them; anonymous visitors and officials only
ever get the public one."""

import datetime

import pytest

from resources.models import ContactWindow, Facility, FacilityKind, Vacancy
from tests.resources.factories import make_facility

# Each professionals-only value, as it would appear on the page.
SECRETS = {
    "direct_phone": "093-999-0001",
    "contact_person": "地域連携室の秘密担当",
    "avoid_note": "外来の合間は避けて秘密",
    "internal_note": "内部だけの秘密メモ",
}


@pytest.fixture
def clinic(cast):
    f = make_facility(
        "家族に渡す医院",
        phone="093-111-2222",
        fax="093-111-3333",
        public_note="駐車場あり",
        capabilities=["home-visit"],
        accepting=Facility.Accepting.CONSULT,
        accepting_stated_on=datetime.date(2026, 11, 1),
        **SECRETS,
    )
    ContactWindow.objects.create(
        facility=f,
        weekday=0,
        start=datetime.time(13, 0),
        end=datetime.time(14, 0),
        kind=ContactWindow.Kind.CALL,
        note="ケアマネタイムの秘密窓口",
    )
    ContactWindow.objects.create(
        facility=f,
        weekday=1,
        start=datetime.time(9, 0),
        end=datetime.time(12, 0),
        kind=ContactWindow.Kind.AVOID,
        note="避けたい秘密の時間",
    )
    Vacancy.objects.create(
        facility=f,
        service=FacilityKind.objects.get(code="clinic"),
        beds=7,
        stated_on=datetime.date(2026, 11, 2),
    )
    return f


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_public_only(html):
    for value in (*SECRETS.values(), "ケアマネタイムの秘密窓口", "避けたい秘密の時間"):
        assert value not in html, value
    for word in (
        "要相談",
        "ケアマネタイム・受入</th>",
        "取り扱いにご注意ください",
        "data-professional>",
        "7床",
    ):
        assert word not in html, word
    # The public part is all there.
    for value in ("家族に渡す医院", "093-111-2222", "093-111-3333", "訪問診療"):
        assert value in html, value


# --- The A4 list -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["professional", "coordinator", "admin"])
def test_a_professionals_print_keeps_the_full_contacts_and_offers_the_public_one(client_for, clinic, role):
    html = page(client_for(role), "/resources/print/?q=家族")
    assert "093-999-0001" in html and "ケアマネタイムの秘密窓口" in html and "受入: 要相談" in html
    assert "data-public-notice" not in html
    assert (
        'href="?q=%E5%AE%B6%E6%97%8F&amp;public=1" data-public-version>ご家族・ご本人に渡す（公開情報のみ）</a>'
        in html
    )


def test_the_result_list_offers_the_familys_print_beside_the_professionals(client_for, clinic):
    # A care manager with a family in front of them prints the public sheet from the results.
    results = page(client_for("professional"), "/resources/?q=家族")
    link = '/resources/print/?q=%E5%AE%B6%E6%97%8F&amp;public=1" data-public-print>ご家族・ご本人に渡す一覧を印刷'
    assert link in results
    assert_public_only(page(client_for("professional"), "/resources/print/?q=家族&public=1"))
    # Visitors only ever get the public list, so they get one print button.
    assert "data-public-print" not in page(client_for("anonymous"), "/resources/?q=家族")


@pytest.mark.parametrize("role", ["professional", "coordinator"])
def test_the_public_print_leaves_out_every_professionals_only_field_and_says_so(client_for, clinic, role):
    html = page(client_for(role), "/resources/print/?q=家族&public=1")
    assert_public_only(html)
    assert "<h1>医療・介護資源 一覧（公開情報のみ）</h1>" in html
    assert "<strong data-public-notice>一般公開している情報のみを載せています。</strong>" in html
    assert 'class="message no-print" data-public-explained>ご家族・ご本人に渡す用の一覧です。' in html
    # The way back to the full version and to the search keep the search, not the switch.
    assert 'href="?q=%E5%AE%B6%E6%97%8F" data-professional-version>' in html
    assert 'href="/resources/?q=%E5%AE%B6%E6%97%8F">検索結果に戻る</a>' in html


@pytest.mark.parametrize("query", ["", "?public=1", "?public=0"])
@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_residents_and_officials_only_ever_get_the_public_print(client_for, clinic, role, query):
    html = page(client_for(role), "/resources/print/" + query)
    assert_public_only(html)
    assert "data-public-notice" in html and "data-public-explained" not in html
    assert "data-public-version" not in html and "data-professional-version" not in html  # nothing to switch


def test_the_public_print_does_not_filter_on_what_it_leaves_out(client_for, clinic):
    """新規受入可のみ would tell the family what the sheet does not say: the public version lists
    as a resident's search does, and tells the professional (on screen, not on paper)."""
    make_facility("受入停止の医院", accepting=Facility.Accepting.NO)
    make_facility("受入可の医院", accepting=Facility.Accepting.YES)
    client = client_for("professional")
    full = page(client, "/resources/print/?accepting=on")
    assert "受入可の医院" in full and "受入停止の医院" not in full and "新規受入可のみ" in full
    public = page(client, "/resources/print/?accepting=on&public=1")
    assert "受入可の医院" in public and "受入停止の医院" in public and "家族に渡す医院" in public
    assert "検索条件: なし（すべての施設）" in public
    assert 'class="message message--warning no-print" data-left-out>' in public
    assert "専門職向けの条件（新規受入可のみ）では絞り込んでいません" in public


# --- A facility's page -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["professional", "coordinator"])
def test_a_professionals_facility_page_is_full_and_links_the_public_version(client_for, clinic, role):
    html = page(client_for(role), f"/resources/{clinic.pk}/")
    assert "093-999-0001" in html and "内部だけの秘密メモ" in html and "data-professional>" in html
    assert 'href="?public=1" data-public-version>ご家族・ご本人に渡す（公開情報のみ）</a>' in html
    assert "data-public-notice" not in html


@pytest.mark.parametrize("role", ["professional", "coordinator", "admin"])
def test_the_public_facility_page_leaves_out_every_professionals_only_field_and_says_so(
    client_for, clinic, role
):
    html = page(client_for(role), f"/resources/{clinic.pk}/?public=1")
    assert_public_only(html)
    assert "駐車場あり" in html  # 備考（公開）
    assert (
        "data-public-notice>" in html and "<strong>一般公開している情報のみを載せています。</strong>" in html
    )
    assert '<p class="no-print">ご家族・ご本人に渡す用の表示です。' in html
    assert "data-print>印刷する</button>" in html and "js/print.js" in html
    assert 'href="?" data-professional-version>専門職向けの表示に戻る</a>' in html
    # Nor the editors' buttons, the change history or the later apps' panels: the page as the family reads it.
    assert "編集する" not in html and "変更履歴" not in html and "data-to-professional" not in html


@pytest.mark.parametrize("query", ["", "?public=1"])
@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_residents_and_officials_only_ever_get_the_public_facility_page(client_for, clinic, role, query):
    html = page(client_for(role), f"/resources/{clinic.pk}/{query}")
    assert_public_only(html)
    assert "data-public-version" not in html and "data-professional-version" not in html


def test_the_public_facility_page_costs_no_more_queries_than_the_full_one(
    client_for, clinic, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("coordinator")
    client.get(f"/resources/{clinic.pk}/")
    with CaptureQueriesContext(connection) as full:
        client.get(f"/resources/{clinic.pk}/")
    with django_assert_max_num_queries(len(full)):
        client.get(f"/resources/{clinic.pk}/?public=1")
