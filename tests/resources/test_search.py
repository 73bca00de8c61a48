import datetime
import html as htmllib
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from resources import filters
from resources.models import ContactWindow, Facility
from tests.resources.factories import make_facility

TOKYO = ZoneInfo("Asia/Tokyo")


def count(html):
    return int(re.search(r'data-result-count="(\d+)"', html).group(1))


def names(client, query):
    response = client.get("/resources/?" + query)
    assert response.status_code == 200
    html = response.content.decode()
    found = [
        htmllib.unescape(n)
        for n in re.findall(r'<h3><a href="/resources/\d+/(?:\?back=[^"]*)?">([^<]+)</a>', html)
    ]
    assert count(html) == len(found) or count(html) > 20
    return found


@pytest.fixture
def directory(cast):
    return {
        "himawari": make_facility(
            "ヒマワリ内科クリニック",
            name_kana="ヒマワリナイカクリニック",
            area=cast.daily1,
            capabilities=["home-visit", "end-of-life"],
            specialties=["内科"],
            latitude=33.880,
            longitude=130.875,
        ),
        "mori": make_facility(
            "森医院",
            name_kana="モリイイン",
            area=cast.ward2,
            capabilities=["home-visit"],
            latitude=33.900,
            longitude=130.875,
            address="北九州市若松区本町1-1",
        ),
        "eye": make_facility(
            "さくらクリニック",
            name_kana="サクラクリニック",
            area=cast.ward1,
            specialties=["眼科"],
            capabilities=["house-call"],
            latitude=33.885,
            longitude=130.875,
        ),
        "abc": make_facility(
            "ABC薬局",
            kind_code="pharmacy",
            corporation_name="株式会社エービーシー",
            capabilities=["home-medication"],
            area=cast.ward1,
        ),
        "far": make_facility(
            "遠方病院",
            kind_code="hospital",
            latitude=34.100,
            longitude=130.875,
            capabilities=["home-visit", "end-of-life", "respite"],
            area=cast.ward2,
        ),
    }


def test_hiragana_finds_katakana_and_full_width_finds_ascii(client, directory):
    assert names(client, "q=ひまわり") == ["ヒマワリ内科クリニック"]
    assert names(client, "q=ﾋﾏﾜﾘ") == ["ヒマワリ内科クリニック"]
    assert names(client, "q=ＡＢＣ") == ["ABC薬局"]
    assert names(client, "q=abc") == ["ABC薬局"]


def test_search_covers_kana_address_and_corporation(client, directory):
    assert names(client, "q=ナイカクリ") == ["ヒマワリ内科クリニック"]
    assert names(client, "q=若松区") == ["森医院"]
    assert names(client, "q=エービーシー") == ["ABC薬局"]


def test_two_character_term_matches_name_and_specialty(client, directory):
    # さくらクリニック has no 眼科 in its name but has the specialty.
    assert names(client, "q=眼科") == ["さくらクリニック"]
    assert names(client, "q=内科") == ["ヒマワリ内科クリニック"]


def test_one_character_term_returns_the_right_rows(client, directory):
    assert names(client, "q=森") == ["森医院"]


def test_short_terms_at_the_end_of_the_text_and_with_query_syntax_characters(client, directory):
    # The last character of the last field, and characters that mean something in a tsquery
    # or a LIKE pattern (the PostgreSQL index for 1–2 characters is a tsquery over 2-grams).
    make_facility("カフェ&ケア'S\\%:_", corporation_name="医療法人翔")
    assert names(client, "q=翔") == ["カフェ&ケア'S\\%:_"]
    for term in ["&", "'", "'s", "\\", "%", "_", ":", "&ケ"]:
        assert names(client, "q=" + quote(term)) == ["カフェ&ケア'S\\%:_"], term
    assert names(client, "q=" + quote("!")) == []


def test_all_terms_must_match(client, directory):
    assert names(client, "q=訪問診療 若松") == ["森医院"]


def test_no_result_says_so_with_a_hint(client, directory):
    html = client.get("/resources/?q=耳").content.decode()
    assert count(html) == 0
    assert "該当する施設はありません" in html and "短い語" in html


def test_kind_facet(client, directory):
    assert names(client, f"kind={directory['abc'].kind_id}") == ["ABC薬局"]


def test_an_office_is_found_under_each_of_its_services_by_facet_and_by_term(client, cast):
    from tests.resources.factories import kind

    home = make_facility("みどり老健", kind_code="health-facility")
    make_facility("あおぞら短期入所", kind_code="short-stay")
    short = kind("short-stay")
    assert names(client, f"kind={short.pk}") == ["あおぞら短期入所"]
    home.services.add(short)  # the same office also offers 短期入所
    assert sorted(names(client, f"kind={short.pk}")) == ["あおぞら短期入所", "みどり老健"]
    assert sorted(names(client, "q=ショート")) == ["あおぞら短期入所", "みどり老健"]  # a synonym of the kind


def test_area_and_visiting_area_choices_follow_the_tree_and_refuse_unknown_ids(client_for, cast):
    from coordination.models import Area

    deep = Area.objects.create(name="東北一丁目", kind=Area.Kind.OTHER, parent=cast.daily1)
    in_deep = make_facility("奥の医院", area=deep)
    whole_ward = make_facility("区全体に訪問する医院", area=cast.ward2)
    whole_ward.areas_served.add(cast.ward1)
    client = client_for("anonymous")
    assert names(client, f"area={cast.ward1.pk}") == [in_deep.name]  # two levels below the ward
    assert names(client, f"visits={deep.pk}") == [whole_ward.name]  # the ward above, two levels up
    html = client.get("/resources/?area=999999&kind=abc").content.decode()
    assert "検索条件に誤りがあります" in html and count(html) > 0  # the rest of the directory, not a 500


def test_area_facet_includes_areas_below(client, cast, directory):
    # ward1 includes its daily-life area daily1 (ひまわり) and ward1 itself (さくら, ABC).
    assert sorted(names(client, f"area={cast.ward1.pk}")) == sorted(
        ["ヒマワリ内科クリニック", "さくらクリニック", "ABC薬局"]
    )


def test_capabilities_require_all_chosen(client, directory):
    from tests.resources.factories import capability

    visit, eol = capability("home-visit").pk, capability("end-of-life").pk
    assert sorted(names(client, f"capabilities={visit}")) == sorted(
        ["ヒマワリ内科クリニック", "森医院", "遠方病院"]
    )
    assert sorted(names(client, f"capabilities={visit}&capabilities={eol}")) == [
        "ヒマワリ内科クリニック",
        "遠方病院",
    ]


def test_specialty_facet(client, directory):
    from resources.models import Specialty

    assert names(client, f"specialty={Specialty.objects.get(name='眼科').pk}") == ["さくらクリニック"]


def test_facets_combine_with_text(client, cast, directory):
    from tests.resources.factories import capability

    query = f"q=クリニック&area={cast.ward1.pk}&capabilities={capability('home-visit').pk}"
    assert names(client, query) == ["ヒマワリ内科クリニック"]


def test_near_a_facility_orders_by_distance_and_radius_cuts(client, directory):
    base = directory["himawari"].pk
    assert names(client, f"near_facility={base}") == [
        "ヒマワリ内科クリニック",
        "さくらクリニック",
        "森医院",
        "遠方病院",
    ]
    assert names(client, f"near_facility={base}&radius=3") == [
        "ヒマワリ内科クリニック",
        "さくらクリニック",
        "森医院",
    ]
    html = client.get(f"/resources/?near_facility={base}").content.decode()
    assert "約0.6km" in html  # さくら is 0.005° north ≈ 0.55 km


def test_near_an_address_is_placed_from_the_directory(client, directory):
    # 若松区本町 is only 森医院's address; its pin is the estimated place.
    found = names(client, "near=福岡県北九州市若松区本町1-5&radius=1")
    assert found == ["森医院"]


def test_unknown_near_place_is_reported(client, directory):
    html = client.get("/resources/?near=存在しない町99").content.decode()
    assert "位置が分かりませんでした" in html
    assert count(html) == Facility.objects.count()


@pytest.fixture
def frozen(monkeypatch):
    def freeze(*args):
        moment = datetime.datetime(*args, tzinfo=TOKYO)
        monkeypatch.setattr(filters, "now", lambda: moment)

    return freeze


def test_callable_now_uses_care_manager_time_and_avoid_hours(client_for, cast, frozen):
    # Monday 2026-11-30 13:30 Tokyo.
    make_facility("月曜13時の医院", windows=[(0, (13, 0), (14, 0))])
    make_facility(
        "月曜午後だが避ける医院",
        windows=[(0, (13, 0), (15, 0)), (0, (13, 0), (14, 0), ContactWindow.Kind.AVOID)],
    )
    make_facility("火曜の医院", windows=[(1, (13, 0), (14, 0))])
    make_facility("時間未登録の医院")
    frozen(2026, 11, 30, 13, 30)
    pro = client_for("professional")
    assert names(pro, "callable_now=on") == ["月曜13時の医院"]
    frozen(2026, 11, 30, 14, 30)  # the avoid window is over
    assert names(pro, "callable_now=on") == ["月曜午後だが避ける医院"]


def test_callable_now_on_a_holiday_uses_holiday_windows(client_for, cast, frozen):
    make_facility("月曜の医院", windows=[(0, (10, 0), (12, 0))])
    make_facility("祝日対応の医院", windows=[(7, (10, 0), (12, 0))])
    frozen(2026, 11, 23, 11, 0)  # 勤労感謝の日, a Monday
    assert names(client_for("professional"), "callable_now=on") == ["祝日対応の医院"]


def test_callable_now_and_accepting_are_not_offered_to_the_public(client, cast):
    make_facility("月曜の医院", windows=[(0, (0, 0), (23, 59))], accepting="no")
    html = client.get("/resources/?callable_now=on&accepting=on").content.decode()
    assert "今電話できる" not in html and "新規受入可のみ" not in html
    assert count(html) == 1  # the parameters are ignored, not an error


def test_accepting_filter(client_for, cast):
    make_facility("受入可の医院", accepting="yes")
    make_facility("停止中の医院", accepting="no")
    assert names(client_for("coordinator"), "accepting=on") == ["受入可の医院"]


SECRET = {
    "direct_phone": "093-999-0001",
    "contact_person": "地域連携室の秘密担当",
    "internal_note": "内部メモ本文",
}


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_public_html_has_no_professional_fields(client_for, cast, role):
    f = make_facility("公開医院", windows=[(0, (13, 0), (14, 0))], accepting="yes", **SECRET)
    for url in ["/resources/", f"/resources/{f.pk}/", "/resources/print/", "/resources/export.csv"]:
        body = client_for(role).get(url).content.decode("utf-8-sig")
        assert "公開医院" in body, url
        for value in SECRET.values():
            assert value not in body, (url, value)
        assert "data-professional" not in body and "<caption>ケアマネタイム" not in body, url


@pytest.mark.parametrize("role", ["professional", "coordinator", "admin"])
def test_professionals_see_direct_line_and_care_manager_time(client_for, cast, role):
    f = make_facility("公開医院", windows=[(2, (13, 0), (14, 0))], **SECRET)
    html = client_for(role).get(f"/resources/{f.pk}/").content.decode()
    assert "093-999-0001" in html and "地域連携室の秘密担当" in html
    assert re.search(
        r"<caption>ケアマネタイム.*?</caption>.*?<td>—</td><td>—</td><td>13:00–14:00<br>電話", html, re.S
    )


def test_the_direct_line_in_the_result_list_is_a_phone_link_as_the_main_number_is(client_for, cast):
    make_facility("直通のある医院", phone="093-111-0000", **SECRET)
    html = client_for("professional").get("/resources/").content.decode()
    assert '電話 <a href="tel:093-111-0000">093-111-0000</a>' in html
    assert '直通 <a href="tel:093-999-0001">093-999-0001</a>' in html


def test_stale_entries_are_flagged(client, cast):
    today = datetime.date.today()
    fresh = make_facility("確認済み医院", confirmed_on=today - datetime.timedelta(days=30))
    stale = make_facility("古い医院", confirmed_on=today - datetime.timedelta(days=400))
    never = make_facility("未確認医院")
    assert not fresh.is_stale and stale.is_stale and never.is_stale
    html = client.get("/resources/").content.decode()
    assert html.count("1年以上未確認") == 1 and html.count(">未確認</span>") == 1
    assert "1年以上確認されていません" in client.get(f"/resources/{stale.pk}/").content.decode()


def test_export_is_formula_safe_csv_with_bom(client, cast):
    make_facility('=HYPERLINK("http://evil")', public_note="+1 とても便利", address="@住所")
    response = client.get("/resources/export.csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 とても便利" in text and "'@住所" in text
    assert response["Content-Type"].startswith("text/csv")


def test_export_xlsx_is_formula_safe(client, cast):
    import io

    from openpyxl import load_workbook

    make_facility("-危険な名前", phone="093-111-2222", code="0012345678")
    response = client.get("/resources/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("名称")] == "'-危険な名前"
    assert row[header.index("医療機関番号・事業所番号")] == "0012345678"
    assert ws.cell(2, header.index("名称") + 1).data_type == "s"


def test_export_follows_the_search(client, directory):
    text = client.get("/resources/export.csv?q=森").content.decode("utf-8-sig")
    assert "森医院" in text and "ヒマワリ" not in text


def test_print_view_lists_the_result_with_contacts(client_for, directory):
    html = client_for("professional").get("/resources/print/?q=クリニック").content.decode()
    assert "ヒマワリ内科クリニック" in html and "さくらクリニック" in html and "森医院" not in html
    assert "印刷する" in html and "print.css" in html


@pytest.mark.parametrize("role", ["anonymous", "professional"])
def test_search_page_query_count_does_not_grow_with_results(
    client_for, cast, django_assert_num_queries, role, frozen
):
    frozen(2026, 11, 30, 13, 30)
    client = client_for(role)
    for i in range(3):
        make_facility(f"医院{i}", capabilities=["home-visit", "house-call"], windows=[(0, (13, 0), (14, 0))])
    client.get("/resources/?q=医院")  # warm the session
    # Anonymous: the kinds, capabilities and specialties in one query (for what the term also
    # means, the choices' checks and the form's options), the synonyms, the areas (the form's
    # tree) and the page (its rows with their capabilities' ids and, for professionals, whether
    # they can be called now, counted in the same query: more than a page of results costs no
    # query of its own). Professional: + session, user, and the rota's "now on duty" block (its
    # shifts; their backups are one more query when there are shifts,
    # tests/rota/test_search_on_duty.py), which anonymous visitors never get, and rota's backup
    # beds of the page's hospitals for their cards (one query for the page, whatever its rows:
    # tests/rota/test_search_result_beds.py).
    expected = 4 if role == "anonymous" else 8
    for i in range(3, 25):
        if i in (3, 20, 21, 24):
            with django_assert_num_queries(expected):
                client.get("/resources/?q=医院")
        make_facility(f"医院{i}", capabilities=["home-visit"], windows=[(1, (13, 0), (14, 0))])


def test_an_edit_shows_in_the_next_search_at_once(client_for, cast):
    f = make_facility("更新前医院")
    client = client_for("anonymous")
    assert "更新前医院" in client.get("/resources/?q=更新").content.decode()
    f.name = "更新後医院"
    f.save()
    html = client.get("/resources/?q=更新").content.decode()
    assert "更新後医院" in html and "更新前医院" not in html


def test_print_view_query_count_does_not_grow_with_results(client_for, cast, django_assert_num_queries):
    client = client_for("professional")
    for i in range(2):
        make_facility(f"印刷医院{i}", capabilities=["home-visit"], windows=[(0, (13, 0), (14, 0))])
    client.get("/resources/print/?q=印刷")

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            client.get("/resources/print/?q=印刷")
        return len(ctx)

    before = measure()
    for i in range(2, 15):
        make_facility(f"印刷医院{i}", capabilities=["house-call"], windows=[(1, (13, 0), (14, 0))])
    assert measure() == before


def test_a_broad_search_gives_the_exact_count_and_pages(client_for, cast):
    for i in range(30):
        make_facility(f"広域医院{i:02d}")
    html = client_for("professional").get("/resources/?q=広域").content.decode()
    assert 'data-result-count="30"' in html and "1 / 2 ページ" in html
    last = client_for("professional").get("/resources/?q=広域&page=2").content.decode()
    assert last.count('class="result-list"') == 1 and "広域医院29" in last


def test_capability_and_specialty_facets_follow_every_change_of_the_links(client_for, cast):
    from resources.models import Capability, FacilityCapability, Specialty

    client = client_for("anonymous")
    visit, eol = Capability.objects.get(code="home-visit"), Capability.objects.get(code="end-of-life")
    eye = Specialty.objects.get(name="眼科")
    f = make_facility("リンク変更医院")

    def found(query):
        return "リンク変更医院" in client.get(f"/resources/?{query}").content.decode()

    both = f"capabilities={visit.pk}&capabilities={eol.pk}"
    f.capabilities.add(visit)
    assert found(f"capabilities={visit.pk}") and not found(both)
    FacilityCapability.objects.create(facility=f, capability=eol)
    assert found(both)
    third = Capability.objects.exclude(pk__in=[visit.pk, eol.pk]).first()
    FacilityCapability.objects.filter(facility=f, capability=eol).update(capability=third)  # UPDATE
    assert found(f"capabilities={third.pk}") and not found(f"capabilities={eol.pk}")
    FacilityCapability.objects.filter(facility=f, capability=third).update(capability=eol)
    f.capabilities.remove(visit)
    assert not found(f"capabilities={visit.pk}") and found(f"capabilities={eol.pk}")
    f.capabilities.clear()
    assert not found(f"capabilities={eol.pk}")
    f.specialties.add(eye)
    assert found(f"specialty={eye.pk}") and found("q=眼科")  # a term naming the specialty
    f.specialties.set([])
    assert not found(f"specialty={eye.pk}") and not found("q=眼科")


def test_results_come_in_kana_order_across_pages(client_for, cast):
    kana = ["ワ", "ア", "ナ", "カ", "マ", "サ", "ラ", "タ", "ハ", "ヤ"] * 3
    for i, k in enumerate(kana):
        make_facility(f"順番医院{i:02d}", name_kana=f"{k}ジュンバン{i:02d}")
    expected = [
        f.name
        for f in Facility.objects.filter(name__startswith="順番医院").order_by("name_kana", "name", "pk")
    ]
    client = client_for("professional")
    shown = []
    for page in (1, 2):
        html = client.get(f"/resources/?q=順番&page={page}").content.decode()
        shown += re.findall(r'<h3><a href="/resources/\d+/(?:\?back=[^"]*)?">(順番医院\d\d)</a>', html)
    assert shown == expected


def test_a_phone_number_with_or_without_dashes_finds_its_facility(cast):
    facility = make_facility("電話の医院", phone="093-582-1111")
    for typed in ("093-582-1111", "0935821111", "０９３－５８２－１１１１"):
        assert list(Facility.objects.search(typed)) == [facility], typed


@pytest.mark.parametrize(
    "typed",
    [
        "315-1159",
        "093-315",
        "(093)315-1159",
        "（０９３）３１５－１１５９",
        "(093) 315-1159",
        "093 315 1159",
        "093‐315‐1159",
        "093ー315ー1159",
        "093−315−1159",
        "3151159",
    ],
)
def test_part_of_a_phone_number_in_any_writing_finds_its_facility(client_for, cast, typed):
    pharmacy = make_facility("電話の薬局", kind_code="pharmacy", phone="093-315-1159")
    make_facility("ほかの医院", phone="093-582-1111", address="北九州市小倉北区315-1")
    assert list(Facility.objects.search(typed)) == [pharmacy], typed
    assert names(client_for("professional"), "q=" + quote(typed)) == ["電話の薬局"], typed


def test_short_numbers_stay_terms_of_the_address(cast):
    lot = make_facility("番地の医院", address="北九州市小倉北区大手町1-2-3", phone="093-111-2222")
    for typed in ("1-2-3", "大手町1-2-3", "1 2"):
        assert list(Facility.objects.search(typed)) == [lot], typed


def test_the_search_form_groups_the_capabilities_and_opens_the_chosen_group(client_for, cast):
    from resources.models import Capability

    chosen = Capability.objects.get(code="ventilator")
    html = client_for("professional").get(f"/resources/?capabilities={chosen.pk}").content.decode()
    assert '<details class="facet-group" open><summary>医療処置</summary>' in html
    assert f'value="{chosen.pk}" id="id_capabilities_{chosen.pk}" checked' in html
    assert '<details class="facet-group"><summary>薬局</summary>' in html


@pytest.mark.parametrize(
    "query",
    [
        "capabilities=99999999999999999999",
        "capabilities=abc",
        "near_facility=99999999999999999999",
        "kind=99999999999999999999",
        "q=" + "+".join(f"語{i}" for i in range(1000)),
        "page=99999999999999999999",
    ],
)
def test_bad_search_parameters_get_a_page_not_an_error(client_for, cast, query):
    make_facility("どこかの医院")
    response = client_for("anonymous").get("/resources/?" + query)
    assert response.status_code == 200 and "医療・介護資源を探す" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "kind_code", "capabilities", "specialty"),
    [
        ("麻薬", "pharmacy", ["narcotics"], None),
        ("看取り", "clinic", ["end-of-life"], None),
        ("ST", "visiting-nursing", ["st"], None),
        ("言語聴覚士", "visiting-nursing", ["st"], None),
        ("訪看", "visiting-nursing", [], None),
        ("ケアマネ", "care-management", [], None),
        ("特養", "special-nursing-home", [], None),
        ("老健", "health-facility", [], None),
        ("デイサービス", "day-service", [], None),
        ("ショート", "short-stay", [], None),
        ("服薬指導", "pharmacy", ["home-medication"], None),
        ("がんか", "clinic", [], "眼科"),
    ],
)
def test_words_people_type_find_what_the_directory_calls_otherwise(
    cast, typed, kind_code, capabilities, specialty
):
    target = make_facility("目当ての事業所", kind_code=kind_code, capabilities=capabilities)
    if specialty:
        from resources.models import Specialty

        target.specialties.add(Specialty.objects.get(name=specialty))
    make_facility("関係ない歯科", kind_code="dental")
    assert list(Facility.objects.search(typed)) == [target], typed


@pytest.mark.parametrize(
    ("typed", "kind_code", "capabilities"),
    [
        ("まやく", "pharmacy", ["narcotics"]),
        ("ﾏﾔｸ", "pharmacy", ["narcotics"]),
        ("マヤク", "pharmacy", ["narcotics"]),
        ("ほうかん", "visiting-nursing", []),
        ("ﾎｳｶﾝ", "visiting-nursing", []),
        ("ほうもんしんりょう", "clinic", ["home-visit"]),
        ("じょくそう", "visiting-nursing", ["pressure-ulcer"]),
        ("胃瘻", "clinic", ["tube-feeding"]),
        ("胃ろう", "clinic", ["tube-feeding"]),
        ("PEG", "clinic", ["tube-feeding"]),
        ("ｐｅｇ", "clinic", ["tube-feeding"]),
        ("居宅療養管理指導", "pharmacy", ["home-medication"]),
        ("訪問薬剤", "pharmacy", ["home-medication"]),
        ("デイサービス", "day-service", []),
        ("デイサービス", "community-day-service", []),
        ("特養", "special-nursing-home", []),
        ("特養", "community-nursing-home", []),
        ("老健", "health-facility", []),
        ("グループホーム", "group-home", []),
        ("GH", "group-home", []),
        ("ｇｈ", "group-home", []),
    ],
)
def test_words_care_managers_type_find_their_facilities(client_for, cast, typed, kind_code, capabilities):
    make_facility("目当ての事業所", kind_code=kind_code, capabilities=capabilities)
    make_facility("関係ない歯科", kind_code="dental")
    make_facility("関係ない居宅", kind_code="care-management")  # 居宅 is a word of its own
    assert names(client_for("professional"), "q=" + quote(typed)) == ["目当ての事業所"], typed


def test_the_synonyms_migration_gives_a_database_made_before_it_the_new_words(cast):
    from importlib import import_module

    from django.apps import apps

    from resources import reference
    from resources.models import SearchSynonym

    migration = import_module("resources.migrations.0004_more_search_synonyms")

    def words():
        return {
            (s.term, "kind" if s.kind_id else "capability", (s.kind or s.capability).code)
            for s in SearchSynonym.objects.filter(term__in=[t for t, *_ in migration.SYNONYMS])
            if s.kind_id or s.capability_id
        }

    SearchSynonym.objects.all().delete()
    migration.add_synonyms(apps, None)
    migration.add_synonyms(apps, None)  # twice: nothing doubled
    assert words() == set(migration.SYNONYMS)
    assert SearchSynonym.objects.count() == len(migration.SYNONYMS)
    assert set(migration.SYNONYMS) <= set(reference.SYNONYMS)  # and new databases start with them


@pytest.mark.parametrize(
    ("typed", "kind_code", "capabilities", "specialty"),
    [
        ("じんこうこきゅうき", "visiting-nursing", ["ventilator"], None),
        ("ジンコウコキュウキ", "visiting-nursing", ["ventilator"], None),  # katakana folds to the same
        ("ほうもんかんご", "visiting-nursing", [], None),
        ("ﾎｳﾓﾝｶﾝｺﾞ", "visiting-nursing", [], None),
        ("おうしん", "clinic", ["house-call"], None),
        ("にんちしょう", "small-multi", ["dementia"], None),
        ("ざいたくさんそ", "clinic", ["home-oxygen"], None),
        ("いろう", "clinic", ["tube-feeding"], None),
        ("かんわケア", "clinic", ["palliative"], None),
        ("ほうもんしか", "dental", ["home-dental"], None),
        ("とくよう", "special-nursing-home", [], None),
        ("じゅんかんきないか", "clinic", [], "循環器内科"),
        ("りはびりてーしょんか", "hospital", [], "リハビリテーション科"),
    ],
)
def test_a_reading_in_hiragana_finds_the_facility_without_kana_of_its_own(
    client_for, cast, typed, kind_code, capabilities, specialty
):
    """The 厚生局 lists come without kana: the reading must find the facility through what it is
    (its kind, capability or specialty), not through its name's kana."""
    make_facility(
        "目当ての事業所",
        kind_code=kind_code,
        capabilities=capabilities,
        specialties=[specialty] if specialty else [],
        name_kana="",
    )
    make_facility("関係ない歯科", kind_code="dental", name_kana="")
    make_facility("関係ない居宅", kind_code="care-management", name_kana="")
    if kind_code == "dental":
        make_facility("訪問しない歯科", kind_code="dental", name_kana="")
    assert names(client_for("anonymous"), "q=" + quote(typed)) == ["目当ての事業所"], typed


def test_the_readings_migration_gives_a_database_made_before_it_the_new_words(cast):
    from importlib import import_module

    from django.apps import apps

    from resources import reference
    from resources.models import SearchSynonym

    migration = import_module("resources.migrations.0009_search_readings_in_hiragana")

    def words():
        found = set()
        for s in SearchSynonym.objects.filter(term__in=[t for t, *_ in migration.SYNONYMS]):
            if s.kind_id:
                found.add((s.term, "kind", s.kind.code))
            elif s.capability_id:
                found.add((s.term, "capability", s.capability.code))
            else:
                found.add((s.term, "specialty", s.specialty.name))
        return found

    SearchSynonym.objects.all().delete()
    migration.add_synonyms(apps, None)
    migration.add_synonyms(apps, None)  # twice: nothing doubled
    assert words() == set(migration.SYNONYMS)
    assert SearchSynonym.objects.count() == len(migration.SYNONYMS)
    assert set(migration.SYNONYMS) <= set(reference.SYNONYMS)  # and new databases start with them


def test_an_admin_adds_a_synonym_and_the_search_follows(cast):
    from resources.models import FacilityKind, SearchSynonym

    target = make_facility("ひだまり", kind_code="group-home")
    assert list(Facility.objects.search("ぐるほ")) == []
    SearchSynonym.objects.create(term="グルホ", kind=FacilityKind.objects.get(code="group-home"))
    assert list(Facility.objects.search("ぐるほ")) == [target]


def test_an_empty_result_says_which_condition_to_drop(client_for, cast):
    from resources.models import Capability

    make_facility("東の在宅医院", area=cast.ward1, capabilities=["home-visit"])
    make_facility("西の看取り医院", area=cast.ward2, capabilities=["home-visit", "end-of-life"])
    eol = Capability.objects.get(code="end-of-life")
    html = (
        client_for("anonymous")
        .get(f"/resources/?area={cast.ward1.pk}&capabilities={eol.pk}")
        .content.decode()
    )
    assert 'data-result-count="0"' in html and "data-relax-hints" in html
    assert (
        f"「地域: {cast.ward1.name}」を外す（1件）" in html
        and "「在宅対応: 在宅看取り」を外す（1件）" in html
    )


def test_the_same_address_gives_the_same_origin_with_or_without_the_city(cast):
    from resources.geo import geocode_address

    make_facility("大手町の医院", address="福岡県テスト市東区大手町1-1", latitude=33.88, longitude=130.87)
    make_facility("本町の医院", address="テスト市東区本町2-2", latitude=33.90, longitude=130.90)
    short, long = geocode_address("東区大手町1-1"), geocode_address("福岡県テスト市東区大手町1-1")
    assert (short.latitude, short.longitude) == (long.latitude, long.longitude) == (33.88, 130.87)
    ward = geocode_address("東区どこか町9")
    assert ward.how.startswith("東区の中心付近")


def test_a_broad_search_counts_up_to_the_cap_and_says_more(client_for, cast, monkeypatch):
    from resources.search import DirectoryPaginator

    monkeypatch.setattr(DirectoryPaginator, "COUNT_LIMIT", 3)
    for i in range(5):
        make_facility(f"広域医院{i}")
    html = client_for("anonymous").get("/resources/?q=広域医院").content.decode()
    assert count(html) == 3 and "data-count-capped" in html and "3</span>件以上" in html
    html = client_for("anonymous").get("/resources/?q=広域医院1").content.decode()
    assert count(html) == 1 and "data-count-capped" not in html and "件以上" not in html


@pytest.mark.parametrize("limit", [4, 1000])
def test_each_page_lists_the_matches_in_order_whether_or_not_the_count_is_capped(
    client_for, cast, monkeypatch, limit
):
    # Capped (more matches than COUNT_LIMIT) the page is read in the order of every match; under
    # the cap, by the ids of the matches: both give the same pages.
    from resources import views
    from resources.search import DirectoryPaginator

    monkeypatch.setattr(DirectoryPaginator, "COUNT_LIMIT", limit)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for kana in ["オ", "ウ", "エ", "イ", "ア"]:
        make_facility(f"順番医院{kana}", name_kana=f"ジュンバンイイン{kana}")
    client = client_for("anonymous")

    def page(number):
        html = client.get(f"/resources/?q=順番医院&page={number}").content.decode()
        return re.findall(r">(順番医院.)</a>", html)

    assert page(1) == ["順番医院ア", "順番医院イ"] and page(2) == ["順番医院ウ", "順番医院エ"]
    # Past the last page: the last one (capped, the pages end at the cap).
    assert page(9) == (["順番医院オ"] if limit == 1000 else ["順番医院ウ", "順番医院エ"])


def test_lookup_names_read_in_one_query_keep_each_tables_own_order(cast, django_assert_num_queries):
    from resources.models import Capability, FacilityKind, LookupNames, Specialty

    FacilityKind.objects.filter(code="clinic").update(sort_order=999)  # moved last by an admin
    Capability.objects.create(code="zz-first", name="あいう", sort_order=0)
    names = LookupNames()
    with django_assert_num_queries(1):
        names.kinds(), names.capabilities(), names.specialties()
    assert [r[:2] for r in names.kinds()] == list(FacilityKind.objects.values_list("pk", "name"))
    assert names.capabilities() == list(Capability.objects.values_list("pk", "name", "group", "description"))
    assert [r[:2] for r in names.specialties()] == list(Specialty.objects.values_list("pk", "name"))
    assert names.kinds()[-1][1] == FacilityKind.objects.get(code="clinic").name


def test_the_page_links_straight_to_the_results_above_the_form(client_for, directory):
    html = client_for("anonymous").get("/resources/?q=クリニック").content.decode()
    link = html.index("data-to-results")
    assert link < html.index('<form method="get" action="/resources/')
    assert re.search(r'href="#results-heading" data-to-results>検索結果へ（2件）', html)


def _options(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"( selected)?>', select)


def test_the_chosen_kind_area_and_range_are_selected_in_their_place(client, cast):
    from resources.models import FacilityKind

    make_facility("確認医院")
    plain = client.get("/resources/").content.decode()
    kind = FacilityKind.objects.get(code="pharmacy").pk
    html = client.get(f"/resources/?kind={kind}&area={cast.ward2.pk}&radius=3").content.decode()
    for name, chosen in (("kind", str(kind)), ("area", str(cast.ward2.pk)), ("radius", "3")):
        options = _options(html, name)
        # Same options in the same order as the form without a choice, the chosen one selected.
        assert [value for value, _ in options] == [value for value, _ in _options(plain, name)]
        assert [value for value, selected in options if selected] == [chosen]
    assert not any(selected for _, selected in _options(plain, "kind"))


def test_professionals_see_the_acceptance_and_the_day_it_was_stated(client, client_for, cast):
    make_facility("要相談の医院", accepting="consult", accepting_stated_on=datetime.date(2026, 4, 1))
    make_facility("受入可の医院", accepting="yes")
    html = client_for("coordinator").get("/resources/").content.decode()
    assert "受入: 要相談（2026/4/1時点）" in html
    assert "受入: 受入可</p>" in html
    assert "受入: " not in client.get("/resources/").content.decode()


def test_each_wrong_value_in_a_search_link_names_its_field(client, cast):
    make_facility("確認医院")
    html = client.get("/resources/?kind=abc&specialty=abc&radius=zzz").content.decode()
    errors = re.findall(r"<li>([^<]*)</li>", html[html.index('class="form-errors"') :].split("</ul>")[0])
    assert errors == [
        "種別：正しく選択してください。選択したものは候補にありません。",
        "診療科目：正しく選択してください。選択したものは候補にありません。",
        "範囲：一覧の中から選んでください。",
    ]
