import pytest
from playwright.sync_api import expect

from resources.models import FacilityImport
from tests.conftest import ARTIFACTS, login
from tests.resources.samples import KAIGO_ROWS, as_csv, kaigo_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
READING_A_REAL_FILE = 90_000  # ms


def test_admin_uploads_national_csv_reviews_preview_confirms_and_finds_offices(page, cast, tmp_path):
    rows = [list(r) for r in KAIGO_ROWS] + [list(KAIGO_ROWS[0])]
    rows[2][15], rows[2][4] = "x", ""  # a bad row: set aside, the others import
    path = tmp_path / "jigyosho_430.csv"
    path.write_bytes(as_csv(kaigo_rows(rows), "cp932"))
    login(page, "admin")
    page.goto(page.base_url + "/resources/import/")
    page.get_by_label("ファイル").set_input_files(str(path))
    page.get_by_role("button", name="アップロードして内容を確認する").click()
    page.wait_for_url("**/resources/import/*/")
    expect(page.locator("[data-import-new]")).to_have_attribute("data-import-new", "2")
    expect(page.locator("[data-import-rejected]")).to_have_attribute("data-import-rejected", "1")
    expect(page.locator("[data-rejected-rows]")).to_contain_text("4行目「事業所名」: 事業所名がありません。")
    expect(page.locator("table").last).to_contain_text("ケアプランセンターひまわり")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="取り込む（新規 2件・更新 0件）").click()
    expect(page.locator("[data-import-created]")).to_have_attribute("data-import-created", "2")
    page.screenshot(path=str(ARTIFACTS / "import-summary.png"), full_page=True)

    page.goto(page.base_url + "/resources/?q=ひまわり")
    expect(page.locator("[data-result-count]")).to_have_attribute("data-result-count", "1")
    page.get_by_role("link", name="ケアプランセンターひまわり").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ケアプランセンターひまわり")


def test_the_progress_bar_follows_a_running_import_and_the_page_shows_the_result(page, cast):
    # The suite runs tasks inside the request; here the batch is put in the state a worker
    # leaves it in while it writes, and moved on as a worker would.
    batch = FacilityImport.objects.create(
        user=cast.admin,
        file_name="jigyosho_170.csv",
        status="confirming",
        phase="書き込み中",
        done=10,
        total=100,
    )
    login(page, "admin")
    page.goto(page.base_url + f"/resources/import/{batch.pk}/")
    bar = page.locator("[data-batch-bar]")
    expect(bar).to_have_attribute("value", "10")
    FacilityImport.objects.filter(pk=batch.pk).update(done=60)
    expect(page.locator("[data-batch-count]")).to_have_text("60 ／ 100")  # no reload: polled
    expect(bar).to_have_attribute("value", "60")
    page.screenshot(path=str(ARTIFACTS / "import-progress.png"), full_page=True)
    FacilityImport.objects.filter(pk=batch.pk).update(status="done", created=68, rows=7042, out_of_scope=6974)
    page.wait_for_selector("[data-import-created]")
    expect(page.locator("[data-import-out-of-scope]")).to_have_attribute("data-import-out-of-scope", "6974")


def test_admin_adds_a_town_by_its_six_digit_code_and_a_bad_code_is_named(page, cast):
    from pathlib import Path

    tottori = (
        Path(__file__).resolve().parent.parent
        / "data"
        / "real"
        / "kouseikyoku"
        / "chugoku_31_tottori_ika.xlsx"
    )
    login(page, "admin")
    page.goto(page.base_url + "/resources/import/")
    page.get_by_label("ファイル").set_input_files(str(tottori))
    page.get_by_label("この取込だけ対象に加える地域（任意）").fill("３１２０４５ 99999")
    page.get_by_role("button", name="アップロードして内容を確認する").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "「この取込だけ対象に加える地域」の「99999」はどの市町村のコードでもありません。"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-area-code-refused.png"), full_page=True)
    assert not FacilityImport.objects.exists()

    page.get_by_label("ファイル").set_input_files(str(tottori))
    page.get_by_label("この取込だけ対象に加える地域（任意）").fill("312045")
    # The suite runs the preview inside the upload's request, and this one reads a whole real
    # prefecture's list: on a busy machine the answer takes longer than the suite's usual wait.
    page.get_by_role("button", name="アップロードして内容を確認する").click(timeout=READING_A_REAL_FILE)
    page.wait_for_url("**/resources/import/*/", timeout=READING_A_REAL_FILE)
    expect(page.locator("[data-import-new]")).to_have_attribute("data-import-new", "45")
    assert "対象外（境港市、" in page.content()
    expect(page.locator("caption").first).to_have_text("新規（45件）")
    page.screenshot(path=str(ARTIFACTS / "import-area-code-preview.png"), full_page=True)
