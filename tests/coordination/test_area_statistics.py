"""Area statistics (人口・65歳以上人口 …): the model's rules, and the sheet import that saves the good
rows and lists the bad ones by row and column (page: upload → preview → confirm; and the command)."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from openpyxl import Workbook

from coordination import area_statistics
from coordination.area_statistics import parse, parse_fiscal_year
from coordination.models import Area, AreaStatistics, AreaStatisticsImport

HEADER = "地域コード,地域名,年度,人口,65歳以上人口,75歳以上人口,要介護認定者数,出典\n"


@pytest.fixture
def places(cast):
    cast.ward1.code = "0401013"  # a code with a leading zero
    cast.ward1.save()
    return cast


def csv(*lines):
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_aging_rate_is_computed_and_the_figures_must_fit_together(cast):
    stats = AreaStatistics.objects.create(area=cast.ward1, fiscal_year=2026, population=4_000, aged_65=1_250)
    assert str(stats.aging_rate) == "31.3"
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaStatistics.objects.create(area=cast.ward1, fiscal_year=2026, population=5_000, aged_65=1_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaStatistics.objects.create(area=cast.ward2, fiscal_year=2026, population=100, aged_65=200)


@pytest.mark.parametrize(
    "text, year",
    [
        ("2026", 2026),
        ("2026年度", 2026),
        ("令和7年度", 2025),
        ("令和８年度", 2026),
        ("令和元年度", 2019),
        ("R7", 2025),
        ("平成30年度", 2018),
        ("来年", None),
    ],
)
def test_fiscal_years_are_read_in_western_or_japanese_era(text, year):
    assert parse_fiscal_year(text) == year


def test_a_sheet_with_bad_rows_saves_the_good_ones_and_names_each_bad_row_and_column(places):
    data = csv(
        "0401013,,令和7年度,120000,36000,20000,7000,住基",  # good: code with its leading zero
        ",西区,2026,80000,24000,,,",  # good: by name, optional figures blank
        ",南区,2026,1000,300,,,",  # unknown area
        ",東北圏域,2026,1000,1200,,,",  # 65歳以上 > 人口
        ",東北圏域,来年,1000,abc,,,",  # two bad cells in one row
        "0401013,,2025,1,1,,,",  # the same area and year again
    )
    result = parse(data, "stats.csv")
    assert [number for number, _ in result.records] == [2, 3]
    assert result.error_lines() == [
        "4行目「地域名」: 地域名「南区」の地域は登録されていません。",
        "5行目「65歳以上人口」: 65歳以上人口が人口を超えています。",
        "6行目「年度」: 年度「来年」を読み取れません（例: 2026、令和8年度）。",
        "6行目「65歳以上人口」: 0以上の整数で入力してください（「abc」）。",
        "7行目「年度」: 2行目と同じ地域・年度です。",
    ]
    created, updated = area_statistics.save(result.records)
    assert (created, updated) == (2, 0)
    east = AreaStatistics.objects.get(area=places.ward1)
    assert (east.fiscal_year, east.population, east.aged_65, east.aged_75, east.source) == (
        2025,
        120_000,
        36_000,
        20_000,
        "住基",
    )
    assert AreaStatistics.objects.get(area=places.ward2).aged_75 is None


def test_a_workbook_code_that_lost_its_leading_zero_still_finds_the_area(places):
    book = Workbook()
    sheet = book.active
    sheet.append(["地域コード", "年度", "人口", "65歳以上人口"])
    sheet.append([401013, "令和８年度", 50_000, 15_000])  # a number cell: Excel dropped the 0
    out = io.BytesIO()
    book.save(out)
    result = parse(out.getvalue(), "stats.xlsx")
    assert not result.errors
    assert result.records[0][1].area == places.ward1 and result.records[0][1].fiscal_year == 2026


def test_a_sheet_without_the_needed_columns_says_which(places):
    result = parse("地域名,人口\n東区,100\n".encode(), "stats.csv")
    assert result.error_lines() == [
        "1行目「年度」: この列がありません（1行目に見出しが必要です）。",
        "1行目「65歳以上人口」: この列がありません（1行目に見出しが必要です）。",
    ]
    assert not result.records


def test_an_import_replaces_the_same_area_and_year(places):
    AreaStatistics.objects.create(area=places.ward2, fiscal_year=2026, population=1, aged_65=1, note="古い")
    area_statistics.save(parse(csv(",西区,2026,80000,24000,,,新"), "s.csv").records)
    stats = AreaStatistics.objects.get(area=places.ward2, fiscal_year=2026)
    assert (stats.population, stats.source) == (80_000, "新")


def test_the_upload_preview_confirm_flow_imports_the_good_rows_and_lists_the_rest(places, client_for):
    official = client_for("official")
    data = csv(",西区,2026,80000,24000,,,", ",南区,2026,1000,300,,,")
    response = official.post(
        "/resources/areas/statistics/import/", {"file": io.BytesIO(data) | _named("stats.csv")}
    )
    batch = AreaStatisticsImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/import/{batch.pk}/")
    page = official.get(f"/resources/areas/statistics/import/{batch.pk}/").content.decode()
    assert (
        'data-import-rows="1"' in page
        and "3行目「地域名」: 地域名「南区」の地域は登録されていません。" in page
    )
    assert not AreaStatistics.objects.exists()  # nothing before the confirm
    official.post(f"/resources/areas/statistics/import/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.status == "done" and batch.saved == 1
    assert AreaStatistics.objects.get().area == places.ward2
    done = official.get(f"/resources/areas/statistics/import/{batch.pk}/").content.decode()
    assert 'data-import-saved="1"' in done and "南区" in done
    errors = official.get(f"/resources/areas/statistics/import/{batch.pk}/errors.csv")
    assert "南区" in errors.content.decode("utf-8-sig")


def test_a_file_with_no_good_row_fails_with_a_japanese_reason(places, client_for):
    admin = client_for("admin")
    admin.post("/resources/areas/statistics/import/", {"file": io.BytesIO(b"\x00\x01") | _named("x.xlsx")})
    batch = AreaStatisticsImport.objects.get()
    assert batch.status == "failed" and "取り込める行がありません" in batch.failure
    page = admin.get(f"/resources/areas/statistics/import/{batch.pk}/").content.decode()
    assert "Excelファイル（.xlsx）として読み込めません" in page


def test_the_import_pages_are_for_admins_and_officials(client_for, cast):
    assert client_for("anonymous").get("/resources/areas/statistics/import/").status_code == 302
    for role in ("coordinator", "professional"):
        assert client_for(role).get("/resources/areas/statistics/import/").status_code == 403
    assert client_for("official").get("/resources/areas/statistics/import/").status_code == 200


def test_a_wards_official_reads_the_figures_but_does_not_enter_or_import_them(client_for, cast):
    cast.official.ward = cast.ward2
    cast.official.save(update_fields=["ward"])
    official = client_for("official")
    for url in ("/resources/areas/statistics/", "/resources/areas/statistics/import/"):
        assert official.get(url).status_code == 403, url
    page = official.get("/resources/areas/").content.decode()
    assert "/resources/areas/statistics/" not in page


def test_the_command_saves_the_good_rows_and_prints_the_bad_ones(places, tmp_path, capsys):
    path = tmp_path / "stats.csv"
    path.write_bytes(csv(",西区,2026,80000,24000,,,", ",南区,2026,1000,300,,,"))
    with pytest.raises(SystemExit):
        call_command("import_area_statistics", str(path))
    out = capsys.readouterr()
    assert "rows 2, valid 1, created 1, updated 0, rejected 1" in out.out
    assert "3行目「地域名」" in out.err
    assert AreaStatistics.objects.count() == 1
    path.write_bytes(csv(",西区,2026,81000,24000,,,"))
    call_command("import_area_statistics", str(path), "--dry-run")
    assert AreaStatistics.objects.get().population == 80_000


def test_an_area_with_statistics_cannot_be_deleted_by_accident(cast):
    from django.db.models import ProtectedError

    area = Area.objects.create(name="消す圏域", kind=Area.Kind.DAILY, parent=cast.ward1)
    AreaStatistics.objects.create(area=area, fiscal_year=2026, population=10, aged_65=3)
    with pytest.raises(ProtectedError):
        area.delete()


class _named:
    """`io.BytesIO(data) | _named("a.csv")`: a file object with the name the test client sends."""

    def __init__(self, name):
        self.name = name

    def __ror__(self, stream):
        stream.name = self.name
        return stream
