import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coordination.models import Organisation
from tests.conftest import ARTIFACTS, login
from training.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_runs_an_event_from_creation_to_survey_chart_and_history_row(page, cast):
    Organisation.objects.create(name="医師会")
    cast.professional.affiliation = "△△ケアプランセンター"
    cast.professional.save()
    # Starting in a few minutes: sign-ups are open until it begins. It then begins (moved to now
    # below): check-in is open (it is the event's day) and the yearly history counts it.
    start = timezone.localtime() + datetime.timedelta(minutes=5)
    login(page, "coordinator")
    page.goto(page.base_url + "/training/new/")
    page.get_by_label("名称").fill("在宅看取りを支える多職種研修")
    page.get_by_role("radio", name="カ 医療・介護関係者の研修").check()
    page.get_by_label("開始日時").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_role("group", name="主催").get_by_label("医師会").check()
    page.get_by_role("group", name="形式").get_by_label("グループワーク").check()
    page.get_by_label("定員").fill("30")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".messages")).to_contain_text("を登録しました")
    event_url = page.url

    # A professional signs up; the coordinator enters a second one taken by phone.
    pro = page.context.browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    pro_page = pro.new_page()
    pro_page.base_url = page.base_url
    login(pro_page, "professional")
    pro_page.goto(page.base_url + "/training/")
    pro_page.get_by_role("link", name="この研修に申し込む （在宅看取りを支える多職種研修）").click()
    expect(pro_page.get_by_label("所属")).to_have_value("△△ケアプランセンター")
    pro_page.get_by_label("職種").select_option(label="介護支援専門員")
    pro_page.get_by_role("button", name="申し込む").click()
    expect(pro_page.locator(".messages")).to_contain_text("申し込みました。")
    pro.close()

    # It begins: no longer offered for sign-up, and today is its day.
    Event.objects.filter(title="在宅看取りを支える多職種研修").update(starts_at=timezone.now())
    day = timezone.localdate()
    page.goto(event_url)
    expect(page.locator("[data-event-state]")).to_have_text("開催中")
    page.get_by_role("link", name="申込を代理入力").click()
    page.get_by_label("氏名").fill("山田 花子")
    page.get_by_label("所属").fill("○○訪問看護ステーション")
    page.get_by_label("職種").select_option(label="看護師")
    # A walk-in entered at the door on the day is checked in with it (ticked by default).
    expect(page.get_by_label("当日受付も済ませる")).to_be_checked()
    page.get_by_role("button", name="申込を登録する").click()
    expect(page.locator("[data-confirmed]")).to_have_text("2")
    expect(page.locator("[data-registration-notice]")).to_contain_text(
        "山田 花子さんの申込を登録し、当日受付を済ませました。"
    )
    expect(page.locator("[data-checked-in]")).to_have_text("1")

    # On the day: both checked in.
    page.get_by_role("button", name="professionalさんを受付").click()
    expect(page.locator("[data-checked-in]")).to_have_text("2")
    expect(page.locator('[data-profession="看護師"] td')).to_have_text("1")
    expect(page.locator('[data-profession="介護支援専門員"] td')).to_have_text("1")

    # The survey (the survey engine's block on the event page), opened now so that it can be
    # answered in this test.
    page.get_by_role("link", name="アンケートを作成").click()
    now = timezone.localtime()
    page.get_by_label("回答受付開始").fill(f"{now - datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("[data-answer-link]")).to_be_visible()
    answer_url = page.locator("[data-answer-link]").get_attribute("href")

    for rating in ("5 そう思う", "4"):
        anon = page.context.browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
        respondent = anon.new_page()
        respondent.goto(answer_url)
        respondent.get_by_label("職種").select_option(label="看護師")
        respondent.get_by_role("group", name="研修の内容に満足しましたか").get_by_label(
            rating, exact=True
        ).check()
        respondent.get_by_label("感想・今後取り上げてほしいテーマ").fill("顔の見える関係ができた")
        respondent.get_by_role("button", name="回答を送信する").click()
        expect(respondent.get_by_role("heading", level=1)).to_have_text("回答を受け付けました")
        anon.close()

    page.reload()
    expect(page.locator("[data-responses]")).to_have_text("2")
    section = page.locator('[data-question="研修の内容に満足しましたか"]')
    expect(section.locator('[data-rating-count="5"]')).to_have_text("1")
    expect(section.locator('[data-rating-count="4"]')).to_have_text("1")
    canvas_id = section.locator("canvas").get_attribute("id")
    assert page.evaluate(f"() => !!Chart.getChart('{canvas_id}')")
    ARTIFACTS.mkdir(exist_ok=True)
    assert (
        page.locator(
            '[data-profession-question="研修の内容に満足しましたか"] [data-profession="看護師"] [data-n]'
        ).inner_text()
        == "2"
    )
    page.screenshot(path=str(ARTIFACTS / "training-survey-results.png"), full_page=True)

    page.goto(event_url)
    expect(page.locator("[data-survey-answers]")).to_have_text("2")
    page.get_by_role("link", name="年度別の実績").click()
    fiscal_year = day.year if day.month >= 4 else day.year - 1
    row = page.locator(f'[data-history-table] tr[data-year="{fiscal_year}"]')
    expect(row.locator("[data-events]")).to_have_text("1")
    expect(row.locator("[data-people]")).to_have_text("2")
    expect(row.locator("[data-organisations]")).to_have_text("2")
    page.screenshot(path=str(ARTIFACTS / "training-history.png"), full_page=True)
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)], ids=["phone", "desktop"])
def test_survey_choices_sit_beside_their_labels_with_large_targets(browser, live_server, cast, viewport):
    from tests.training.factories import make_event, make_survey

    event = make_event(cast.center1)
    survey = make_survey(event, opens=(2020, 1, 1, 0, 0), closes=(2099, 1, 1, 0, 0))
    width, height = viewport
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server.url}/surveys/l/{survey.link_token}/")
    group = page.get_by_role("group", name="満足度")
    for label_text in ("1 そう思わない", "2", "3 どちらとも", "4", "5 そう思う"):
        radio = group.get_by_label(label_text, exact=True)
        label = radio.locator("xpath=ancestor::label[1]")
        r, box = radio.bounding_box(), label.bounding_box()
        assert r["width"] >= 24 and r["height"] >= 24, label_text
        assert box["height"] >= 24 and box["height"] < 60, (label_text, box)  # one line, never wrapped
        assert box["x"] <= r["x"] and r["x"] + r["width"] <= box["x"] + box["width"], label_text
        assert box["y"] <= r["y"] and r["y"] + r["height"] <= box["y"] + box["height"], label_text
    group.get_by_label("3 どちらとも", exact=True).click()  # anywhere on the box chooses it
    expect(group.get_by_label("3 どちらとも", exact=True)).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"training-survey-answer-{width}.png"), full_page=True)
    context.close()


def test_a_care_manager_on_the_waiting_list_sees_their_place_and_staff_enter_a_fax_sheet(page, cast):
    from tests.training.factories import make_event

    event = make_event(cast.center2, when=(2099, 1, 10, 18, 0), capacity=1, title="退院支援ルール研修")
    login(page, "coordinator2")
    page.goto(f"{page.base_url}/training/{event.pk}/")
    page.get_by_role("link", name="FAXの申込をまとめて入力").click()
    page.get_by_label("申込の一覧（1行に1名：氏名、所属、職種）").fill(
        "山田 花子\t○○訪問看護ステーション\t看護師\n佐藤 一郎、△△居宅、ケアマネ"
    )
    page.get_by_role("button", name="確認する").click()
    preview = page.locator("[data-bulk-preview]")
    expect(preview.locator('[data-preview-row="2"]')).to_have_text(re.compile(r"キャンセル待ち$"))
    page.screenshot(path=str(ARTIFACTS / "training-fax-sheet-preview.png"), full_page=True)
    page.get_by_role("button", name="この2名を保存する").click()
    expect(page.locator(".messages")).to_contain_text("2名の申込を登録しました（うちキャンセル待ち1名）")
    expect(page.locator("[data-waitlisted]")).to_have_text("1")

    # The care manager finds the event full, joins the waiting list and sees their place.
    pro = page.context.browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 390, "height": 844}
    )
    phone = pro.new_page()
    phone.base_url = page.base_url
    login(phone, "professional")
    phone.goto(page.base_url + "/training/")
    card = phone.locator(f'[data-event="{event.pk}"]')
    assert "満席" in card.inner_text() and "いま1名が待っています" in card.inner_text()
    card.get_by_role("link", name="退院支援ルール研修", exact=True).click()
    phone.get_by_role("link", name="この研修にキャンセル待ちで申し込む").click()
    phone.get_by_label("職種").select_option(label="介護支援専門員")
    phone.get_by_label("所属").fill("△△ケアプランセンター")
    phone.get_by_role("button", name="申し込む").click()
    phone.locator("[data-mine]").get_by_role("link", name="退院支援ルール研修", exact=True).click()
    expect(phone.locator("[data-my-status]")).to_contain_text("キャンセル待ち 2番目")
    phone.screenshot(path=str(ARTIFACTS / "training-waiting-list-phone.png"), full_page=True)
    pro.close()
    assert page.js_errors == []


def test_an_official_reads_the_history_by_center_and_the_event_sheet_prints_the_survey_qr(page, cast):
    from tests.training.factories import make_event, make_survey
    from training.models import AttendanceCount

    east = make_event(cast.center1, when=(2026, 6, 1, 18, 0), title="東の研修")
    east.co_host_centers.set([cast.center2])
    AttendanceCount.objects.create(event=east, profession=cast.nurse, count=12)
    west = make_event(cast.center2, when=(2026, 7, 1, 18, 0), title="西の研修")
    AttendanceCount.objects.create(event=west, profession=cast.care_manager, count=8)
    login(page, "official")
    page.goto(page.base_url + "/training/history/")
    rows = page.locator("[data-history-table] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-center-name]")).to_have_text("東センター")
    expect(rows.nth(1).locator("[data-people]")).to_have_text("8")
    page.screenshot(path=str(ARTIFACTS / "training-history-official-by-center.png"), full_page=True)
    page.get_by_label("センター").select_option(label="市全体（合計）")
    page.get_by_role("button", name="表示する").click()
    expect(page.locator("[data-history-table] [data-people]")).to_have_text("20")
    page.get_by_role("button", name="ログアウト").click()

    make_survey(east, opens=(2020, 1, 1, 0, 0), closes=(2099, 1, 1, 0, 0))
    login(page, "coordinator2")  # a co-hosting center's coordinator
    page.goto(f"{page.base_url}/training/{east.pk}/")
    page.emulate_media(media="print")
    qr = page.locator("[data-survey-qr] img")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    page.screenshot(path=str(ARTIFACTS / "training-event-sheet-print.png"), full_page=True)
    assert page.js_errors == []


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_care_manager_signs_up_then_cancels_their_own_sign_up(browser, live_server, cast, width):
    from tests.training.factories import make_event

    cast.center1.phone = "093-111-2222"
    cast.center1.save()
    event = make_event(
        cast.center1, when=(2099, 1, 10, 18, 0), capacity=1, title="多職種連携研修会「在宅での看取り」"
    )
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": width, "height": 844}
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "professional")
    page.goto(f"{live_server.url}/training/{event.pk}/")
    page.get_by_role("link", name="この研修に申し込む", exact=True).click()
    page.get_by_label("所属").fill("△△ケアプランセンター")
    page.get_by_label("職種").select_option(label="介護支援専門員")
    page.get_by_role("button", name="申し込む").click()
    expect(page.locator(".messages")).to_contain_text("申し込みました。")
    # Someone else joins the waiting list behind them.
    event.register(name="山田 花子", organisation="○○訪問看護", profession=cast.nurse)

    page.goto(f"{live_server.url}/training/{event.pk}/")
    mine = page.get_by_role("region", name="あなたの申込")
    expect(mine.locator("[data-my-status]")).to_have_text("参加確定")
    expect(mine.locator("[data-contact]")).to_contain_text("東センター（電話 093-111-2222）")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"training-cancel-own-signed-up-{width}.png"), full_page=True)
    mine.get_by_role("button", name="申込を取り消す").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申込の取り消し")
    page.screenshot(path=str(ARTIFACTS / f"training-cancel-own-confirm-{width}.png"), full_page=True)
    page.get_by_role("button", name="はい、申込を取り消す").click()

    expect(page.locator(".messages")).to_contain_text("この研修の申込を取り消しました。")
    expect(page.get_by_role("link", name="この研修にキャンセル待ちで申し込む")).to_be_visible()
    expect(page.get_by_role("button", name="申込を取り消す")).to_have_count(0)
    name = "training-cancel-own.png" if width == 1280 else f"training-cancel-own-{width}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    assert list(event.registrations.order_by("pk").values_list("name", "status")) == [
        ("professional", "cancelled"),
        ("山田 花子", "confirmed"),
    ]
    assert errors == []
    context.close()
