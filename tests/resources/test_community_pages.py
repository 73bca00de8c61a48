"""Community resources in the directory: the resource's page (schedule in words, the next date as
`data-next-date`, contacts by who is looking), the residents' listing and the 圏域's A4 list, and the
search's 地域の活動 side with 「今週ひらかれる」 and 「この地域で」."""

import datetime
import re
import zoneinfo

import pytest

from coordination.models import Area
from resources import recurrence
from tests.resources.community_factories import (
    EVERY_WEDNESDAY,
    FIFTEENTH,
    SECOND_FOURTH_TUESDAY,
    make_community,
)
from tests.resources.factories import make_facility

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def today(monkeypatch):
    """Fix the moment the pages count from (resources.recurrence.now, Asia/Tokyo), without freezing
    clocks: the day given, at 9:00 (before the factories' 10:00〜12:00 sessions) unless a time is
    given too, so that no test depends on the hour it runs at."""

    def fix(year, month, day, hour=9, minute=0):
        moment = datetime.datetime(year, month, day, hour, minute, tzinfo=TOKYO)
        monkeypatch.setattr(recurrence, "now", lambda: moment)
        return moment.date()

    return fix


def next_dates(html):
    return re.findall(r'data-next-date="([^"]*)"', html)


def test_the_page_says_the_schedule_in_words_and_the_next_date(client_for, cast, today):
    today(2026, 9, 9)  # the 第4火曜 9/22 is a holiday the salon skips
    salon = make_community(
        "ひだまりサロン", cast.daily1, rules=[SECOND_FOURTH_TUESDAY], fee="100円", booking_required=False
    )
    html = client_for("anonymous").get(f"/resources/{salon.pk}/").content.decode()
    assert next_dates(html) == ["2026-10-13"]
    assert "第2・第4火曜 10:00〜12:00（祝日は休み）" in html
    assert "ひだまりサロンの会" in html and "100円" in html and "予約はいりません" in html


def test_the_next_date_is_today_on_the_day_and_moves_on_the_day_after(client_for, cast, today):
    cafe = make_community("水曜カフェ", cast.daily1, kind_code="dementia-cafe", rules=[EVERY_WEDNESDAY])
    client = client_for("anonymous")
    today(2026, 12, 2)  # a Wednesday
    assert next_dates(client.get(f"/resources/{cafe.pk}/").content.decode()) == ["2026-12-02"]
    today(2026, 12, 3)
    assert next_dates(client.get(f"/resources/{cafe.pk}/").content.decode()) == ["2026-12-09"]


def test_a_resource_without_rules_carries_an_empty_next_date(client_for, cast, today):
    today(2026, 12, 1)
    watch = make_community("見守りネット", cast.daily1, kind_code="watching")
    html = client_for("anonymous").get(f"/resources/{watch.pk}/").content.decode()
    assert next_dates(html) == [""] and "開催日が登録されていません" in html


def test_a_professionals_only_contact_never_reaches_anonymous_visitors_or_officials(client_for, cast):
    cafe = make_community("内緒カフェ", cast.daily1, contact_public=False, contact_phone="093-999-0001")
    url = f"/resources/{cafe.pk}/"
    for role in ("anonymous", "official"):
        html = client_for(role).get(url).content.decode()
        assert "093-999-0001" not in html and "地域包括支援センター" in html, role
    for role in ("professional", "coordinator"):
        html = client_for(role).get(url).content.decode()
        assert "093-999-0001" in html and "data-contact-professional" in html, role
    # The 生活支援コーディネーター who keeps the resource sees the contact it entered.
    from django.test import Client

    from tests.resources.community_factories import make_life_support

    keeper = Client()
    keeper.force_login(make_life_support(cast.daily1))
    assert "093-999-0001" in keeper.get(url).content.decode()


def test_the_public_listing_shows_only_public_contacts_whoever_looks(client_for, cast, today):
    today(2026, 12, 1)
    make_community("公開サロン", cast.daily1, contact_phone="093-100-0001", rules=[EVERY_WEDNESDAY])
    make_community("非公開サロン", cast.daily1, contact_public=False, contact_phone="093-100-0002")
    for role in ("anonymous", "professional"):
        for url in ("/resources/community/", "/resources/community/print/"):
            html = client_for(role).get(url).content.decode()
            assert "公開サロン" in html and "非公開サロン" in html, (role, url)
            assert "093-100-0001" in html and "093-100-0002" not in html, (role, url)


def test_the_listing_puts_the_soonest_first_and_leaves_out_other_facilities(client_for, cast, today):
    today(2026, 12, 1)  # Tuesday
    make_community("十五日の会", cast.daily1, rules=[FIFTEENTH])
    make_community("水曜の会", cast.daily1, rules=[EVERY_WEDNESDAY])
    make_facility("どこか医院", area=cast.daily1)
    html = client_for("anonymous").get("/resources/community/").content.decode()
    assert html.index("水曜の会") < html.index("十五日の会")
    assert 'data-list-next-date="2026-12-02"' in html and 'data-list-next-date="2026-12-15"' in html
    assert "どこか医院" not in html


def test_the_print_of_an_area_lists_its_resources_with_the_coming_dates(client_for, cast, today):
    today(2026, 12, 1)
    other = Area.objects.create(name="西北圏域", kind=Area.Kind.DAILY, parent=cast.ward2)
    make_community("東の水曜サロン", cast.daily1, rules=[EVERY_WEDNESDAY])
    make_community("西のサロン", other, rules=[EVERY_WEDNESDAY])
    html = client_for("anonymous").get(f"/resources/community/print/?area={cast.ward1.pk}").content.decode()
    assert "東区の地域の活動" in html and "東の水曜サロン" in html and "西のサロン" not in html
    # Four weeks from 12/1: the Wednesdays 12/2, 12/9, 12/16, 12/23 (12/30 is past 12/28).
    assert "12/2（水）、12/9（水）、12/16（水）、12/23（水）" in html


def test_a_mistyped_area_in_the_residents_link_shows_everything_not_an_error(client_for, cast):
    make_community("どこでもサロン", cast.daily1)
    for query in ("?area=abc", "?area=99999999999999999999999", "?kind=x"):
        response = client_for("anonymous").get(f"/resources/community/{query}")
        assert response.status_code == 200 and "どこでもサロン" in response.content.decode()


def test_the_search_keeps_its_sides_apart(client_for, cast):
    make_community("ひまわりサロン", cast.daily1)
    make_facility("ひまわり医院", area=cast.daily1)
    client = client_for("anonymous")
    medical = client.get("/resources/?q=ひまわり").content.decode()
    assert "ひまわり医院" in medical and "ひまわりサロン" not in medical
    community = client.get("/resources/?mode=community&q=ひまわり").content.decode()
    assert "ひまわりサロン" in community and "ひまわり医院" not in community
    assert "地域の活動を探す" in community and "在宅対応（選んだものすべてに対応）" not in community
    # Without any condition, too: the plain directory is the medical side.
    assert "ひまわりサロン" not in client.get("/resources/").content.decode()
    assert "ひまわりサロン" in client.get("/resources/?mode=community").content.decode()


def test_the_kind_options_follow_the_side(client_for, cast):
    client = client_for("anonymous")
    medical = client.get("/resources/").content.decode()
    community = client.get("/resources/?mode=community").content.decode()
    assert ">認知症カフェ</option>" in community and ">認知症カフェ</option>" not in medical
    assert ">診療所</option>" in medical and ">診療所</option>" not in community


def test_this_week_and_this_area_facets(client_for, cast, today):
    today(2026, 12, 1)  # week 11/30–12/6: a Wednesday (12/2), no 15th, no 第2/第4火曜 (12/8, 12/22)
    other = Area.objects.create(name="西北圏域", kind=Area.Kind.DAILY, parent=cast.ward2)
    make_community("毎週水曜の会", cast.daily1, rules=[EVERY_WEDNESDAY])
    make_community("十五日の会", cast.daily1, rules=[FIFTEENTH])
    make_community("火曜サロン", cast.daily1, rules=[SECOND_FOURTH_TUESDAY])
    make_community("西の水曜の会", other, rules=[EVERY_WEDNESDAY])
    client = client_for("anonymous")
    week = client.get("/resources/?mode=community&this_week=on").content.decode()
    assert "毎週水曜の会" in week and "西の水曜の会" in week
    assert "十五日の会" not in week and "火曜サロン" not in week
    area = client.get(f"/resources/?mode=community&this_week=on&area={cast.ward1.pk}").content.decode()
    assert "毎週水曜の会" in area and "西の水曜の会" not in area
    # The same listing for residents.
    listing = client.get(f"/resources/community/?this_week=on&area={cast.ward1.pk}").content.decode()
    assert "毎週水曜の会" in listing and "十五日の会" not in listing and "西の水曜の会" not in listing


def test_this_week_means_from_today_to_sunday(client_for, cast, today):
    make_community("毎週水曜の会", cast.daily1, rules=[EVERY_WEDNESDAY])
    client = client_for("anonymous")
    today(2026, 12, 3)  # Thursday: this week's Wednesday (12/2) is past, the next one is next week
    assert "毎週水曜の会" not in client.get("/resources/?mode=community&this_week=on").content.decode()
    listing = client.get("/resources/community/?this_week=on").content.decode()
    assert "毎週水曜の会" not in listing and "今日12月3日〜日曜12月6日" in listing
    today(2026, 12, 2)  # the Wednesday itself
    assert "毎週水曜の会" in client.get("/resources/?mode=community&this_week=on").content.decode()


def test_an_empty_community_search_offers_to_drop_this_week(client_for, cast, today):
    today(2026, 12, 1)
    make_community("十五日の会", cast.daily1, rules=[FIFTEENTH])
    html = (
        client_for("anonymous").get(f"/resources/?mode=community&this_week=on&area={cast.daily1.pk}").content
    )
    assert "「今週ひらかれる」を外す（1件）" in html.decode()


@pytest.mark.parametrize("role", ["anonymous", "professional"])
def test_community_search_query_count_does_not_grow_with_results(
    client_for, cast, django_assert_num_queries, role, today
):
    today(2026, 12, 1)
    client = client_for(role)
    for i in range(3):
        make_community(f"サロン{i}", cast.daily1, rules=[EVERY_WEDNESDAY, FIFTEENTH])
    url = "/resources/?mode=community&q=サロン&this_week=on"
    client.get(url)  # warm the session
    # Anonymous: the lookups (kinds, capabilities, specialties), the synonyms, the rules for
    # 「今週」, the page (activities joined, capabilities' ids as a column, counted in the same
    # query), its rules, the form's areas. Professional: + session, user (the rota's on-duty
    # block belongs to the medical side).
    expected = 6 if role == "anonymous" else 8
    for i in range(3, 25):
        if i in (3, 24):
            with django_assert_num_queries(expected):
                client.get(url)
        make_community(f"サロン{i}", cast.daily1, rules=[EVERY_WEDNESDAY])


def test_the_residents_listing_query_count_does_not_grow(client_for, cast, django_assert_num_queries):
    client = client_for("anonymous")
    for i in range(2):
        make_community(f"一覧サロン{i}", cast.daily1, rules=[EVERY_WEDNESDAY])
    client.get("/resources/community/")
    # The kinds, the areas, the resources (kinds, areas and activities joined), their rules.
    with django_assert_num_queries(4):
        client.get("/resources/community/")
    for i in range(2, 12):
        make_community(f"一覧サロン{i}", cast.daily1, rules=[EVERY_WEDNESDAY, FIFTEENTH])
    with django_assert_num_queries(4):
        client.get("/resources/community/")
    # With an area: + the area, + one query per level below it for its 圏域 (Area.descendant_ids).
    with django_assert_num_queries(7):
        client.get(f"/resources/community/?area={cast.ward1.pk}")


def test_the_community_export_has_the_schedule_fee_and_contact_instead_of_medical_columns(
    client_for, cast, today
):
    import csv
    import io

    today(2026, 12, 1)
    make_community(
        "体操の会",
        cast.daily1,
        rules=[EVERY_WEDNESDAY],
        fee="100円",
        contact_phone="093-100-0001",
        booking_required=True,
    )
    make_community("内緒の会", cast.daily1, contact_public=False, contact_phone="093-100-0002")
    make_facility("眼科医院", area=cast.daily1)

    def export(role):
        response = client_for(role).get("/resources/export.csv?mode=community")
        assert "community-" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        return {row["名称"]: row for row in rows}

    rows = export("anonymous")
    assert set(rows) == {"体操の会", "内緒の会"}
    assert rows["体操の会"]["開催日"] == "毎週水曜 10:00〜12:00（祝日は休み）"
    assert rows["体操の会"]["次回"] == "2026-12-02"
    assert rows["体操の会"]["参加費"] == "100円"
    assert rows["体操の会"]["予約"] == "要予約"
    assert rows["内緒の会"]["予約"] == ""  # nobody said: not 「予約不要」
    assert rows["体操の会"]["問い合わせ先（電話）"] == "093-100-0001"
    assert rows["内緒の会"]["問い合わせ先（電話）"] == ""  # professionals only
    assert "在宅対応機能" not in rows["体操の会"]
    assert export("professional")["内緒の会"]["問い合わせ先（電話）"] == "093-100-0002"


def test_a_session_ended_today_is_not_next_on_any_page(client_for, cast, today):
    """At 16:30 on Wednesday 12/2 the 10:00〜12:00 Wednesday group has met: the detail page, the
    residents' list, its A4 print, the search's community side and the keeper's dashboard all give
    next week's Wednesday, and 「今週ひらかれる」 leaves it out (nothing later this week)."""
    from django.test import Client

    from tests.resources.community_factories import make_life_support

    today(2026, 12, 2, 16, 30)
    cafe = make_community("水曜カフェ", cast.daily1, kind_code="dementia-cafe", rules=[EVERY_WEDNESDAY])
    client = client_for("anonymous")
    assert next_dates(client.get(f"/resources/{cafe.pk}/").content.decode()) == ["2026-12-09"]
    listing = client.get("/resources/community/").content.decode()
    assert 'data-list-next-date="2026-12-09"' in listing and 'data-list-next-date="2026-12-02"' not in listing
    printed = client.get("/resources/community/print/").content.decode()
    assert "12/9（水）、12/16（水）、12/23（水）" in printed and "12/2（水）" not in printed
    search = client.get("/resources/?mode=community").content.decode()
    assert 'data-list-next-date="2026-12-09"' in search and 'data-list-next-date="2026-12-02"' not in search
    week = client.get("/resources/?mode=community&this_week=on").content.decode()
    assert "水曜カフェ" not in week
    assert "水曜カフェ" not in client.get("/resources/community/?this_week=on").content.decode()
    keeper = Client()
    keeper.force_login(make_life_support(cast.daily1))
    home = keeper.get("/").content.decode()
    assert "水曜カフェ</a>（認知症カフェ） 次回 12月9日" in home, home
    # In the morning the day's session is still to come.
    today(2026, 12, 2, 9, 0)
    assert next_dates(client.get(f"/resources/{cafe.pk}/").content.decode()) == ["2026-12-02"]
    assert "水曜カフェ" in client.get("/resources/community/?this_week=on").content.decode()


def test_a_professionals_only_contact_gives_the_same_fallback_in_the_list_the_print_and_the_page(
    client_for, cast
):
    """A resident is given a number to call: the center covering the resource's area (東センター
    covers 東区, above the 圏域), with its phone; without a covering center, the general words."""
    from coordination.models import Center

    Center.objects.filter(code="C01").update(phone="093-200-0001")
    hidden = make_community("内緒サロン", cast.daily1, contact_public=False, contact_phone="093-100-0002")
    fallback = (
        "東センター（電話 093-200-0001）、またはお住まいの地域の地域包括支援センターにお問い合わせください。"
    )
    client = client_for("anonymous")
    listing = client.get("/resources/community/").content.decode()
    assert f"<p data-contact-fallback>問い合わせ: {fallback}</p>" in listing
    assert fallback in client.get("/resources/community/print/").content.decode()
    assert fallback in client.get(f"/resources/{hidden.pk}/").content.decode()
    assert "093-100-0002" not in listing
    # No center covers the area: the general words, on every page alike.
    Center.objects.filter(code="C01").update(closed_on=datetime.date(2020, 3, 31))
    general = "お住まいの地域の地域包括支援センター、または連携支援センターにお問い合わせください。"
    assert (
        f"<p data-contact-fallback>問い合わせ: {general}</p>"
        in client.get("/resources/community/").content.decode()
    )
    assert general in client.get(f"/resources/{hidden.pk}/").content.decode()


def test_a_public_entry_without_any_contact_points_to_the_center_instead_of_a_dash(client_for, cast):
    silent = make_community("名無しサロン", cast.daily1, contact_name="", contact_phone="")
    page = client_for("anonymous").get(f"/resources/{silent.pk}/").content.decode()
    assert (
        "<dd data-contact>東センター、またはお住まいの地域の地域包括支援センターにお問い合わせください。"
        in page
    )


def current_items(html, nav_label):
    nav = re.search(rf'<nav class="[^"]*" aria-label="{nav_label}">.*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="[^"]*"[^>]*aria-current="page"[^>]*>([^<]*)</a>', nav)


@pytest.mark.parametrize("role", ["anonymous", "professional", "coordinator"])
def test_only_the_pages_own_item_is_current_in_each_menu(client_for, cast, role):
    """/resources/community/ lies under /resources/: the main menu marks 地域の活動 alone where it
    offers it (else 医療・介護資源, the section the page is in), the section menu 地域の活動."""
    client = client_for(role)
    html = client.get("/resources/community/").content.decode()
    own = "地域の活動" if role in ("anonymous", "professional") else "医療・介護資源"
    assert current_items(html, "メインメニュー") == [own]
    assert current_items(html, "医療・介護資源メニュー") == ["地域の活動"]
    html = client.get("/resources/").content.decode()
    assert current_items(html, "メインメニュー") == ["医療・介護資源"]
    assert current_items(html, "医療・介護資源メニュー") == ["施設を探す"]


@pytest.mark.parametrize(
    "path, item",
    [
        ("/resources/duplicates/", "重複の可能性"),
        ("/resources/duplicates/dismissed/", "重複の可能性"),  # a page under the item's list
        ("/resources/rounds/", "再調査"),
        ("/resources/import/", "一括取込"),
    ],
)
def test_a_page_under_a_section_item_marks_that_item_current(client_for, cast, path, item):
    html = client_for("admin").get(path).content.decode()
    assert current_items(html, "医療・介護資源メニュー") == [item]
