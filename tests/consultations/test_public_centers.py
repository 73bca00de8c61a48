"""The centers' public pages: for anonymous visitors, with no personal data."""

import datetime

import pytest

from consultations.models import PublicQuestion
from tests.consultations.factories import make_consultation
from tests.resources.factories import make_facility


@pytest.fixture
def centers(cast):
    c1 = cast.center1
    c1.address, c1.phone, c1.fax = "テスト市東区本町1-1", "093-000-0001", "093-000-0002"
    c1.location_note, c1.opening_hours = "東区医師会内", "月曜日〜金曜日 9時〜17時"
    c1.latitude, c1.longitude = 33.9, 130.9
    c1.save()
    cast.center1.closures.update(label="お盆")
    PublicQuestion.objects.create(
        question="相談は誰が行ってもいいのですか？", answer="医療・介護の関係者から…", sort_order=1
    )
    PublicQuestion.objects.create(question="相談料はかかりますか？", answer="無料です。", sort_order=6)
    return cast


def test_the_center_page_gives_contact_hours_areas_what_and_how_for_anonymous(client, centers):
    html = client.get("/centers/C01/").content.decode()
    for text in (
        "テスト市東区本町1-1",
        "東区医師会内",
        "093-000-0001",
        "093-000-0002",
        "月曜日〜金曜日 9時〜17時",
        "8月13日〜8月15日（お盆）",
        "東区",
        "訪問診療や往診を行う医師等の確保に関する相談",
        "市民の方",
        "無料",
        "相談",
        "打診",
        "回答",
    ):
        assert text in html, text
    assert client.get("/centers/C99/").status_code == 404


def test_the_public_pages_carry_no_personal_data_and_small_counts_are_suppressed(client, centers):
    from coordination import dates

    today = dates.today()
    last_fy_day = (today.year - 1 if today.month >= 4 else today.year - 2, 6, 3, 10, 0)
    make_consultation(centers.center1, last_fy_day, consultant_name="相談者 太郎", summary="個人の事情")
    html = client.get("/centers/C01/").content.decode()
    assert "相談者 太郎" not in html and "個人の事情" not in html
    assert "<span data-public-count>-</span>" in html  # 1 consultation: below 5


def test_a_center_that_began_mid_year_counts_its_old_monthly_totals_in_the_public_figure(client, centers):
    from consultations.models import PastMonthlyTotal
    from coordination import dates

    today = dates.today()
    fy = today.year - 1 if today.month >= 4 else today.year - 2  # the last full 年度
    # April–September on paper (the old 月報's totals), October on in the portal.
    for month in range(4, 10):
        PastMonthlyTotal.objects.create(center=centers.center1, year=fy, month=month, consultations=20)
    # A month the portal has records of counts its records, not a total imported for it as well.
    PastMonthlyTotal.objects.create(center=centers.center1, year=fy, month=10, consultations=99)
    for day in (1, 2, 3, 6, 7):
        make_consultation(centers.center1, (fy, 10, day, 10, 0))
    # Another year's and another center's totals are not this figure's.
    PastMonthlyTotal.objects.create(center=centers.center1, year=fy - 1, month=5, consultations=50)
    PastMonthlyTotal.objects.create(center=centers.center2, year=fy, month=5, consultations=50)
    html = client.get("/centers/C01/").content.decode()
    assert "<span data-public-count>125</span>件" in html


def test_the_list_shows_every_center_with_a_map_marker_for_those_located(client, centers):
    html = client.get("/centers/").content.decode()
    assert 'data-center-code="C01"' in html and 'data-center-code="C02"' in html
    assert html.count("data-marker") == 1 and "data-map" in html and "js/map.js" in html


def test_a_closed_center_is_not_listed(client, centers):
    centers.center2.closed_on = datetime.date(2020, 3, 31)
    centers.center2.save()
    assert 'data-center-code="C02"' not in client.get("/centers/").content.decode()
    assert client.get("/centers/C02/").status_code == 404


def test_the_list_page_query_count_does_not_grow_with_centers(client, centers, django_assert_num_queries):
    client.get("/centers/")
    with django_assert_num_queries(4):  # centers, their areas, their closures, the area tree
        client.get("/centers/")


def test_the_qa_page_lists_the_questions_admins_wrote_in_their_order(client, centers):
    html = client.get("/centers/qa/").content.decode()
    assert html.index("相談は誰が行ってもいいのですか？") < html.index("相談料はかかりますか？")


def test_a_ward_in_the_address_tells_which_center_covers_it(client, centers):
    html = client.get("/centers/find/", {"q": "テスト市西区栄町2-3"}).content.decode()
    assert 'data-center-code="C02"' in html and 'data-center-code="C01"' not in html
    html = client.get("/centers/find/", {"ward": centers.ward1.pk}).content.decode()
    assert 'data-center-code="C01"' in html and 'data-center-code="C02"' not in html
    # A 圏域 inside a ward is covered by the ward's center.
    html = client.get("/centers/find/", {"ward": centers.daily1.pk}).content.decode()
    assert 'data-center-code="C01"' in html


def test_an_address_without_a_ward_is_placed_with_the_directory(client, centers):
    make_facility(
        "本町クリニック", area=centers.ward1, address="テスト市本町通1-5", latitude=33.9, longitude=130.9
    )
    html = client.get("/centers/find/", {"q": "本町通1-5"}).content.decode()
    assert 'data-center-code="C01"' in html


def test_an_address_nothing_places_says_so_in_japanese(client, centers):
    html = client.get("/centers/find/", {"q": "どこでもない場所"}).content.decode()
    assert "担当のセンターが見つかりませんでした" in html
    assert client.get("/centers/find/", {"ward": "abc"}).status_code == 200


def test_an_empty_search_says_what_to_enter_and_the_answer_gives_the_opening_hours(client, centers):
    empty_address = client.get("/centers/find/", {"q": " "}).content.decode()
    assert "住所または郵便番号を入力してから「住所で探す」を押してください。" in empty_address
    empty_ward = client.get("/centers/find/", {"ward": ""}).content.decode()
    assert "区・地域を選んでから「区で探す」を押してください。" in empty_ward
    assert "を押してください" not in client.get("/centers/find/").content.decode()  # the first visit
    answer = client.get("/centers/find/", {"ward": centers.ward1.pk}).content.decode()
    assert "<dt>受付時間</dt><dd>月曜日〜金曜日 9時〜17時</dd>" in answer
    # The center's own page lists its hours once, beside its days off.
    assert client.get("/centers/C01/").content.decode().count("<dt>受付時間</dt>") == 1


def test_the_public_menu_leads_to_the_community_activities(client, centers):
    html = client.get("/").content.decode()
    assert 'href="/resources/community/"' in html and "地域の活動" in html


def test_an_address_outside_the_city_says_what_to_do_instead(client, centers, settings):
    for address, place in (
        ("福岡市東区箱崎1-1", "福岡市"),  # another city that has a 東区 too: not the city's 東区
        ("東京都千代田区千代田1-1", "東京都千代田区"),
        ("福岡県遠賀郡芦屋町中ノ浜1", "福岡県遠賀郡芦屋町"),
        ("山口県下関市竹崎町4-1", "山口県下関市"),
    ):
        html = client.get("/centers/find/", {"q": address}).content.decode()
        assert "data-find-outside" in html, address
        assert f"この住所（{place}）はテスト市の外です" in html, address
        assert "お住まいの市町村の地域包括支援センター" in html
        assert "data-center-code" not in html and "見つかりませんでした" not in html
    assert "代表電話" not in html
    settings.CITY_MAIN_PHONE = "093-582-2018"
    html = client.get("/centers/find/", {"q": "福岡市東区箱崎1-1"}).content.decode()
    assert 'href="tel:093-582-2018"' in html


def test_the_citys_own_addresses_are_not_taken_for_outside(client, centers):
    for address in ("テスト市東区本町1-1", "福岡県テスト市東区本町1-1", "東区本町1-1", "本町通1-5"):
        html = client.get("/centers/find/", {"q": address}).content.decode()
        assert "data-find-outside" not in html, address


def test_a_postcode_is_read_as_its_town_inside_or_outside_the_city(client, centers):
    from coordination.models import Area

    # The test city stands for 北九州市 (its code 401005): 〒802-0001 is 北九州市小倉北区浅野.
    kokura = Area.objects.create(name="小倉北区", kind=Area.Kind.WARD, parent=centers.city)
    centers.center2.areas.add(kokura)
    html = client.get("/centers/find/", {"q": "〒802-0001"}).content.decode()
    assert 'data-center-code="C02"' in html and "data-find-outside" not in html
    assert "郵便番号〒802-0001の町域（テスト市小倉北区浅野）の「小倉北区」から判断しました" in html
    html = client.get("/centers/find/", {"q": "100-0001"}).content.decode()
    assert "この住所（東京都千代田区千代田）はテスト市の外です" in html
    html = client.get("/centers/find/", {"q": "0000000"}).content.decode()
    assert "郵便番号「〒000-0000」は見つかりませんでした" in html


def test_a_year_the_portal_holds_nothing_of_is_not_shown_as_zero(client, centers):
    from coordination import dates

    html = client.get("/centers/C01/").content.decode()
    # Neither records nor old totals of the last 年度: no 「0件」 for a center that was open.
    assert "data-public-count" not in html and "相談の件数" not in html
    # Once the portal has records from before that year, a year without any is a true 0.
    today = dates.today()
    fy = dates.fiscal_year(today) - 1
    make_consultation(centers.center1, (fy - 1, 6, 3, 10, 0))
    html = client.get("/centers/C01/").content.decode()
    assert "<span data-public-count>0</span>件" in html


def test_a_ward_written_without_its_ku_is_recognised_when_only_one_ward_has_that_name(client, centers):
    from coordination.models import Area

    moji = Area.objects.create(name="門司区", kind=Area.Kind.WARD, parent=centers.ward1.parent)
    centers.center2.areas.add(moji)
    for query in ("門司", "門司大里本町3-1", "門司 大里"):
        html = client.get("/centers/find/", {"q": query}).content.decode()
        assert 'data-center-code="C02"' in html and 'data-center-code="C01"' not in html, query
        assert "住所の「門司」（門司区）から判断しました。" in html, query
    # Two wards named: neither is chosen for the other.
    Area.objects.create(name="戸畑区", kind=Area.Kind.WARD, parent=centers.ward1.parent)
    html = client.get("/centers/find/", {"q": "門司戸畑"}).content.decode()
    assert "（門司区）から" not in html
    # A one-character stem (東区's 東) only when typed alone, not inside a town's name.
    assert "住所の「東」（東区）から" in client.get("/centers/find/", {"q": "東"}).content.decode()
    assert "（東区）から" not in client.get("/centers/find/", {"q": "東門司"}).content.decode()


def test_the_residents_home_says_whom_to_call_and_staff_homes_do_not(client, centers, client_for):
    from coordination.models import Center

    Center.objects.create(
        code="C09", name="閉じたセンター", phone="093-999-9999", closed_on=datetime.date(2020, 3, 31)
    )
    html = client.get("/").content.decode()
    panel = html.split("data-public-contact-panel")[1].split("</section>")[0]
    assert (
        '<a href="/centers/C01/">東センター</a><br>電話 <a href="tel:093-000-0001">093-000-0001</a>' in panel
    )
    assert "受付 月曜日〜金曜日 9時〜17時" in panel and "西センター" in panel
    assert "閉じたセンター" not in panel  # a closed center answers no calls
    assert 'href="/centers/find/"' in panel
    for role in ("coordinator", "professional", "official"):
        assert "data-public-contact-panel" not in client_for(role).get("/").content.decode(), role


def test_a_prefectures_many_centers_are_found_by_address_on_the_residents_home(client, centers):
    from coordination.models import Center

    for n in range(3, 7):
        Center.objects.create(code=f"C0{n}", name=f"第{n}センター", sort_order=n)
    panel = client.get("/").content.decode().split("data-public-contact-panel")[1].split("</section>")[0]
    assert panel.count('<li data-center="') == 4 and "すべての相談窓口" in panel
