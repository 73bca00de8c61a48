import re

import pytest
from playwright.sync_api import expect

from coordination.models import Organisation
from tests.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_primary_meeting_raises_two_issues_and_a_secondary_carries_out_a_solution(page, cast):
    pharmacy = Organisation.objects.create(name="薬剤師会", short_name="薬")
    Organisation.objects.create(name="介護支援専門員協会", short_name="ケ")
    login(page, "coordinator")

    # 一次連携 with 薬剤師会 (FY2024).
    page.goto(page.base_url + "/meetings/new/")
    page.get_by_role("radio", name="一次連携").check()
    page.get_by_label("種類").select_option(label="打ち合わせ会")
    page.get_by_label("名称", exact=True).fill("薬剤師会との打ち合わせ会")
    page.get_by_label("開催日").fill("2024-09-03")
    page.get_by_role("group", name="参加した団体・機関").get_by_label("薬剤師会").check()
    page.get_by_label("記録（議事要旨）").fill("薬剤師の在宅訪問について意見交換。\nケアマネとの接点がない。")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("一次連携「薬剤師会との打ち合わせ会」を記録しました")
    meeting_url = page.url

    for label, title in [
        ("薬-A", "ケアマネジャーの顔が分からない"),
        ("薬-F", "「訪問指示」の処方箋が来ない"),
    ]:
        page.goto(meeting_url)
        page.get_by_text("この会議で課題を起票する").click()
        page.get_by_label("ラベル").fill(label)
        page.get_by_role("textbox", name="課題 必須").fill(title)
        expect(page.get_by_label("提起した団体")).to_have_value(str(pharmacy.pk))
        page.get_by_role("button", name="課題を起票").click()
        expect(page.locator(".messages")).to_contain_text(f"課題「{label} {title}」を起票しました")
    expect(page.locator("#raised")).to_contain_text("薬-A")
    expect(page.locator("#raised")).to_contain_text("薬-F")

    # A 一次 with two counterparts is refused, naming the rule.
    page.goto(page.base_url + "/meetings/new/")
    page.get_by_role("radio", name="一次連携").check()
    page.get_by_label("開催日").fill("2025-06-12")
    page.get_by_role("group", name="参加した団体・機関").get_by_label("薬剤師会").check()
    page.get_by_role("group", name="参加した団体・機関").get_by_label("介護支援専門員協会").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".field--error")).to_contain_text("一次連携はセンターと1つの団体・職種との連携です")

    # …as a 二次連携 it is recorded, and carries out a 解決策 for 薬-F (FY2025).
    page.get_by_role("radio", name="二次連携").check()
    page.get_by_label("種類").select_option(label="同行訪問")
    page.get_by_label("名称", exact=True).fill("医科薬科在宅医療同行訪問研修")
    page.get_by_role("button", name="保存する").click()
    page.get_by_role("link", name="この会議で実施した解決策を記録").click()
    page.get_by_role("textbox", name="解決策 必須").fill("同行訪問研修で訪問指示の出し方を共有")
    page.get_by_role("group", name="対応する課題").get_by_label("薬-F", exact=False).check()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text(
        "解決策「同行訪問研修で訪問指示の出し方を共有」を記録しました"
    )

    # Both show in 薬剤師会's timeline, in their 年度 rows with the labels they touched and how.
    page.goto(page.base_url + "/meetings/organisations/")
    page.get_by_role("link", name="薬剤師会").click()
    first_row = page.locator('[data-timeline] tr[data-year="2024"]')
    expect(first_row.locator("td").nth(1)).to_have_text("一次連携")
    expect(first_row.locator("[data-labels]")).to_have_text("提起 薬-A 薬-F")
    second_row = page.locator('[data-timeline] tr[data-year="2025"]')
    expect(second_row.locator("td").nth(1)).to_have_text("二次連携")
    expect(second_row.locator("[data-labels]")).to_have_text(
        "解決策を実施 「同行訪問研修で訪問指示の出し方を共有」（薬-F）"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meetings-organisation-timeline.png"), full_page=True)

    page.get_by_role("link", name="薬-F", exact=False).first.click()
    expect(page.locator("#lineage")).to_contain_text("で実施")
    lineage = page.locator("#lineage").inner_text()
    assert "一次連携「薬剤師会との打ち合わせ会」で提起" in lineage
    assert "二次連携「医科薬科在宅医療同行訪問研修」で実施" in lineage
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "in_progress")
    page.screenshot(path=str(ARTIFACTS / "meetings-issue-lineage.png"), full_page=True)
    assert page.js_errors == []


def test_an_official_tells_the_centers_issues_apart_and_filters_one_center(page, cast):
    from tests.meetings.factories import make_issue, org

    pharmacy = org("薬剤師会", "薬")
    make_issue(cast.center1, "相-1", organisation=pharmacy)
    make_issue(cast.center2, "相-1", organisation=pharmacy)
    login(page, "official")
    page.goto(page.base_url + "/meetings/issues/")
    # The code shown, the name as its tooltip and for screen readers (visually hidden).
    cells = [" ".join(text.split()) for text in page.locator("[data-center-cell]").all_inner_texts()]
    assert sorted(cells) == ["C01 東センター", "C02 西センター"]
    page.get_by_label("センター").select_option(label="西センター")
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.locator("[data-center-cell]")).to_have_text(["C02 西センター"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "official-issues-by-center.png"), full_page=True)
    page.goto(page.base_url + "/meetings/years/")
    page.get_by_label("センター").select_option("C01")
    page.get_by_role("button", name="表示する").click()
    expect(page).to_have_url(re.compile(r"center=C01"))
    page.screenshot(path=str(ARTIFACTS / "official-year-summary.png"), full_page=True)
    assert page.js_errors == []


def test_on_a_phone_the_issue_register_and_the_evaluation_are_cards_within_the_screen(page, cast):
    from tests.meetings.factories import make_issue, org

    make_issue(cast.center1, "薬-A", organisation=org("薬剤師会", "薬"))
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "coordinator")
    page.goto(page.base_url + "/meetings/issues/")
    card = page.locator("[data-issue='薬-A']")
    expect(card.locator("td[data-label=状態]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    label = card.locator("td[data-label=課題]").evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == '"課題"'
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "issues-390-card.png"))

    page.goto(page.base_url + "/meetings/evaluation/")
    table = page.locator("table[data-evaluation]")
    expect(table).to_be_visible()
    # Every figure is on the screen: no column left off to the side to scroll to.
    rate = table.locator("[data-rate]").first
    rate_box = rate.bounding_box()
    assert rate_box["x"] + rate_box["width"] <= 390
    assert table.evaluate("(t) => t.scrollWidth <= t.parentElement.clientWidth")
    page.screenshot(path=str(ARTIFACTS / "evaluation-390.png"), full_page=True)
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_meeting_list_keeps_titles_and_the_tier_badge_whole(page, cast, width):
    """On a phone each meeting is a card (a title is not a character a line); at any width the
    「三次連携」 badge is one line."""
    from meetings.models import Tier
    from tests.meetings.factories import make_meeting, org

    names = [
        "医師会",
        "歯科医師会",
        "薬剤師会",
        "訪問看護ステーション連絡協議会",
        "介護支援専門員協会（ケアマネ協議会）",
    ]
    organisations = [org(name) for name in names]  # a long cell beside the badge's
    make_meeting(
        cast.center1,
        Tier.TERTIARY,
        "推進協議会",
        organisations=organisations,
        title="在宅医療・介護連携推進協議会",
    )
    page.set_viewport_size({"width": width, "height": 844})
    login(page, "coordinator")
    page.goto(page.base_url + "/meetings/")
    card = page.locator("tbody tr").first
    badge = card.locator(".badge")
    expect(badge).to_have_text("三次連携")
    line = badge.evaluate("(b) => parseFloat(getComputedStyle(b).lineHeight)")
    assert badge.bounding_box()["height"] < 1.5 * line
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        title = card.locator("td[data-label='種類・名称'] a")
        assert title.bounding_box()["width"] > 150  # a line of words, not a column of characters
        card.screenshot(path=str(ARTIFACTS / "meetings-390-card.png"))
    assert page.js_errors == []


def test_at_1280_the_issue_register_shows_the_center_code_and_keeps_its_headers_whole(page, cast):
    # The full center name in every row squeezed the other headers to 「ラベ/ル」「解決/策」.
    from tests.meetings.factories import make_issue, org

    for center, name in (
        (cast.center1, "門司・小倉北 在宅医療・介護連携支援センター"),
        (cast.center2, "小倉南 在宅医療・介護連携支援センター"),
    ):
        center.name = name
        center.save()
    pharmacy = org("薬剤師会", "薬")
    for i, center in enumerate((cast.center1, cast.center2, cast.center1)):
        make_issue(center, f"薬-{i}", organisation=pharmacy)
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "official")
    page.goto(page.base_url + "/meetings/issues/")
    one_line = "(el) => new Set([...(() => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects(); })()].map((b) => Math.round(b.top))).size"
    for name in ("センター", "ラベル", "状態", "提起", "解決策"):
        header = page.locator("thead th", has_text=name).first
        assert header.evaluate(one_line) == 1, name
    cell = page.locator("[data-issue='薬-0'] [data-center-cell]")
    assert cell.get_attribute("title") == "門司・小倉北 在宅医療・介護連携支援センター"
    assert (
        cell.locator(".visually-hidden").inner_text().strip() == "門司・小倉北 在宅医療・介護連携支援センター"
    )
    box = cell.bounding_box()
    assert box["width"] < 160  # the code, not the name
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "official-issues-1280-center-codes.png"), full_page=True)
    assert page.js_errors == []
