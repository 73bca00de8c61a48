"""The door list on the event's day: in name order, 未受付のみ and a name search, and after a
check-in the page lands on the card it was pressed in (or the next person still to come), with the
message in that card instead of at the top of a long page."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.training.factories import make_event

pytestmark = pytest.mark.django_db


def today_event(cast):
    now = timezone.localtime()
    return make_event(cast.center1, when=(now.year, now.month, now.day, 0, 0), capacity=40)


def sign_up(event, cast, *names, org="○○病院"):
    return [event.register(name=n, organisation=org, profession=cast.nurse) for n in names]


def names_listed(page):
    return re.findall(r'data-registration="([^"]+)"', page)


def test_the_list_is_in_name_order_with_kana_folded_whatever_the_order_of_sign_up(client_for, cast):
    event = today_event(cast)
    sign_up(event, cast, "わたなべ 花", "アベ 一郎", "さとう 次郎", "ｲﾄｳ 三郎")
    page = client_for("coordinator").get(event.get_absolute_url()).content.decode()
    # Katakana and half-width kana sort with hiragana: あ い さ わ.
    assert names_listed(page) == ["アベ 一郎", "ｲﾄｳ 三郎", "さとう 次郎", "わたなべ 花"]


def test_pending_only_hides_those_checked_in_and_cancelled_and_says_how_many_are_left(client_for, cast):
    event = today_event(cast)
    came, waiting, gone = sign_up(event, cast, "来場 一郎", "未着 花子", "取消 次郎")
    came.toggle_check_in()
    event.cancel(gone)
    page = client_for("coordinator").get(event.get_absolute_url() + "?pending=1").content.decode()
    assert names_listed(page) == ["未着 花子"]
    assert "未受付のみ（1名）" in page and "すべて（3名）" in page
    assert re.search(r'aria-current="true" data-roster-pending', page)


def test_the_search_finds_a_part_of_the_name_or_the_organisation_folded_for_width_and_kana(client_for, cast):
    event = today_event(cast)
    sign_up(event, cast, "山田 花子", org="さくら訪問看護ステーション")
    sign_up(event, cast, "ヤマダ 太郎", org="△△薬局")
    sign_up(event, cast, "佐藤 一郎", org="□□病院")
    client = client_for("coordinator")
    assert names_listed(client.get(event.get_absolute_url(), {"q": "やまだ"}).content.decode()) == [
        "ヤマダ 太郎"
    ]
    assert names_listed(client.get(event.get_absolute_url(), {"q": "サクラ"}).content.decode()) == [
        "山田 花子"
    ]
    page = client.get(event.get_absolute_url(), {"q": "鈴木"}).content.decode()
    assert names_listed(page) == [] and "条件に合う申込はありません。" in page


def test_a_check_in_lands_on_that_persons_card_with_the_message_in_it_not_at_the_top(client_for, cast):
    event = today_event(cast)
    first, second = sign_up(event, cast, "相田 一郎", "井上 花子")
    client = client_for("coordinator")
    response = client.post(f"/training/{event.pk}/registrations/{second.pk}/check-in/")
    assert response.url == f"{event.get_absolute_url()}?at={second.pk}#reg-{second.pk}"
    page = client.get(response.url).content.decode()
    card = page[page.index(f'id="reg-{second.pk}"') : page.index('data-registration="井上 花子"')]
    assert "井上 花子さんを受け付けました。" in card
    assert page.count("井上 花子さんを受け付けました。") == 1  # not also at the top of the page


def test_from_the_pending_list_a_check_in_lands_on_the_next_person_still_to_come(client_for, cast):
    event = today_event(cast)
    a, b, c = sign_up(event, cast, "あ 一", "い 二", "う 三")
    b.toggle_check_in()  # い came already: the next after あ still to come is う
    client = client_for("coordinator")
    response = client.post(f"/training/{event.pk}/registrations/{a.pk}/check-in/", {"pending": "1", "q": ""})
    assert response.url == f"{event.get_absolute_url()}?pending=1&at={c.pk}#reg-{c.pk}"
    page = client.get(response.url).content.decode()
    assert names_listed(page) == ["う 三"]
    card = page[page.index(f'id="reg-{c.pk}"') : page.index('data-registration="う 三"')]
    assert "あ 一さんを受け付けました。" in card
    # The last one: nobody left, the message is at the top of the list (its anchor).
    response = client.post(f"/training/{event.pk}/registrations/{c.pk}/check-in/", {"pending": "1"})
    assert response.url == f"{event.get_absolute_url()}?pending=1&at=list#registrations"
    page = client.get(response.url).content.decode()
    section = page[page.index('id="registrations"') :]
    assert "う 三さんを受け付けました。" in section[: section.index("未受付の方はいません")]


def test_the_search_is_kept_through_a_check_in(client_for, cast):
    event = today_event(cast)
    (hanako,) = sign_up(event, cast, "山田 花子")
    sign_up(event, cast, "佐藤 一郎")
    client = client_for("coordinator")
    page = client.get(event.get_absolute_url(), {"q": "山田"}).content.decode()
    assert '<input type="hidden" name="q" value="山田">' in page
    response = client.post(f"/training/{event.pk}/registrations/{hanako.pk}/check-in/", {"q": "山田"})
    assert response.url.startswith(f"{event.get_absolute_url()}?q=%E5%B1%B1%E7%94%B0&at={hanako.pk}")


def test_other_messages_stay_at_the_top_of_the_page(client_for, cast):
    start = timezone.localtime() + datetime.timedelta(days=10)
    response = client_for("coordinator").post(
        "/training/new/",
        {
            "center": cast.center1.pk,
            "title": "新しい研修",
            "item": "ka",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "delivery": "in_person",
            "registration_open": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert page.index("「新しい研修」を登録しました。") < page.index("<h1>新しい研修</h1>")
