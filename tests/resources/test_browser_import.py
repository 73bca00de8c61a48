import pytest

from tests.conftest import ARTIFACTS, login
from tests.resources.samples import as_csv, kaigo_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_uploads_national_csv_reviews_preview_confirms_and_finds_offices(page, cast, tmp_path):
    path = tmp_path / "jigyosho_430.csv"
    path.write_bytes(as_csv(kaigo_rows(), "cp932"))
    login(page, "admin")
    page.goto(page.base_url + "/resources/import/")
    page.get_by_label("ファイル").set_input_files(str(path))
    page.get_by_role("button", name="内容を確認する").click()
    assert page.locator("[data-import-new]").get_attribute("data-import-new") == "2"
    assert "ケアプランセンターひまわり" in page.locator("table").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"), full_page=True)
    page.get_by_role("button", name="取り込む（新規 2件・更新 0件）").click()
    assert page.locator("[data-import-created]").get_attribute("data-import-created") == "2"
    page.screenshot(path=str(ARTIFACTS / "import-summary.png"), full_page=True)

    page.goto(page.base_url + "/resources/?q=ひまわり")
    assert page.locator("[data-result-count]").get_attribute("data-result-count") == "1"
    page.get_by_role("link", name="ケアプランセンターひまわり").click()
    assert page.get_by_role("heading", level=1).inner_text() == "ケアプランセンターひまわり"
