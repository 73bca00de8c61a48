"""A 日常生活圏域 lists its towns (Area.towns): a facility is filed under it by its address — a new one
from a national file (which names the ward only), those already filed under the ward only from
「地域の見える化」, and one whose address its own answer changes."""

import pytest

from coordination.models import Area, AuditEvent
from resources import imports
from resources.geo import DailyAreas, follow_address
from resources.models import Facility, FacilityChange
from tests.resources.factories import make_facility
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(cast):
    cast.daily1.towns = "本町\n大里本町１丁目\n大積"
    cast.daily1.save()
    south = Area.objects.create(
        name="東南圏域", kind=Area.Kind.DAILY, parent=cast.ward1, towns="大里本町\n本町通\n栄町"
    )
    cast.daily2 = south
    return cast


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("テスト市東区本町1-2-3", "東北圏域"),
        ("福岡県テスト市東区本町１丁目２番３号", "東北圏域"),  # full width, 丁目 and 番
        ("テスト市東区本町通2-1", "東南圏域"),  # a longer name is another town
        ("テスト市東区大里本町1-5-5", "東北圏域"),  # 1丁目 listed on its own
        ("テスト市東区大里本町一丁目5番5号", "東北圏域"),  # kanji 丁目
        ("テスト市東区大里本町12-3", "東南圏域"),  # 12丁目 is not 1丁目
        ("テスト市東区大里本町2丁目", "東南圏域"),
        ("テスト市東区大字大積123", "東北圏域"),  # 大字 is not part of the town's name
        ("テスト市東区栄町", "東南圏域"),
        ("テスト市東区本城町1-1", None),  # not listed
        ("テスト市西区本町1-1", None),  # another ward's 本町
        ("本町1-1", None),  # no ward named
    ],
)
def test_an_address_is_in_the_area_whose_towns_hold_it(towns, address, expected):
    area = DailyAreas().of(address, towns.ward1.pk)
    assert (area.name if area else None) == expected


def test_a_national_files_new_office_is_filed_under_the_area_of_its_town(towns):
    row = list(KAIGO_ROWS[0])
    row[7], row[8] = "福岡県テスト市東区本町3-1", ""
    other = list(KAIGO_ROWS[1])
    other[7] = "福岡県テスト市東区本城町1-1"  # no 圏域 lists it: the ward, as the file says
    plan = imports.run(as_csv(kaigo_rows([row, other])), "jigyosho_430.csv", write=True)
    assert plan.ok, plan.error
    filed = dict(Facility.objects.values_list("name", "area__name"))
    assert filed == {"ケアプランセンターひまわり": "東北圏域", "訪問介護ステーション森": "東区"}


def test_the_areas_page_files_the_facilities_under_a_ward_by_their_towns(towns, client_for):
    in_town = make_facility("本町クリニック", area=towns.ward1, address="テスト市東区本町2-2")
    unknown = make_facility("本城町クリニック", area=towns.ward1, address="テスト市東区本城町1-1")
    already = make_facility("栄町医院", area=towns.daily1, address="テスト市東区栄町1-1")  # set by hand
    client = client_for("coordinator")
    page = client.get("/resources/areas/").content.decode()
    assert 'data-filed-under-ward="2"' in page and "住所の町名から圏域に振り分ける" in page
    response = client.post("/resources/areas/file-by-towns/", follow=True)
    page = response.content.decode()
    assert "1件の施設を、住所の町名から圏域に振り分けました。" in page
    assert "1件はまだ区までの登録です。" in page and 'data-filed-under-ward="1"' in page
    for facility in (in_town, unknown, already):
        facility.refresh_from_db()
    assert (in_town.area, unknown.area, already.area) == (towns.daily1, towns.ward1, towns.daily1)
    assert FacilityChange.objects.filter(facility=in_town, fields=["地域（町名から圏域へ）"]).exists()
    assert not FacilityChange.objects.filter(facility__in=[unknown, already]).exists()
    assert AuditEvent.objects.filter(detail="町名から圏域に振り分け: 1件（残り 1件）").exists()


def test_only_the_directorys_editors_are_offered_or_may_file(towns, client_for):
    make_facility("本町クリニック", area=towns.ward1, address="テスト市東区本町2-2")
    for role in ("anonymous", "professional", "official"):
        assert "data-filed-under-ward" not in client_for(role).get("/resources/areas/").content.decode(), role
    assert client_for("anonymous").post("/resources/areas/file-by-towns/").status_code == 302
    for role in ("professional", "official"):
        assert client_for(role).post("/resources/areas/file-by-towns/").status_code == 403, role
    assert client_for("coordinator").get("/resources/areas/file-by-towns/").status_code == 405
    assert Facility.objects.get(name="本町クリニック").area == towns.ward1


def test_without_towns_listed_the_page_says_where_to_list_them(cast, client_for):
    make_facility("本町クリニック", area=cast.ward1, address="テスト市東区本町2-2")
    page = client_for("coordinator").get("/resources/areas/").content.decode()
    assert 'data-filed-under-ward="1"' in page and "「含まれる町名」を登録すると" in page
    assert "住所の町名から圏域に振り分ける" not in page


def test_a_new_address_within_the_ward_moves_the_facility_to_its_towns_area(towns):
    facility = make_facility("移転クリニック", area=towns.daily1, address="テスト市東区本町1-1")
    facility.address = "テスト市東区栄町3-3"
    changed = follow_address(facility, "テスト市東区本町1-1")
    assert facility.area == towns.daily2 and "地域（新しい住所の圏域）" in changed
