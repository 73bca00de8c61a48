"""A city's own sheet as cities make them: a title above the header, columns told apart by an
example value in the mapping step, and 種別 written as people say it (歯科, 調剤薬局), a value
that is no kind answered with the values that are."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from resources import imports
from resources.models import Facility, FacilityImport
from tests.resources.samples import as_csv, as_xlsx

pytestmark = pytest.mark.django_db

TITLED = [
    ["令和7年度 北九州市 在宅医療・介護の事業所一覧"],
    ["令和7年4月1日現在", "", "", "健康推進課"],
    [],
    ["事業所の名前", "サービス", "所在地", "TEL"],
    ["みどり訪問看護", "訪問看護ステーション", "北九州市小倉北区1-1", "093-111-2222"],
    ["あおば歯科", "歯科", "北九州市小倉南区2-2", "093-333-4444"],
]


def uploaded(client, data, name):
    client.post("/resources/import/", {"file": SimpleUploadedFile(name, data)})
    return FacilityImport.objects.latest("pk")


@pytest.mark.parametrize("encode", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_a_title_above_the_header_is_passed_over(client_for, cast, encode):
    client = client_for("admin")
    batch = uploaded(client, encode(TITLED), "city.xlsx" if encode is as_xlsx else "city.csv")
    assert batch.result["header"] == TITLED[3]
    response = client.get(f"/resources/import/{batch.pk}/")
    html = response.content.decode()
    assert "見出しは4行目として読みました" in html
    form = response.context["mapping_form"]
    assert [form[f"column_{i}"].label for i in range(4)] == TITLED[3]
    assert [form[f"column_{i}"].initial for i in range(4)] == ["名称", "種別", "住所", "電話番号"]
    assert "例: みどり訪問看護" in html and "例: 093-111-2222" in html  # one sample per column
    client.post(
        f"/resources/import/{batch.pk}/mapping/",
        {f"column_{i}": form[f"column_{i}"].initial for i in range(4)},
    )
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.rejected) == ("ready", 2, 0)
    client.post(f"/resources/import/{batch.pk}/confirm/")
    assert Facility.objects.get(name="あおば歯科").kind.code == "dental"
    # Next year's sheet with the same title and header maps itself.
    again = uploaded(client, encode(TITLED), "city2026.csv" if encode is as_csv else "city2026.xlsx")
    assert again.status == "ready" and again.result["format_label"].startswith(
        "市などで作った一覧（列の対応づけ"
    )


def test_a_sample_value_is_escaped_on_the_mapping_page(client_for, cast):
    sheet = [["施設名", "種類"], ["<b>森医院</b>", "診療所"]]
    client = client_for("admin")
    batch = uploaded(client, as_csv(sheet), "city.csv")
    html = client.get(f"/resources/import/{batch.pk}/").content.decode()
    assert "例: &lt;b&gt;森医院&lt;/b&gt;" in html and "<b>森医院</b>" not in html


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("歯科", "dental"),
        ("調剤薬局", "pharmacy"),
        ("クリニック", "clinic"),
        ("特養", "special-nursing-home"),
    ],
)
def test_kinds_are_read_as_people_write_them(cast, written, kind):
    plan = imports.run(as_csv([["種別", "名称"], [written, "森"]]), "list.csv", write=True)
    assert plan.created == 1 and Facility.objects.get().kind.code == kind


def test_a_value_that_is_no_kind_lists_the_kinds_once_and_later_rows_point_there(cast):
    rows = [["種別", "名称"], ["はいしゃ", "森"], ["はいしゃ", "林"], ["", "原"]]
    plan = imports.run(as_csv(rows), "list.csv")
    first, second, empty = plan.rejected_lines()
    assert first.startswith(
        "2行目「種別」: 「はいしゃ」は施設種別にありません。次のどれかで書いてください: 病院、診療所、歯科診療所、薬局、"
    )
    assert "訪問看護ステーション" in first and "子ども食堂" in first
    assert second == "3行目「種別」: 「はいしゃ」は施設種別にありません（使える値は2行目の説明にあります）。"
    assert empty.startswith("4行目「種別」: 種別がありません。次のどれかで書いてください: 病院、")
