"""「地域の見える化」 (/resources/areas/): per 圏域 counts and rates per 1,000 people aged 65+, the
highlight of 圏域 below the city's rate, the public version, the consultations offered through
coordination.area_counts, the XLSX, and a query count that does not grow with the areas."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from coordination.models import Area, AreaStatistics
from resources.areas import INDICATORS, AreaReport
from resources.models import FacilityKind
from tests.consultations.factories import make_consultation
from tests.resources.factories import make_facility

YEAR = 2026
URL = f"/resources/areas/?fiscal_year={YEAR}"
TOKYO = ZoneInfo("Asia/Tokyo")


def rows(html):
    """{area code: (class, [data-per-1000 values], row html)} of the rates table's rows."""
    found = {}
    for code, cls, body in re.findall(
        r'<tr data-area-code="([^"]+)" data-level="\w+" class="([^"]*)">(.*?)</tr>', html, re.S
    ):
        found[code] = (cls, re.findall(r'data-per-1000="([^"]*)"', body), body)
    return found


def rate_of(html, code, indicator_key):
    keys = [i for i in re.findall(r'data-indicator="([^"]+)"', html)]
    return rows(html)[code][1][keys.index(indicator_key)]


@pytest.fixture
def town(cast):
    """Hand-counted: 圏域A has 2 clinics doing 訪問診療 (and one that does not) for 1,250 people
    aged 65+ → 1.6; 圏域B has 1 for 2,000 → 0.5, and the only 訪問看護ステーション; the city has
    4,000 aged 65+ and 3 such clinics → 0.75, shown 0.8."""
    a = Area.objects.create(name="圏域A", kind=Area.Kind.DAILY, parent=cast.ward1, code="A001", sort_order=1)
    b = Area.objects.create(name="圏域B", kind=Area.Kind.DAILY, parent=cast.ward1, code="B002", sort_order=2)
    make_facility("A診療所1", area=a, capabilities=["home-visit"])
    make_facility("A診療所2", area=a, capabilities=["home-visit", "palliative"])
    make_facility("A診療所3", area=a)
    make_facility("廃止した診療所", area=a, capabilities=["home-visit"], closed_on=datetime.date(2026, 5, 1))
    make_facility("B診療所", area=b, capabilities=["home-visit"])
    make_facility("B訪看", kind_code="visiting-nursing", area=b)
    AreaStatistics.objects.create(area=a, fiscal_year=YEAR, population=4_000, aged_65=1_250, aged_75=700)
    AreaStatistics.objects.create(area=b, fiscal_year=YEAR, population=6_000, aged_65=2_000)
    AreaStatistics.objects.create(
        area=cast.city, fiscal_year=YEAR, population=13_000, aged_65=4_000, source="住基"
    )
    return a, b


def test_per_1000_rates_on_a_hand_counted_fixture(client_for, cast, town):
    html = client_for("anonymous").get(URL).content.decode()
    assert rate_of(html, "A001", "home-visit-clinic") == "1.6"
    assert rate_of(html, "B002", "home-visit-clinic") == "0.5"
    assert rate_of(html, "401005", "home-visit-clinic") == "0.8"  # the city: 3 / 4,000 × 1,000
    assert rate_of(html, "B002", "visiting-nursing") == "0.5"
    assert rate_of(html, "A001", "visiting-nursing") == "0.0"
    # 高齢化率 from the figures, never stored: 1,250 / 4,000
    assert re.search(r'data-population-of="A001".*?data-aging-rate>31\.3%', html, re.S)
    report = AreaReport(YEAR, cast.admin).build()
    city = report.blocks[0].total
    assert [c.count for c in city.resources[:1]] == [3]  # the closed clinic is not counted


def test_areas_below_the_citys_rate_carry_a_class_and_words(client_for, cast, town):
    html = client_for("anonymous").get(URL).content.decode()
    found = rows(html)
    cls_b, _, body_b = found["B002"]
    assert "is-below" in cls_b and "市を下回る" in body_b  # 0.5 < 0.8 訪問診療
    assert 'rate--below" data-per-1000="0.5"' in body_b
    cls_a, _, body_a = found["A001"]
    # 圏域A is above for 訪問診療 but below for 訪問看護 (0.0 < 0.3): that cell only
    assert 'class="num rate" data-per-1000="1.6"' in body_a
    assert 'rate--below" data-per-1000="0.0"' in body_a and "is-below" in cls_a
    assert "is-below" not in found["401005"][0]  # the city is the reference, never below itself


def test_the_public_version_shows_resource_counts_but_no_consultations(client_for, cast, town):
    a, _ = town
    for _ in range(3):
        make_consultation(cast.center1, when=(2026, 6, 1, 10, 0), client_area=a)
    public = client_for("anonymous").get(URL).content.decode()
    assert "相談件数" not in public and "data-consultations" not in public
    assert rate_of(public, "A001", "home-visit-clinic") == "1.6"
    official = client_for("official").get(URL).content.decode()
    assert "相談件数" in official and 'data-count="相談件数"' in official
    # staff can look at the public version too
    staff_public = client_for("official").get(URL + "&public=1").content.decode()
    assert "data-consultations" not in staff_public and "data-public-version" in staff_public
    # and the public workbook has no consultation column either
    book = load_workbook(
        io.BytesIO(client_for("anonymous").get(f"/resources/areas/export.xlsx?fiscal_year={YEAR}").content)
    )
    header = [c.value for c in book.active[2]]
    assert "訪問診療を行う診療所（65歳以上千人あたり）" in header and not any(
        "相談" in (h or "") for h in header
    )


def test_consultations_per_1000_count_the_clients_area_or_the_centers_only_area(client_for, cast, town):
    a, _ = town
    for _ in range(3):
        make_consultation(cast.center1, when=(2026, 6, 1, 10, 0), client_area=a)
    make_consultation(cast.center1, when=(2026, 3, 31, 10, 0), client_area=a)  # 2025年度
    make_consultation(cast.center1, when=(2027, 3, 31, 23, 30))  # no client area: center1's 東区
    html = client_for("admin").get(URL).content.decode()
    found = rows(html)
    consultations = re.findall(r"data-consultations>(\d+)<", found["A001"][2])
    assert consultations == ["3"] and found["A001"][1][-1] == "2.4"  # 3 / 1,250 × 1,000
    ward_count = re.findall(r"data-consultations>(\d+)<", rows(html)[f"id{cast.ward1.pk}"][2])
    assert ward_count == ["4"]  # A's three and the one placed by its center
    ward_row = rows(html)[f"id{cast.ward1.pk}"][2]
    assert "うち圏域不明 1" in ward_row
    # with a consultation known only at the 区, its 圏域 are not compared on consultations: 圏域B has
    # none, yet its consultation rate is not marked below the city's
    b_rates = rows(html)["B002"][2]
    assert 'rate--below" data-per-1000="0.0"' not in b_rates.split("data-consultations")[-1]


def test_a_ward_official_counts_only_the_consultations_of_its_wards_centers(client_for, cast, town):
    west = Area.objects.create(name="西圏域", kind=Area.Kind.DAILY, parent=cast.ward2, code="W001")
    AreaStatistics.objects.create(area=west, fiscal_year=YEAR, population=3_000, aged_65=1_000)
    make_consultation(cast.center1, when=(2026, 6, 1, 10, 0), client_area=town[0])
    make_consultation(cast.center2, when=(2026, 6, 1, 10, 0), client_area=west)
    cast.official.ward = cast.ward2
    cast.official.save()
    html = client_for("official").get(URL).content.decode()
    found = rows(html)
    assert re.findall(r"data-consultations>(\d+)<", found["W001"][2]) == ["1"]
    assert "対象外" in found["A001"][2] and "data-consultations" not in found["A001"][2]
    assert "data-ward-scope" in html
    # the resources stay the city's for everybody
    assert rate_of(html, "A001", "home-visit-clinic") == "1.6"


def test_an_indicator_shows_only_while_its_kind_exists(client_for, cast, town):
    a, _ = town
    salon = FacilityKind.objects.get(code="salon")  # loaded with the community kinds
    FacilityKind.objects.filter(pk=salon.pk).delete()
    assert 'data-indicator="salon"' not in client_for("anonymous").get(URL).content.decode()
    salon.save()
    make_facility("いきいきサロン", kind_code=salon.code, area=a, code="")
    html = client_for("anonymous").get(URL).content.decode()
    assert rate_of(html, "A001", "salon") == "0.8"  # 1 / 1,250 × 1,000
    assert rate_of(html, "A001", "community") == "0.8"
    assert {i.key for i in INDICATORS} >= {"home-visit-clinic", "visiting-nursing", "salon"}


def test_the_xlsx_has_every_row_and_suppresses_small_consultation_counts_for_publication(
    client_for, cast, town
):
    a, _ = town
    for _ in range(3):
        make_consultation(cast.center1, when=(2026, 6, 1, 10, 0), client_area=a)
    admin = client_for("admin")
    book = load_workbook(io.BytesIO(admin.get(f"/resources/areas/export.xlsx?fiscal_year={YEAR}").content))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    lines = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    a_row = lines["圏域A"]
    assert a_row[header.index("訪問診療を行う診療所（65歳以上千人あたり）")] == 1.6
    assert a_row[header.index("相談件数（件数）")] == 3
    assert "訪問看護ステーション" in a_row[header.index("市の値を下回る項目")]
    published = load_workbook(
        io.BytesIO(admin.get(f"/resources/areas/export.xlsx?fiscal_year={YEAR}&publish=1").content)
    ).active
    a_published = {r[1]: r for r in published.iter_rows(min_row=3, values_only=True)}["圏域A"]
    assert a_published[header.index("相談件数（件数）")] == "－"


def _areas(cast, n):
    start = Area.objects.filter(code__startswith="Q").count()
    for i in range(start, start + n):
        ward = (cast.ward1, cast.ward2)[i % 2]
        area = Area.objects.create(name=f"圏域{i}", kind=Area.Kind.DAILY, parent=ward, code=f"Q{i:03d}")
        AreaStatistics.objects.create(area=area, fiscal_year=YEAR, population=5_000, aged_65=1_500)
        make_facility(f"診療所{i}", area=area, capabilities=["home-visit"])
        make_facility(f"訪看{i}", kind_code="visiting-nursing", area=area)
        make_consultation((cast.center1, cast.center2)[i % 2], when=(2026, 6, 1, 10, 0), client_area=area)


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_the_query_count_does_not_grow_with_the_number_of_areas(
    client_for, cast, role, django_assert_num_queries
):
    client = client_for(role)
    _areas(cast, 2)
    client.get(URL)
    # (signed in: session, user) years, areas, kinds, capabilities, facilities by area, statistics
    # (+ consultations by area for staff)
    expected = 6 if role == "anonymous" else 9
    with django_assert_num_queries(expected):
        assert client.get(URL).content.decode().count('data-area-code="Q') == 2
    _areas(cast, 4)
    with django_assert_num_queries(expected):
        assert client.get(URL).content.decode().count('data-area-code="Q') == 6


def test_a_year_without_statistics_shows_counts_without_rates(client_for, cast, town):
    html = client_for("anonymous").get("/resources/areas/?fiscal_year=2020").content.decode()
    found = rows(html)
    assert found["A001"][1][0] == "" and "人口の統計なし" in found["A001"][2]
    assert re.search(r'data-population-of="A001".*?data-population>—<', html, re.S) and "None" not in html
    assert re.findall(r"<td class=\"num\">(\d+)</td>", found["A001"][2])[0] == "2"


# --- the statistics entry page ----------------------------------------------------------------


def test_the_statistics_page_is_for_admins_and_officials_only(client_for, cast):
    assert client_for("anonymous").get("/resources/areas/statistics/").status_code == 302
    for role in ("coordinator", "professional"):
        assert client_for(role).get("/resources/areas/statistics/").status_code == 403
    for role in ("admin", "official"):
        html = client_for(role).get(f"/resources/areas/statistics/?fiscal_year={YEAR}").content.decode()
        assert f'data-area-entry="{cast.daily1.pk}"' in html


def test_figures_entered_on_the_page_are_saved_and_bad_ones_named(client_for, cast):
    official = client_for("official")
    prefix = f"a{cast.daily1.pk}"
    bad = official.post(
        f"/resources/areas/statistics/?fiscal_year={YEAR}",
        {f"{prefix}-population": "1000", f"{prefix}-aged_65": "1200"},
    )
    assert bad.status_code == 200 and "東北圏域: 65歳以上人口が人口を超えています。" in bad.content.decode()
    assert not AreaStatistics.objects.exists()
    missing = official.post(
        f"/resources/areas/statistics/?fiscal_year={YEAR}", {f"{prefix}-population": "1000"}
    )
    assert "東北圏域: 65歳以上人口を入力してください。" in missing.content.decode()
    ok = official.post(
        f"/resources/areas/statistics/?fiscal_year={YEAR}",
        {f"{prefix}-population": "1000", f"{prefix}-aged_65": "300", f"{prefix}-source": "住基"},
    )
    assert ok.status_code == 302
    saved = AreaStatistics.objects.get(area=cast.daily1, fiscal_year=YEAR)
    assert (saved.population, saved.aged_65, str(saved.aging_rate), saved.source) == (
        1000,
        300,
        "30.0",
        "住基",
    )
    # every number blank removes that area's figures of the 年度
    official.post(f"/resources/areas/statistics/?fiscal_year={YEAR}", {f"{prefix}-population": ""})
    assert not AreaStatistics.objects.exists()


def test_the_statistics_page_query_count_does_not_grow_with_the_areas(
    client_for, cast, django_assert_num_queries
):
    official = client_for("official")
    url = f"/resources/areas/statistics/?fiscal_year={YEAR}"
    _areas(cast, 2)
    official.get(url)
    # session, user, years, areas, the 年度's statistics
    with django_assert_num_queries(5):
        html = official.get(url).content.decode()
    assert html.count("data-area-entry=") == Area.objects.count() == 6
    _areas(cast, 4)
    with django_assert_num_queries(5):
        html = official.get(url).content.decode()
    assert html.count("data-area-entry=") == 10
