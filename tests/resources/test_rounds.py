"""The yearly confirmation round: links for a set of facilities, the counts, reminders after N
days (email outbox) and closing, which flags the unanswered entries as unconfirmed."""

import datetime

from django.core import mail
from django.utils import timezone

from resources.models import ChangeRequest, ConfirmationRound, Facility, UpdateLink
from tests.resources.factories import kind, make_facility


def _start(client, **fields):
    data = {"name": "2026年度の再調査", "kind": "", "area": "", "remind_after_days": "21", **fields}
    return client.post("/resources/rounds/", data)


def test_a_round_for_a_kind_gives_each_facility_a_link_and_emails_those_with_an_address(client_for, cast):
    a = make_facility("訪看あおば", kind_code="visiting-nursing", contact_email="aoba@example.jp")
    b = make_facility("訪看みどり", kind_code="visiting-nursing")
    make_facility("ほかの診療所")
    response = _start(client_for("coordinator"), kind=kind("visiting-nursing").pk)
    round_ = ConfirmationRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resources/rounds/{round_.pk}/"
    assert set(round_.links.values_list("facility", flat=True)) == {a.pk, b.pk}
    assert [m.to for m in mail.outbox] == [["aoba@example.jp"]]
    page = client_for("coordinator").get(f"/resources/rounds/{round_.pk}/").content.decode()
    assert 'data-count="total">2<' in page and 'data-count="sent">1<' in page
    # Facilities of the same name are told apart by their area and address.
    assert "福岡県北九州市小倉北区大手町1-1" in page


def test_starting_a_round_says_how_many_go_by_email_and_how_many_by_post(client_for, cast):
    make_facility("訪看あおば", kind_code="visiting-nursing", contact_email="aoba@example.jp")
    make_facility("訪看みどり", kind_code="visiting-nursing")
    client = client_for("coordinator")
    page = client.post(
        "/resources/rounds/",
        {"name": "2026年度", "kind": kind("visiting-nursing").pk, "area": "", "remind_after_days": "21"},
        follow=True,
    ).content.decode()
    assert (
        "2施設で再調査を始めました（メールで送る1件の進み具合はこのページで確認できます。残りの1件は手紙・FAXで送ってください）"
        in page
    )
    make_facility("診療所だけ")
    page = _start(client, name="診療所", kind=kind("clinic").pk)
    assert "メールアドレスのある施設がないため" in client.get(page["Location"]).content.decode()


def test_a_round_for_an_area_takes_its_sub_areas(client_for, cast):
    inside = make_facility("圏域の医院", area=cast.daily1)
    make_facility("西区の医院", area=cast.ward2)
    _start(client_for("coordinator"), area=cast.ward1.pk)
    assert list(ConfirmationRound.objects.get().links.values_list("facility", flat=True)) == [inside.pk]


def test_the_round_counts_opened_answered_changed_unchanged_and_the_rate(client_for, cast):
    facilities = [make_facility(f"医院{i}", contact_email=f"c{i}@example.jp") for i in range(4)]
    _start(client_for("coordinator"))
    round_ = ConfirmationRound.objects.get()
    links = {link.facility_id: link for link in round_.links.all()}
    anonymous = client_for("anonymous")
    anonymous.get(f"/resources/u/{links[facilities[0].pk].token}/")  # opened only
    anonymous.post(f"/resources/u/{links[facilities[1].pk].token}/", {"unchanged": "1"})
    UpdateLink.objects.filter(pk=links[facilities[2].pk].pk).update(answered_at=timezone.now())
    ChangeRequest.objects.create(
        facility=facilities[2], link=links[facilities[2].pk], before={"a": ""}, proposed={"a": "x"}
    )
    page = client_for("coordinator").get(f"/resources/rounds/{round_.pk}/").content.decode()
    for name, n in (
        ("total", 4),
        ("sent", 4),
        ("opened", 3),  # an answer counts as opened too
        ("changed", 1),
        ("unchanged", 1),
        ("unanswered", 2),
    ):
        assert f'data-count="{name}">{n}<' in page, name
    assert 'data-count="rate">50%<' in page


def test_reminders_go_after_n_days_once_to_the_unanswered(client_for, cast):
    quiet = make_facility("返事のない医院", contact_email="quiet@example.jp")
    answered = make_facility("返事した医院", contact_email="done@example.jp")
    _start(client_for("coordinator"), remind_after_days="14")
    round_ = ConfirmationRound.objects.get()
    mail.outbox.clear()
    coordinator = client_for("coordinator")
    coordinator.post(f"/resources/rounds/{round_.pk}/remind/")
    assert mail.outbox == []  # not 14 days yet
    round_.links.update(sent_at=timezone.now() - datetime.timedelta(days=15))
    round_.links.filter(facility=answered).update(answered_at=timezone.now())
    coordinator.post(f"/resources/rounds/{round_.pk}/remind/")
    assert [m.to for m in mail.outbox] == [["quiet@example.jp"]] and "【再送】" in mail.outbox[0].subject
    coordinator.post(f"/resources/rounds/{round_.pk}/remind/")
    assert len(mail.outbox) == 1  # each link is reminded once
    assert round_.links.get(facility=quiet).reminded_at is not None


def test_closing_flags_the_unanswered_as_unconfirmed_and_retires_their_links(client_for, cast):
    day = datetime.date(2026, 4, 1)
    quiet = make_facility("返事のない医院", confirmed_on=day)
    answered = make_facility("返事した医院", confirmed_on=day)
    _start(client_for("coordinator"))
    round_ = ConfirmationRound.objects.get()
    client_for("anonymous").post(
        f"/resources/u/{round_.links.get(facility=answered).token}/", {"unchanged": "1"}
    )
    client_for("coordinator").post(f"/resources/rounds/{round_.pk}/close/")
    quiet.refresh_from_db()
    answered.refresh_from_db()
    assert quiet.confirmed_on is None and quiet.is_stale
    assert answered.confirmed_on == timezone.localdate()
    assert (
        client_for("anonymous").get(f"/resources/u/{round_.links.get(facility=quiet).token}/").status_code
        == 404
    )
    round_.refresh_from_db()
    assert round_.closed_at is not None
    assert "未確認" in client_for("anonymous").get(f"/resources/{quiet.pk}/").content.decode()


def test_the_round_pages_query_counts_do_not_grow(client_for, cast, django_assert_num_queries):
    for i in range(3):
        make_facility(f"医院{i}")
    coordinator = client_for("coordinator")
    _start(coordinator)
    round_ = ConfirmationRound.objects.get()
    coordinator.get(f"/resources/rounds/{round_.pk}/")
    # session, user, round, counts, due, page count, page, the page's answers (変更あり/なし), and
    # the two of the background sending: its latest mailing (the progress bar) and the links
    # still to email; the links' sending centers (links, areas, centers and their areas); the
    # letters to print
    with django_assert_num_queries(15):
        assert (
            coordinator.get(f"/resources/rounds/{round_.pk}/").content.decode().count("data-round-link=") == 3
        )
    # session, user, count, page, freshness ×2 and the kinds' and areas' order, answers by year
    # (rounds, links), the form's kinds, areas
    with django_assert_num_queries(12):
        coordinator.get("/resources/rounds/")
    for i in range(5):
        make_facility(f"追加{i}")
    _start(coordinator)
    new = ConfirmationRound.objects.order_by("-pk").first()
    with django_assert_num_queries(15):
        # the five new facilities: the first three stay with the first round, still open
        assert coordinator.get(f"/resources/rounds/{new.pk}/").content.decode().count("data-round-link=") == 5
    with django_assert_num_queries(12):
        assert coordinator.get("/resources/rounds/").content.decode().count("data-round=") == 2


def test_a_bad_round_form_names_the_field_and_starts_nothing(client_for, cast):
    make_facility("医院")
    response = _start(client_for("coordinator"), remind_after_days="0", name="")
    html = response.content.decode()
    assert response.status_code == 200 and "この項目は必須です" in html and "1以上" in html
    assert not ConfirmationRound.objects.exists() and not UpdateLink.objects.exists()
    assert Facility.objects.count() == 1


def test_the_rounds_page_shows_freshness_per_kind_and_area(client_for, cast):
    today = timezone.localdate()
    make_facility("確認済み医院", area=cast.ward1, confirmed_on=today)
    make_facility("古い医院", area=cast.ward1, confirmed_on=today - datetime.timedelta(days=400))
    make_facility("未確認の訪看", kind_code="visiting-nursing", area=cast.ward2)
    html = client_for("coordinator").get("/resources/rounds/").content.decode()
    kind_table = html[html.index('data-freshness="kind"') : html.index('data-freshness="area"')]
    assert (
        '<th scope="row">診療所</th><td class="num">2</td><td class="num">1</td><td class="num">50%</td>'
        in kind_table
    )
    area_table = html[html.index('data-freshness="area"') :]
    assert (
        '<th scope="row">西区</th><td class="num">1</td><td class="num">0</td><td class="num">0%</td>'
        in area_table
    )


def test_a_round_gives_new_links_and_retires_the_facilities_earlier_general_ones(client_for, cast):
    active = make_facility("リンクのある医院")
    expired = make_facility("期限切れの医院")
    kept = UpdateLink.objects.create(facility=active)
    old = UpdateLink.objects.create(
        facility=expired, expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    _start(client_for("coordinator"))
    round_ = ConfirmationRound.objects.get()
    kept.refresh_from_db()
    old.refresh_from_db()
    assert kept.revoked_at is not None and old.revoked_at is not None and kept.round is None
    assert round_.links.count() == 2 and all(link.is_active for link in round_.links.all())


def test_a_round_starts_from_a_directory_search_result(client_for, cast):
    from urllib.parse import quote

    asked = [make_facility("さくら訪問クリニック"), make_facility("さくら在宅医院")]
    make_facility("もみじ医院")
    coordinator = client_for("coordinator")
    search = coordinator.get("/resources/?q=さくら").content.decode()
    assert "data-start-round" in search and 'href="/resources/rounds/?search=q%3D' in search
    page = coordinator.get("/resources/rounds/?search=" + quote("q=さくら")).content.decode()
    assert 'data-round-from-search="2"' in page
    _start(coordinator, search="q=さくら")
    assert set(ConfirmationRound.objects.get().links.values_list("facility", flat=True)) == {
        f.pk for f in asked
    }
    # Only directory editors are offered it.
    assert "data-start-round" not in client_for("professional").get("/resources/?q=さくら").content.decode()


def test_a_round_from_a_search_that_cannot_be_read_is_refused_with_a_message(client_for, cast):
    response = _start(client_for("coordinator"), search="kind=999999999999999999999")
    assert response.status_code == 200 and ConfirmationRound.objects.count() == 0
    assert "検索条件を読み取れませんでした" in response.content.decode()


def test_the_rounds_page_keeps_each_years_answers_by_kind(client_for, cast):
    nurses = [make_facility(f"訪看{i}", kind_code="visiting-nursing") for i in range(4)]
    coordinator = client_for("coordinator")
    _start(coordinator, kind=kind("visiting-nursing").pk)
    last_year = ConfirmationRound.objects.get()
    # A round of the previous 年度 (started in February counts for the year before April).
    ConfirmationRound.objects.filter(pk=last_year.pk).update(
        started_at=timezone.make_aware(datetime.datetime(2026, 2, 10, 10))
    )
    UpdateLink.objects.filter(round=last_year, facility__in=nurses[:3]).update(answered_at=timezone.now())
    from resources import updates

    rows = updates.answers_by_year()
    assert rows == [(2025, "訪問看護ステーション", 4, 3, 75)]
    page = coordinator.get("/resources/rounds/").content.decode()
    assert 'data-year="2025"' in page and "75%" in page


def test_a_new_round_leaves_facilities_asked_by_an_open_round_and_starts_from_nothing(client_for, cast):
    asked = make_facility("依頼中の訪看", kind_code="visiting-nursing")
    fresh = make_facility("新しい訪看", kind_code="visiting-nursing")
    coordinator = client_for("coordinator")
    _start(coordinator, search="q=依頼中")
    first = ConfirmationRound.objects.get()
    link = first.links.get()
    client_for("anonymous").get(f"/resources/u/{link.token}/")  # opened in the first round
    old_general = UpdateLink.objects.create(facility=fresh, sent_at=timezone.now(), opened_at=timezone.now())
    response = _start(coordinator, kind=kind("visiting-nursing").pk)
    second = ConfirmationRound.objects.exclude(pk=first.pk).get()
    assert list(second.links.values_list("facility", flat=True)) == [fresh.pk]
    assert list(first.links.values_list("facility", flat=True)) == [asked.pk]  # kept by its round
    new_link = second.links.get()
    assert new_link.pk != old_general.pk and new_link.opened_at is None and new_link.answered_at is None
    old_general.refresh_from_db()
    assert old_general.revoked_at is not None
    page = coordinator.get(response["Location"]).content.decode()
    assert "1施設は実施中の別の再調査で依頼済みのため" in page and 'data-count="opened">0<' in page
