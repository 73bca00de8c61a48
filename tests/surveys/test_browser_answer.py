"""A care office answers the 入退院連絡調査 on a phone (390×844) through its own link, without
logging in; the coordinator then reads the rates and the trend chart."""

import pytest
from playwright.sync_api import expect

from surveys import presets, services
from surveys.models import Survey
from tests.conftest import ARTIFACTS, login
from tests.surveys.factories import at, respondent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_care_office_answers_on_a_phone_and_the_rates_show(page, browser, cast):
    from tests.resources.factories import make_facility

    make_facility("北見中央病院", kind_code="hospital", area=cast.ward1)
    office = make_facility("東ケアプランセンター", kind_code="care-management", area=cast.ward1)
    survey = services.create_from_template(
        None,
        Survey.Template.ADMISSION,
        fiscal_year=2026,
        opens_at=at(2026, 1, 1),
        closes_at=at(2099, 1, 1),
        center=cast.center1,
    )
    r = respondent(survey, facility=office, label=office.name)
    phone = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    p = phone.new_page()
    errors = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(page.base_url + f"/surveys/r/{r.token}/")
    expect(p.locator("[data-respondent-label]")).to_have_text("東ケアプランセンター")
    # Nothing wider than the phone: no sideways scrolling.
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    p.get_by_label("事業所のケアマネジャーの人数").fill("3")
    p.get_by_role("radio", name="いた", exact=True).check()
    first = p.locator('[data-client-row="1"]')
    first.get_by_label("病院").select_option("北見中央病院")
    first.get_by_label("入院時の連絡", exact=True).select_option(presets.ADMISSION_YES)
    first.get_by_label("入院時の連絡の方法").select_option("連携シート")
    first.get_by_label("退院時の連絡", exact=True).select_option(presets.DISCHARGE_NO)
    second = p.locator('[data-client-row="2"]')
    second.get_by_label("病院").select_option("北見中央病院")
    second.get_by_label("入院時の連絡", exact=True).select_option(presets.ADMISSION_NO)
    second.get_by_label("退院時の連絡", exact=True).select_option(presets.DISCHARGE_YES)
    # The timing is required once a discharge contact was received: the page says which row.
    p.get_by_role("button", name="回答を送信する").click()
    assert "2行目: 「退院の連絡を受けた時期」を選んでください" in p.content()
    p.locator('[data-client-row="2"]').get_by_label("退院の連絡を受けた時期").select_option("退院当日")
    p.locator('[data-client-row="1"]').scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "survey-answer-phone.png"), full_page=False)
    p.get_by_role("button", name="回答を送信する").click()
    expect(p.locator("h1")).to_contain_text("回答を受け付けました")
    p.screenshot(path=str(ARTIFACTS / "survey-answer-phone-thanks.png"))
    assert not errors
    phone.close()
    r.refresh_from_db()
    assert r.submitted_at is not None

    login(page, "coordinator")
    page.goto(page.base_url + f"/surveys/{survey.pk}/results/")
    expect(page.locator('[data-rate="入院時連絡率"]')).to_have_attribute("data-value", "50.0")
    expect(page.locator('[data-rate="退院時連絡率"]')).to_have_attribute("data-value", "50.0")
    expect(page.locator("[data-response-rate]")).to_have_attribute("data-response-rate", "100.0")
    page.wait_for_function("document.getElementById('chart-trend').width > 0")
    page.screenshot(path=str(ARTIFACTS / "survey-results.png"), full_page=True)
    assert not page.js_errors
