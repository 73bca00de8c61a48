import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.training.factories import at, make_event, make_survey, profession
from training.models import (
    AttendanceCount,
    Event,
    EventOrganisation,
    Item,
    Registration,
    Task,
    TaskTemplate,
    yearly_history,
)

pytestmark = pytest.mark.django_db


def register(event, name, prof, org="○○病院"):
    return event.register(name=name, organisation=org, profession=prof)


# --- Capacity and the waiting list --------------------------------------------------------------


def test_registrations_over_capacity_go_to_the_waiting_list_in_order(cast):
    event = make_event(cast.center1, capacity=2)
    a = register(event, "A", cast.nurse)
    b = register(event, "B", cast.care_manager)
    c = register(event, "C", cast.nurse)
    d = register(event, "D", cast.nurse)
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    promoted = event.cancel(a)
    assert promoted.pk == c.pk
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == ("confirmed", "waitlisted")
    # Cancelling someone on the waiting list frees no seat.
    assert event.cancel(d) is None
    assert event.registrations.confirmed().count() == 2


def test_no_capacity_means_nobody_waits(cast):
    event = make_event(cast.center1, capacity=None)
    assert {register(event, f"P{i}", cast.nurse).status for i in range(30)} == {"confirmed"}


def test_staff_register_on_behalf_and_the_full_event_says_waiting_list(client_for, cast):
    event = make_event(cast.center1, capacity=1)
    client = client_for("coordinator")
    data = {"name": "山田 花子", "organisation": "○○訪問看護", "profession": cast.nurse.pk}
    client.post(f"/training/{event.pk}/register/", data)
    response = client.post(f"/training/{event.pk}/register/", {**data, "name": "佐藤 一郎"}, follow=True)
    assert "佐藤 一郎さんの申込をキャンセル待ちとして登録しました。" in response.content.decode()
    assert list(event.registrations.values_list("name", "status")) == [
        ("山田 花子", "confirmed"),
        ("佐藤 一郎", "waitlisted"),
    ]


def test_registration_requires_name_organisation_and_profession(client_for, cast):
    event = make_event(cast.center1)
    response = client_for("coordinator").post(
        f"/training/{event.pk}/register/", {"name": "", "organisation": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("この項目は必須です。") == 3
    assert not event.registrations.exists()


def test_professional_signs_up_once_for_an_open_event_of_any_center(client_for, cast):
    cast.professional.affiliation = "△△ケアプランセンター"
    cast.professional.save()
    event = make_event(cast.center2, when=(2099, 1, 10, 18, 0))
    client = client_for("professional")
    page = client.get(f"/training/{event.pk}/register/").content.decode()
    assert 'value="△△ケアプランセンター"' in page
    data = {
        "name": "professional",
        "organisation": "△△ケアプランセンター",
        "profession": cast.care_manager.pk,
    }
    client.post(f"/training/{event.pk}/register/", data)
    again = client.post(f"/training/{event.pk}/register/", data, follow=True)
    assert "すでに申し込んでいます" in again.content.decode()
    assert event.registrations.filter(user=cast.professional).count() == 1
    # A closed registration or a past event is not offered.
    closed = make_event(cast.center2, when=(2099, 1, 10, 18, 0), registration_open=False)
    assert client.get(f"/training/{closed.pk}/register/").status_code == 404
    past = make_event(cast.center1, when=(2020, 1, 10, 18, 0))
    assert client.get(f"/training/{past.pk}/register/").status_code == 404


def today_event(center, **fields):
    """An event held today (Asia/Tokyo), begun a moment ago: check-in is open."""
    now = timezone.localtime()
    return make_event(center, when=(now.year, now.month, now.day, 0, 0), **fields)


def test_check_in_is_refused_before_the_events_day(client_for, cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    event = make_event(cast.center1, when=(tomorrow.year, tomorrow.month, tomorrow.day, 9, 0))
    a = register(event, "A", cast.nurse)
    response = client_for("coordinator").post(
        f"/training/{event.pk}/registrations/{a.pk}/check-in/", follow=True
    )
    assert f"当日受付は開催日（{tomorrow.month}月{tomorrow.day}日）から行えます" in response.content.decode()
    a.refresh_from_db()
    assert a.checked_in_at is None
    assert event.check_in_refusal(today=tomorrow) is None


def test_check_in_and_cancel_from_the_event_page(client_for, cast):
    event = today_event(cast.center1, capacity=1)
    a = register(event, "A", cast.nurse)
    b = register(event, "B", cast.nurse)
    client = client_for("coordinator")
    client.post(f"/training/{event.pk}/registrations/{a.pk}/check-in/")
    a.refresh_from_db()
    assert a.checked_in_at is not None
    response = client.post(
        f"/training/{event.pk}/registrations/{a.pk}/cancel/", {"confirm": "1"}, follow=True
    )
    assert (
        "キャンセル待ちのBさん（" in response.content.decode()
        and "が参加確定になりました。" in response.content.decode()
    )
    b.refresh_from_db()
    assert b.status == "confirmed"
    # Another center's coordinator cannot check anybody in.
    assert (
        client_for("coordinator2").post(f"/training/{event.pk}/registrations/{b.pk}/check-in/").status_code
        == 404
    )
    b.refresh_from_db()
    assert b.checked_in_at is None


# --- Attendance by profession ------------------------------------------------------------------


def test_attendance_counts_checked_in_registrations_plus_manual_counts(cast):
    event = make_event(cast.center1)
    doctor = profession("医師")
    for name, prof, org, came in [
        ("A", cast.nurse, "○○病院", True),
        ("B", cast.nurse, "○○病院", True),
        ("C", cast.care_manager, "△△居宅", True),
        ("D", cast.care_manager, "□□居宅", False),
    ]:
        r = register(event, name, prof, org)
        if came:
            r.checked_in_at = timezone.now()
            r.save()
    AttendanceCount.objects.create(event=event, profession=doctor, count=6)
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=3)
    event.extra_organisations = 2
    event.save()
    assert dict(event.attendance_by_profession()) == {"看護師": 5, "介護支援専門員": 1, "医師": 6}
    # ○○病院 and ＯＯ病院 (full width) are one organisation; 2 more came without registering.
    r = register(event, "E", cast.nurse, "○○病院")
    r.checked_in_at = timezone.now()
    r.save()
    assert event.organisation_count() == 2 + 2


def test_manual_attendance_form_saves_counts_and_rejects_negative(client_for, cast):
    event = make_event(cast.center1)
    client = client_for("coordinator")
    bad = client.post(f"/training/{event.pk}/attendance/", {f"p{cast.nurse.pk}": "-1"})
    assert "0以上の値を入力してください。" in bad.content.decode()
    assert not AttendanceCount.objects.exists()
    client.post(
        f"/training/{event.pk}/attendance/",
        {f"p{cast.nurse.pk}": "17", f"p{cast.care_manager.pk}": "", "extra_organisations": "5"},
    )
    assert list(AttendanceCount.objects.values_list("profession__name", "count")) == [("看護師", 17)]
    event.refresh_from_db()
    assert event.extra_organisations == 5


def test_kamaishi_attendance_reads_back_by_profession(cast):
    """釜石市's 職場研修会: 医師6, リハ2, 看護師17, 事務18, MSW2, entered as counts. (The seed prints
    49名 in all; its breakdown adds up to 45, so 4 were not broken down by profession.)"""
    event = make_event(cast.center1)
    counts = {"医師": 6, "理学療法士": 2, "看護師": 17, "事務": 18, "MSW・社会福祉士": 2}
    for name, n in counts.items():
        AttendanceCount.objects.create(event=event, profession=profession(name), count=n)
    assert dict(event.attendance_by_profession()) == counts
    assert sum(n for _, n in event.attendance_by_profession()) == 45


# --- Public page --------------------------------------------------------------------------------


def test_public_page_lists_only_public_events_and_no_participant_data(client, cast):
    public = make_event(
        cast.center1, when=(2099, 2, 1, 13, 30), title="市民公開講座「人生会議」", item=Item.PUBLIC
    )
    make_event(cast.center1, when=(2099, 2, 2, 18, 0), title="職員向け多職種研修", item=Item.TRAINING)
    register(public, "山田 花子", cast.nurse, "秘密の訪問看護ステーション")
    body = client.get("/training/public/").content.decode()
    assert "市民公開講座「人生会議」" in body
    assert "職員向け多職種研修" not in body
    assert "山田 花子" not in body and "秘密の訪問看護ステーション" not in body


def test_a_resident_on_a_phone_calls_the_center_about_a_lecture_with_one_tap(client, cast):
    cast.center1.phone = "093-000-0001"
    cast.center1.save()
    make_event(cast.center1, when=(2099, 2, 1, 13, 30), title="市民公開講座「人生会議」", item=Item.PUBLIC)
    body = client.get("/training/public/").content.decode()
    assert (
        'この講座についてのお問い合わせ: 東センター（電話 <a href="tel:093-000-0001">093-000-0001</a>）'
        in body
    )


def test_the_homes_lecture_line_leads_a_resident_to_the_lectures_public_entry(client, cast):
    lecture = make_event(
        cast.center1, when=(2099, 1, 16, 13, 30), title="市民公開講座「人生会議」", item=Item.PUBLIC
    )
    home = client.get("/").content.decode()
    link = f'<a href="/training/public/#pub-{lecture.pk}">1/16 13:30 市民公開講座「人生会議」</a>'
    assert link in home
    assert f'id="pub-{lecture.pk}"' in client.get("/training/public/").content.decode()


# --- Task lists ---------------------------------------------------------------------------------


def test_template_tasks_grouped_by_phase_and_done_state(client_for, cast):
    event = make_event(cast.center1)
    template = TaskTemplate.objects.get(name="多職種研修会")
    client = client_for("coordinator")
    client.post(f"/training/{event.pk}/tasks/template/", {"template": template.pk})
    assert event.tasks.count() == template.items.count() > 0
    # Applying it again adds nothing twice.
    client.post(f"/training/{event.pk}/tasks/template/", {"template": template.pk})
    assert event.tasks.count() == template.items.count()
    client.post(
        f"/training/{event.pk}/tasks/",
        {"phase": "after", "text": "反省会の日程調整（追加）", "owner": "看護師A"},
    )
    task = Task.objects.get(text="反省会の日程調整（追加）")
    client.post(f"/training/{event.pk}/tasks/{task.pk}/toggle/")
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == cast.coordinator
    page = client.get(f"/training/{event.pk}/").content.decode()
    before, day, after = (
        page.index("<h3>実施前</h3>"),
        page.index("<h3>当日</h3>"),
        page.index("<h3>実施後</h3>"),
    )
    assert before < page.index("会場選定・借り上げ") < day < page.index("会場設営・受付") < after
    assert page.rindex("反省会の日程調整（追加）") > after


# --- Yearly history -----------------------------------------------------------------------------


def test_yearly_history_by_fiscal_year_with_organisations_formats_and_professions(client_for, cast):
    from training.models import EventFormat

    gw, panel = (
        EventFormat.objects.get(name="グループワーク"),
        EventFormat.objects.get(name="パネルディスカッション"),
    )
    # FY2025: one event in 2026-03 (still FY2025) with counts; FY2026: an event with registrations.
    e1 = make_event(cast.center1, when=(2026, 3, 20, 18, 0), extra_organisations=7)
    e1.formats.set([gw])
    AttendanceCount.objects.create(event=e1, profession=cast.nurse, count=100)
    AttendanceCount.objects.create(event=e1, profession=cast.care_manager, count=115)
    e2 = make_event(cast.center1, when=(2026, 4, 1, 18, 0))
    e2.formats.set([panel, gw])
    for name, prof, org in [
        ("A", cast.nurse, "○○病院"),
        ("B", cast.care_manager, "△△居宅"),
        ("C", cast.nurse, "○○病院"),
    ]:
        r = register(e2, name, prof, org)
        r.checked_in_at = timezone.now()
        r.save()
    register(e2, "no-show", cast.nurse, "××病院")
    make_event(cast.center2, when=(2026, 5, 1, 18, 0), extra_organisations=99)  # another center's
    table, professions = yearly_history(Event.objects.for_user(cast.coordinator))
    assert [p.name for p in professions] == ["看護師", "介護支援専門員"]
    assert [
        (r["year"], r["events"], r["organisations"], r["formats"], r["people"], r["by_profession"])
        for r in table
    ] == [
        (2025, 1, 7, "グループワーク", 215, [100, 115]),
        (2026, 1, 2, "グループワーク・パネルディスカッション", 3, [2, 1]),
    ]
    page = client_for("coordinator").get("/training/history/").content.decode()
    assert 'data-year="2025"' in page and "令和7年度（2025年度）" in page
    ws = load_workbook(io.BytesIO(client_for("coordinator").get("/training/history/?format=xlsx").content))
    rows = list(ws["年度別実績"].iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("令和7年度（2025年度）", 1, 7, "グループワーク", 215)
    # Officials see every center's history (aggregate only): FY2026 has C02's 99 organisations too.
    official = client_for("official").get("/training/history/?center=total").content.decode()
    assert "data-organisations>101<" in official.replace('"', "")


def test_officials_read_the_history_by_center_with_a_center_filter(client_for, cast):
    make_event(cast.center1, when=(2026, 6, 1, 18, 0), extra_organisations=2)
    make_event(cast.center1, when=(2026, 7, 1, 18, 0), extra_organisations=1)
    make_event(cast.center2, when=(2026, 6, 2, 18, 0), extra_organisations=5)
    official = client_for("official")
    page = official.get("/training/history/").content.decode().replace('"', "")
    c01 = page.split("data-center=C01>", 1)[1].split("</tr>", 1)[0]
    c02 = page.split("data-center=C02>", 1)[1].split("</tr>", 1)[0]
    assert "東センター" in c01 and "data-events>2<" in c01 and "data-organisations>3<" in c01
    assert "西センター" in c02 and "data-events>1<" in c02 and "data-organisations>5<" in c02
    only_west = official.get("/training/history/?center=C02").content.decode().replace('"', "")
    assert "data-events>1<" in only_west and "data-center=" not in only_west
    assert official.get("/training/history/?center=C99").status_code == 404
    ws = load_workbook(io.BytesIO(official.get("/training/history/?format=xlsx").content))["年度別実績"]
    assert [r[:3] for r in ws.iter_rows(min_row=3, values_only=True)] == [
        ("令和8年度（2026年度）", "東センター", 2),
        ("令和8年度（2026年度）", "西センター", 1),
    ]
    # A coordinator reads their own center only: no center filter or column.
    mine = client_for("coordinator").get("/training/history/").content.decode()
    assert 'name="center"' not in mine and "data-center=" not in mine


def test_a_ward_official_reads_the_history_of_their_wards_centers_only(client, cast):
    from coordination.models import Role, User

    make_event(cast.center1, when=(2026, 6, 1, 18, 0), extra_organisations=2)
    west = make_event(cast.center2, when=(2026, 6, 2, 18, 0), extra_organisations=5)
    joint = make_event(cast.center2, when=(2026, 7, 2, 18, 0), extra_organisations=1)
    joint.co_host_centers.set([cast.center1])  # held with 東センター: theirs too
    client.force_login(User.objects.create_user("ward-o", password="x", role=Role.OFFICIAL, ward=cast.ward1))
    page = client.get("/training/history/").content.decode().replace('"', "")
    # The joint event counts under 東センター, the co-host this official reads, not as a 西 row.
    assert "data-center=C02>" not in page and "西センター" not in page
    east = page.split("data-center=C01>", 1)[1].split("</tr>", 1)[0]
    assert "data-events>2<" in east and "data-organisations>3<" in east
    assert ">東区の合計</option>" in page and "市全体" not in page
    total = client.get("/training/history/?center=total").content.decode().replace('"', "")
    assert "data-events>2<" in total and "data-organisations>3<" in total  # 東 and the joint one, not 西's 5
    assert client.get("/training/history/?center=C02").status_code == 404
    assert west.pk not in Event.objects.readable_by(User.objects.get(username="ward-o")).values_list(
        "pk", flat=True
    )


def test_yearly_history_counts_only_events_that_took_place(client_for, cast):
    held = make_event(cast.center1, when=(2026, 6, 1, 18, 0))
    AttendanceCount.objects.create(event=held, profession=cast.nurse, count=30)
    planned = make_event(cast.center1, when=(2027, 2, 1, 18, 0), extra_organisations=5)  # FY2026, ahead
    AttendanceCount.objects.create(event=planned, profession=cast.nurse, count=80)  # expected, not held
    page = client_for("coordinator").get("/training/history/").content.decode().replace('"', "")
    assert "data-events>1<" in page and "data-people>30<" in page and "data-organisations>0<" in page


def test_history_query_count_does_not_grow_with_events(client_for, cast, django_assert_num_queries):
    client = client_for("coordinator")
    e = make_event(cast.center1, when=(2025, 6, 1, 18, 0))
    AttendanceCount.objects.create(event=e, profession=cast.nurse, count=3)
    # + 2 for the supporters' table (the supporter courses' events, the hand-entered numbers).
    with django_assert_num_queries(10):
        client.get("/training/history/")
    for i in range(8):
        e = make_event(cast.center1, when=(2016 + i, 6, 1, 18, 0))
        AttendanceCount.objects.create(event=e, profession=cast.care_manager, count=i + 1)
        r = register(e, f"R{i}", cast.nurse, f"病院{i}")
        r.checked_in_at = timezone.now()
        r.save()
    with django_assert_num_queries(10):
        client.get("/training/history/")


# --- Lists, forms and query counts ---------------------------------------------------------------


def test_event_form_records_hosts_and_refuses_the_same_organisation_twice(client_for, cast):
    from coordination.models import Organisation

    doctors = Organisation.objects.create(name="医師会")
    nurses = Organisation.objects.create(name="訪問看護連絡協議会")
    client = client_for("coordinator")
    data = {
        "title": "在宅看取り研修",
        "item": "ka",
        "starts_at": "2026-12-10T18:30",
        "delivery": "hybrid",
        "hosts": [doctors.pk],
        "co_hosts": [doctors.pk, nurses.pk],
        "registration_open": "on",
    }
    bad = client.post("/training/new/", data)
    assert "「医師会」が主催と重複しています" in bad.content.decode()
    assert not Event.objects.exists()
    client.post("/training/new/", {**data, "co_hosts": [nurses.pk], "ends_at": "2026-12-10T18:00"})
    assert not Event.objects.exists()  # ends before it starts
    client.post("/training/new/", {**data, "co_hosts": [nurses.pk]})
    event = Event.objects.get()
    assert event.center == cast.center1  # a coordinator always writes for their own center
    assert event.organisers_by_role() == {"主催": ["医師会"], "共催": ["訪問看護連絡協議会"], "後援": []}


def test_event_list_filters_and_query_count(client_for, cast, django_assert_num_queries):
    from coordination.models import Organisation

    org = Organisation.objects.create(name="医師会")
    for i in range(3):
        e = make_event(cast.center1, when=(2026, 6 + i, 1, 18, 0), title=f"研修{i}")
        EventOrganisation.objects.create(event=e, organisation=org, role="host")
    make_event(cast.center1, when=(2025, 6, 1, 18, 0), title="昨年度の講座", item=Item.PUBLIC)
    make_event(cast.center2, title="西センターの研修")
    client = client_for("coordinator")
    body = client.get("/training/").content.decode()
    assert 'data-result-count="4"' in body and "西センターの研修" not in body
    assert 'data-result-count="1"' in client.get("/training/?fiscal_year=2025").content.decode()
    assert 'data-result-count="3"' in client.get("/training/?item=ka").content.decode()
    assert 'data-result-count="1"' in client.get("/training/?q=研修1").content.decode()
    with django_assert_num_queries(8):
        client.get("/training/")
    for i in range(10):
        e = make_event(cast.center1, when=(2026, 10, 1 + i, 18, 0))
        EventOrganisation.objects.create(event=e, organisation=org, role="co_host")
    with django_assert_num_queries(8):
        client.get("/training/")


def test_public_page_and_event_page_query_counts(client, client_for, cast, django_assert_num_queries):
    event = make_event(cast.center1, when=(2099, 1, 1, 13, 0), item=Item.PUBLIC, capacity=100)
    for i in range(5):
        register(event, f"R{i}", cast.nurse).checked_in_at = timezone.now()
    Registration.objects.update(checked_in_at=timezone.now())
    Task.objects.create(event=event, phase="before", text="会場予約")
    make_survey(event)
    with django_assert_num_queries(6):  # … and the events' 対象職種 (one query for all)
        client.get("/training/public/")
    staff = client_for("coordinator")
    with django_assert_num_queries(18):
        staff.get(f"/training/{event.pk}/")
    for i in range(10):
        register(event, f"S{i}", cast.care_manager)
        make_event(cast.center1, when=(2099, 2, 1 + i, 13, 0), item=Item.PUBLIC)
        Task.objects.create(event=event, phase="day", text=f"作業{i}")
    Registration.objects.update(checked_in_at=timezone.now())
    with django_assert_num_queries(6):  # … and the events' 対象職種 (one query for all)
        client.get("/training/public/")
    with django_assert_num_queries(18):
        staff.get(f"/training/{event.pk}/")


def test_event_datetime_is_shown_in_tokyo_time(client_for, cast):
    event = make_event(cast.center1, when=(2026, 12, 10, 9, 5))
    assert event.starts_at == at(2026, 12, 10, 9, 5)
    assert "2026年12月10日" in client_for("coordinator").get(f"/training/{event.pk}/").content.decode()
    assert Registration.objects.count() == 0


def test_open_events_list_for_professionals_query_count(client_for, cast, django_assert_num_queries):
    from coordination.models import Organisation

    org = Organisation.objects.create(name="医師会")
    client = client_for("professional")

    def add(i):
        e = make_event(
            cast.center1 if i % 2 else cast.center2, when=(2099, 1, 1 + i, 18, 0), title=f"研修{i}"
        )
        EventOrganisation.objects.create(event=e, organisation=org, role="host")
        Registration.objects.create(
            event=e, name="professional", organisation="x", profession=cast.nurse, user=cast.professional
        )

    add(0)
    body = client.get("/training/").content.decode()
    assert "研修0" in body and "申込済み" in body
    with django_assert_num_queries(9):  # with the events' 対象職種 (one query for all)
        client.get("/training/")
    for i in range(1, 10):
        add(i)
    with django_assert_num_queries(9):
        client.get("/training/")


# --- Professionals: the event page, seats and the waiting list --------------------------------------


def test_a_professional_opens_an_event_page_with_seats_and_their_place_on_the_waiting_list(client_for, cast):
    event = make_event(cast.center2, when=(2099, 1, 10, 18, 0), capacity=2, title="退院支援研修")
    register(event, "A", cast.nurse)
    register(event, "B", cast.nurse)
    register(event, "C", cast.nurse)  # first on the waiting list
    client = client_for("professional")
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert 'data-seats="full"' in page and "いま1名が待っています" in page
    assert "この研修にキャンセル待ちで申し込む" in page and "「退院支援研修」に" not in page
    listing = client.get("/training/").content.decode()
    assert "キャンセル待ちで申し込む" in listing and f'href="/training/{event.pk}/"' in listing
    client.post(
        f"/training/{event.pk}/register/",
        {"name": "professional", "organisation": "△△", "profession": cast.care_manager.pk},
    )
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert 'data-my-status="waitlisted"' in page and "キャンセル待ち 2番目" in page
    assert "キャンセル待ち 2番目" in client.get("/training/").content.decode()
    # Someone ahead cancels: one place up; a seat frees: confirmed, and the page says so.
    c = event.registrations.get(name="C")
    event.cancel(c)
    assert "キャンセル待ち 1番目" in client.get(f"/training/{event.pk}/").content.decode()
    event.cancel(event.registrations.get(name="A"))
    page = client.get(f"/training/{event.pk}/").content.decode()
    assert 'data-my-status="confirmed"' in page and "参加確定" in page
    # Other participants' names never show; an event closed to sign-ups (and not theirs) is 404.
    assert "data-registration" not in page
    closed = make_event(cast.center1, when=(2099, 2, 1, 18, 0), registration_open=False)
    assert client.get(f"/training/{closed.pk}/").status_code == 404
    assert client_for("official").get(f"/training/{event.pk}/").status_code == 403


def test_the_staff_list_shows_sign_ups_seats_and_the_waiting_list(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=1)
    register(event, "A", cast.nurse)
    register(event, "B", cast.nurse)
    page = client_for("coordinator").get("/training/").content.decode()
    cell = page.split(f'data-seats-cell="{event.pk}">', 1)[1].split("</td>", 1)[0]
    assert "定員1名・確定1名・キャンセル待ち1名" in cell and "満席" in cell


def test_the_open_events_list_shows_seats_left(client_for, cast):
    make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=30, title="定員あり")
    make_event(cast.center1, when=(2099, 1, 11, 18, 0), title="定員なし")
    event = Event.objects.get(title="定員あり")
    register(event, "A", cast.nurse)
    page = client_for("professional").get("/training/").content.decode()
    assert 'data-seats="29"' in page and "残り29席" in page and 'data-seats="unlimited"' in page


# --- A FAX sign-up sheet in one go -------------------------------------------------------------------


def test_staff_enter_a_fax_sign_up_sheet_in_one_go_preview_then_save(client_for, cast):
    event = make_event(cast.center1, capacity=2)
    client = client_for("coordinator")
    url = f"/training/{event.pk}/registrations/bulk/"
    sheet = "山田 花子\t○○訪問看護ステーション\t看護師\n\n佐藤 一郎、△△居宅、ケアマネ\n鈴木 次郎,××病院,介護支援専門員\n"
    preview = client.post(url, {"lines": sheet, "confirm": "0"}).content.decode()
    assert "保存される内容（3名）" in preview and 'data-preview-row="3"' in preview
    assert "キャンセル待ち" in preview  # the third is over capacity
    assert not event.registrations.exists()
    response = client.post(url, {"lines": sheet, "confirm": "1"}, follow=True)
    assert "3名の申込を登録しました（うちキャンセル待ち1名）" in response.content.decode()
    assert list(event.registrations.values_list("name", "organisation", "profession__name", "status")) == [
        ("山田 花子", "○○訪問看護ステーション", "看護師", "confirmed"),
        ("佐藤 一郎", "△△居宅", "介護支援専門員", "confirmed"),
        ("鈴木 次郎", "××病院", "介護支援専門員", "waitlisted"),
    ]
    assert all(r.entered_by == cast.coordinator for r in event.registrations.all())


def test_a_wrong_line_in_a_sign_up_sheet_saves_nothing_and_names_the_line(client_for, cast):
    event = make_event(cast.center1)
    register(event, "山田 花子", cast.nurse, "○○病院")
    client = client_for("coordinator")
    sheet = "田中 三郎、□□薬局、薬剤師\n、○○病院、看護師\n山田 花子、○○病院、看護師\n高橋 四郎、◇◇医院\n伊藤 五郎、◇◇医院、看護師\n伊藤 五郎、◇◇医院、看護師"
    page = client.post(f"/training/{event.pk}/registrations/bulk/", {"lines": sheet, "confirm": "1"})
    body = page.content.decode()
    assert page.status_code == 200
    for message in (
        "1行目: 職種「薬剤師」が職種の一覧にありません。",
        "2行目: 氏名がありません。",
        "3行目: 山田 花子さん（○○病院）はすでに申し込まれています。",
        "4行目: 職種がありません。",
        "6行目: 伊藤 五郎さん（◇◇医院）が一覧の中で重複しています。",
    ):
        assert message in body, message
    assert "5行目" not in body and "data-bulk-preview" not in body
    assert event.registrations.count() == 1


# --- Events held jointly by several centers -----------------------------------------------------------


def test_an_event_held_jointly_is_one_event_listed_once_and_counted_once(client, client_for, cast):
    event = make_event(cast.center1, when=(2026, 6, 1, 14, 0), item=Item.PUBLIC, title="合同市民公開講座")
    event.co_host_centers.set([cast.center2])
    AttendanceCount.objects.create(event=event, profession=cast.nurse, count=40)
    upcoming = make_event(cast.center1, when=(2099, 6, 1, 14, 0), item=Item.PUBLIC, title="合同の次回講座")
    upcoming.co_host_centers.set([cast.center2])
    public = client.get("/training/public/").content.decode()
    assert public.count('data-public-event="合同の次回講座"') == 1
    assert "東センター、西センター" in public  # 、: center names often carry a ・ of their own
    # Both centers' coordinators manage it and see it once in their list and history.
    for role in ("coordinator", "coordinator2"):
        c = client_for(role)
        listing = c.get("/training/").content.decode()
        assert listing.count(f'href="/training/{event.pk}/"') == 1, role
        assert c.get(f"/training/{event.pk}/").status_code == 200, role
        history = c.get("/training/history/").content.decode().replace('"', "")
        assert "data-events>1<" in history and "data-people>40<" in history, role
    official = client_for("official").get("/training/history/").content.decode().replace('"', "")
    assert "data-events>1<" in official and "data-people>40<" in official


def test_the_host_center_cannot_also_be_a_co_host(client_for, cast):
    data = {
        "title": "合同研修",
        "item": "ka",
        "starts_at": "2026-12-20T18:00",
        "delivery": "in_person",
        "co_host_centers": [cast.center1.pk, cast.center2.pk],
        "registration_open": "on",
    }
    # An admin chooses the host in the form: the host ticked as co-host too is refused, said so.
    response = client_for("admin").post("/training/new/", {**data, "center": cast.center1.pk})
    assert "担当センター自身は共催センターに選べません。" in response.content.decode()
    # A coordinator is not even offered their own center (a forged post is refused all the same).
    assert client_for("coordinator").post("/training/new/", data).status_code == 200
    assert not Event.objects.exists()


def test_a_cancelled_sign_up_no_longer_counts_as_attended(client_for, cast):
    event = today_event(cast.center1, capacity=1)
    came = register(event, "山田 花子", cast.nurse)
    register(event, "佐藤 一郎", cast.nurse)
    client = client_for("coordinator")
    client.post(f"/training/{event.pk}/registrations/{came.pk}/check-in/")
    client.post(f"/training/{event.pk}/registrations/{came.pk}/cancel/", {"confirm": "1"})
    came.refresh_from_db()
    assert came.status == "cancelled" and came.checked_in_at is None
    html = client.get(f"/training/{event.pk}/").content.decode()
    assert 'data-checked-in="0"' in html


def test_letting_in_someone_from_the_waiting_list_says_it_takes_the_event_past_its_capacity(client_for, cast):
    event = today_event(cast.center1, capacity=1)
    register(event, "A", cast.nurse)
    waiting = register(event, "B", cast.nurse)
    assert waiting.status == "waitlisted"
    response = client_for("coordinator").post(
        f"/training/{event.pk}/registrations/{waiting.pk}/check-in/", follow=True
    )
    assert (
        "キャンセル待ちのBさんを受け付け、参加確定にしました（確定 2名／定員 1名）。"
        in response.content.decode()
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.checked_in_at is not None


def test_a_professional_is_told_they_applied_and_staff_that_they_took_the_sign_up(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=1)
    data = {"name": "介護 真理", "organisation": "△△ケアプランセンター", "profession": cast.care_manager.pk}
    page = client_for("professional").post(f"/training/{event.pk}/register/", data, follow=True)
    body = page.content.decode()
    assert "申し込みました。" in body and "さんを受け付けました" not in body
    staff = client_for("coordinator").post(
        f"/training/{event.pk}/register/", {**data, "name": "山田 花子"}, follow=True
    )
    assert "山田 花子さんの申込をキャンセル待ちとして登録しました。" in staff.content.decode()


def test_a_professional_on_the_waiting_list_is_told_they_applied_for_it(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0), capacity=1)
    register(event, "先客", cast.nurse)
    data = {"name": "介護 真理", "organisation": "△△ケアプランセンター", "profession": cast.care_manager.pk}
    body = (
        client_for("professional").post(f"/training/{event.pk}/register/", data, follow=True).content.decode()
    )
    assert (
        "キャンセル待ちとして申し込みました。定員に達しているため、空きが出たら参加確定になります。" in body
    )


def test_opening_the_sign_up_form_when_signed_up_shows_the_sign_up_and_how_to_cancel(client_for, cast):
    event = make_event(cast.center1, when=(2099, 1, 10, 18, 0))
    mine = event.register(
        name="professional", organisation="△△", profession=cast.care_manager, user=cast.professional
    )
    client = client_for("professional")
    response = client.get(f"/training/{event.pk}/register/")
    assert response.status_code == 302 and response["Location"] == f"/training/{event.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert "この研修にはすでに申し込んでいます。" in body
    assert (
        "data-my-registration" in body and f"/training/{event.pk}/my-registration/{mine.pk}/cancel/" in body
    )
    assert 'name="organisation"' not in body
    # Once cancelled, the form is offered again.
    event.cancel(mine)
    assert client.get(f"/training/{event.pk}/register/").status_code == 200


def test_the_history_workbook_is_named_in_japanese(client_for, cast):
    from urllib.parse import unquote

    disposition = unquote(
        client_for("coordinator").get("/training/history/?format=xlsx")["Content-Disposition"]
    )
    assert disposition.endswith("研修・普及啓発の実績_カ・キ すべて.xlsx")
    assert 'filename="training-history.xlsx"' in disposition
