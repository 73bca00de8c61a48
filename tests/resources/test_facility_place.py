"""One way to say where a facility is (Facility.ward, place, where, name_with_place), read from
the area and its parent as a list loads them (select_related("area__parent")), no query more."""

import pytest

from coordination.models import Area
from resources.models import Facility
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def _loaded(facility):
    return Facility.objects.select_related("kind", "area__parent").get(pk=facility.pk)


def test_the_ward_is_the_area_or_the_ward_above_its_daily_area(cast, django_assert_num_queries):
    in_ward = _loaded(make_facility("区の医院", area=cast.ward1))
    in_daily = _loaded(make_facility("圏域の医院", area=cast.daily1))
    in_city = _loaded(make_facility("市の医院", area=cast.daily1.parent.parent))
    nowhere = _loaded(make_facility("地域なし医院"))
    with django_assert_num_queries(0):
        assert in_ward.ward == cast.ward1
        assert in_daily.ward == cast.ward1
        assert in_city.ward is None and nowhere.ward is None


def test_the_place_is_the_address_else_the_ward_else_the_area(cast, django_assert_num_queries):
    town = Area.objects.create(name="ある町", kind=Area.Kind.DAILY, parent=cast.daily1.parent.parent)
    rows = [
        (make_facility("住所あり", area=cast.daily1, address="テスト市東区1-1"), "テスト市東区1-1"),
        (make_facility("圏域のみ", area=cast.daily1, address=""), "東区"),
        (make_facility("町のみ", area=town, address=""), "ある町"),
        (make_facility("なにもなし", address=""), ""),
    ]
    loaded = [(_loaded(f), expected) for f, expected in rows]
    with django_assert_num_queries(0):
        for facility, expected in loaded:
            assert facility.place == expected, facility.name
        assert loaded[0][0].name_with_place == "住所あり（診療所・テスト市東区1-1）"
        assert loaded[3][0].name_with_place == "なにもなし（診療所）"


def test_the_round_page_says_where_each_facility_is(client_for, cast):
    from resources.models import ConfirmationRound, UpdateLink

    round_ = ConfirmationRound.objects.create(name="2026年度", center=cast.center1)
    for address in ("テスト市東区1-1", ""):
        facility = make_facility("みどり薬局", "pharmacy", area=cast.daily1, address=address)
        UpdateLink.objects.create(facility=facility, round=round_)
    html = client_for("coordinator").get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert "<small data-facility-where>薬局・テスト市東区1-1</small>" in html
    assert "<small data-facility-where>薬局・東区</small>" in html
