"""Checkboxes and radios are targets of at least 24 × 24 px, and so is the label that chooses them
(WCAG 2.2, 2.5.8), measured in Chromium on the pages where people tick most: the directory search,
the consultation form and the training survey, on a desktop and a phone."""

import pytest

from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.markup, pytest.mark.django_db(transaction=True)]

MEASURE = """() => Array.from(document.querySelectorAll('input[type=checkbox], input[type=radio]'))
  .filter(input => input.getClientRects().length)
  .map(input => {
    const own = input.getBoundingClientRect();
    const label = input.closest('label') || (input.id && document.querySelector(`label[for="${input.id}"]`));
    const area = label ? label.getBoundingClientRect() : own;
    return {name: input.name, text: label ? label.textContent.trim() : '',
            width: own.width, height: own.height, labelWidth: area.width, labelHeight: area.height};
  })"""


def survey_url(cast):
    from tests.training.factories import make_event, make_survey

    survey = make_survey(make_event(cast.center1), opens=(2020, 1, 1, 0, 0), closes=(2099, 1, 1, 0, 0))
    return f"/surveys/l/{survey.link_token}/"


PAGES = {
    "directory-search": ("professional", lambda cast: "/resources/"),
    "consultation-form": ("coordinator", lambda cast: "/consultations/new/"),
    "training-survey": ("anonymous", survey_url),
}


@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_checkbox_and_radio_and_its_label_is_at_least_24_px(page, cast, name, viewport):
    role, url = PAGES[name]
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    if role != "anonymous":
        login(page, role)
    page.goto(page.base_url + url(cast))
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    targets = page.evaluate(MEASURE)
    assert len(targets) >= 5, name  # the page has its choices (a page of none would pass)
    small = [
        t
        for t in targets
        if min(t["width"], t["height"]) < 24 or t["labelHeight"] < 24 or t["labelWidth"] < 24
    ]
    assert small == [], small
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"targets-{name}-{viewport[0]}.png"), full_page=True)
