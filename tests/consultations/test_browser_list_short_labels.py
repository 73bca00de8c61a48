"""At 1280 px the consultation list keeps its short labels whole: 「地域包括支援センター」 and
「区役所・保健福祉センター」 (相談者区分) and the 対応者's name never break mid-word (the walker saw
「地域包括支援センタ/ー」, 「連携 看/子」); the long cells give way instead."""

import pytest

from coordination.models import User
from tests.conftest import ARTIFACTS, login
from tests.consultations.factories import make_consultation
from tests.consultations.test_browser_list_layout import ONE_LINE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_at_1280_the_consultant_type_and_the_handler_stay_on_one_line(page, cast):
    coordinator = User.objects.get(username="coordinator")
    coordinator.last_name, coordinator.first_name = "連携", "看子"
    coordinator.save()
    for day, consultant in ((3, "地域包括支援センター"), (4, "区役所・保健福祉センター")):
        make_consultation(
            cast.center1,
            when=(2026, 8, day, 10, 15),
            consultant=consultant,
            topics=("医療/訪問診療できる医療機関に関する事", "介護/ケアマネに関する事", "連絡調整"),
            status="open",
            consultant_affiliation="△△ケアプランセンター",
            summary="退院後に自宅で療養したいという相談。訪問診療医と訪問看護を探している。" * 2,
            handled_by=coordinator,
            follow_up_on="2026-08-01",
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "coordinator")
    page.goto(page.base_url + "/consultations/")
    for name in ("地域包括支援センター", "区役所・保健福祉センター"):
        assert page.locator(".consultant-type", has_text=name).first.evaluate(ONE_LINE) == 1, name
    for cell in page.locator("td[data-label=対応者]").all():
        assert cell.inner_text() == "連携 看子" and cell.evaluate(ONE_LINE) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consultation-list-1280-short-labels.png"), full_page=True)
    assert page.js_errors == []
