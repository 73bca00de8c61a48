import datetime
import re

import pytest

from consultations.models import AccessLog, Consultation, Coordination, Provision
from tests.consultations.factories import make_consultation, topic
from tests.resources.factories import make_facility


def form_data(**changes):
    data = {
        "received_at": "2026-08-03T10:15",
        "method": "phone",
        "consultant_type": "",
        "consultant_org": "",
        "consultant_name": "佐藤",
        "consultant_location": "inside",
        "client_age": "84",
        "client_sex": "female",
        "client_area": "",
        "client_care_level": "c5",
        "client_condition": "褥瘡",
        "summary": "訪問診療医を探したい",
        "response": "",
        "result": "",
        "status": "open",
        "follow_up_on": "",
        "minutes_spent": "15",
        "handled_by": "",
    }
    data.update(changes)
    return data


def test_coordinator_logs_a_consultation_for_its_center(client_for, cast):
    from consultations.models import ConsultantType

    f = make_facility("相談元病院", kind_code="hospital")
    data = form_data(
        consultant_type=ConsultantType.objects.get(name="医療関係者").pk,
        consultant_org="相談元病院",
        topic_ids=[topic("医療/訪問診療できる医療機関に関する事").pk, topic("介護/ケアマネに関する事").pk],
    )
    response = client_for("coordinator").post("/consultations/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    c = Consultation.objects.get()
    assert c.center == cast.center1 and c.consultant_facility == f
    assert sorted(t.path for t in c.topics.all()) == [
        "介護/ケアマネに関する事",
        "医療/訪問診療できる医療機関に関する事",
    ]
    assert c.received_at == datetime.datetime(2026, 8, 3, 1, 15, tzinfo=datetime.UTC)  # 10:15 JST


def test_missing_topic_and_type_name_the_fields(client_for, cast):
    response = client_for("coordinator").post("/consultations/new/", form_data(client_age="200"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "相談内容を1つ以上選んでください" in html and "年齢は0〜130" in html
    assert 'id="id_topic_ids_error"' in html
    assert not Consultation.objects.exists()


def test_opening_a_consultation_is_logged(client_for, cast):
    c = make_consultation(cast.center1)
    assert client_for("coordinator").get(f"/consultations/{c.pk}/").status_code == 200
    log = AccessLog.objects.get()
    assert log.user == cast.coordinator and log.consultation == c and log.action == "view"
    assert client_for("coordinator2").get(f"/consultations/{c.pk}/").status_code == 404
    assert AccessLog.objects.count() == 1


def test_record_pages_send_no_store(client_for, cast):
    c = make_consultation(cast.center1)
    response = client_for("coordinator").get(f"/consultations/{c.pk}/")
    assert "no-store" in response["Cache-Control"]


def test_coordination_rows_form_a_timeline_and_count_on_the_facility(client_for, cast):
    c = make_consultation(cast.center1)
    f = make_facility("連絡先クリニック", area=cast.ward1)
    client = client_for("coordinator")
    response = client.post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": "連絡先クリニック",
            "co-contacted_at": "2026-08-03T10:30",
            "co-means": "phone",
            "co-result": "declined",
            "co-reason": "",
        },
        follow=True,
    )
    assert "受入不可の場合は理由を入力してください" in response.content.decode()
    assert not Coordination.objects.exists()
    client.post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": f"#{f.pk}",
            "co-contacted_at": "2026-08-03T10:30",
            "co-means": "phone",
            "co-result": "declined",
            "co-reason": "新規受入停止中",
        },
    )
    client.post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": "連絡先",
            "co-contacted_at": "2026-08-03T11:00",
            "co-means": "fax",
            "co-result": "accepted",
        },
    )
    assert list(Coordination.objects.values_list("result", flat=True)) == ["declined", "accepted"]
    html = client.get(f"/consultations/{c.pk}/").content.decode()
    assert html.index("新規受入停止中") < html.index("受入可</span>")
    # The kind and the area: two clinics of one name in two wards are told apart.
    assert "連絡先クリニック</a>（診療所・東区）" in html
    facility_html = client.get(f"/resources/{f.pk}/").content.decode()
    assert (
        'data-coordination-asked="2"' in facility_html and 'data-coordination-accepted="1"' in facility_html
    )
    assert (
        "data-coordination-asked"
        not in client_for("professional").get(f"/resources/{f.pk}/").content.decode()
    )


def test_ambiguous_facility_asks_to_choose(client_for, cast):
    c = make_consultation(cast.center1)
    make_facility("さくら診療所")
    make_facility("さくら病院", kind_code="hospital")
    response = client_for("coordinator").post(
        f"/consultations/{c.pk}/coordinations/",
        {
            "co-facility_query": "さくら",
            "co-contacted_at": "2026-08-03T10:30",
            "co-means": "phone",
            "co-result": "pending",
        },
        follow=True,
    )
    assert "「さくら」に当たる施設が2件あります" in response.content.decode()
    assert not Coordination.objects.exists()


def test_many_matches_say_there_are_more_and_list_care_facilities_before_salons(client_for, cast):
    c = make_consultation(cast.center1)
    for n in range(11):
        make_facility(f"ふれあいサロン{n:02d}", kind_code="salon", name_kana=f"フレアイサロン{n:02d}")
    station = make_facility("ふれあい訪問看護ステーション", name_kana="フレアイホウモンカンゴ")
    closed = make_facility("ふれあいクリニック", closed_on=datetime.date(2020, 3, 31))
    page = (
        client_for("coordinator")
        .post(
            f"/consultations/{c.pk}/coordinations/",
            {
                "co-facility_query": "ふれあい",
                "co-contacted_at": "2026-08-03T10:30",
                "co-means": "phone",
                "co-result": "pending",
            },
            follow=True,
        )
        .content.decode()
    )
    assert "「ふれあい」に当たる施設が10件より多くあります。上から10件を表示しています。" in page
    choices = re.findall(r'name="co-facility_choice" value="(\d+)"', page)
    assert len(choices) == 10 and choices[0] == str(station.pk)  # the station first, salons after
    assert str(closed.pk) not in choices  # a closed facility is no one to call
    assert not Coordination.objects.exists()


def coordination_post(**changes):
    return {
        "co-facility_query": "みどりクリニック",
        "co-contacted_at": "2026-08-03T10:30",
        "co-means": "phone",
        "co-result": "declined",
        "co-reason": "新規の訪問診療は受付停止中",
        "co-note": "来月なら再検討可",
        **changes,
    }


def test_two_facilities_of_one_name_show_as_candidates_and_everything_typed_is_kept(client_for, cast):
    c = make_consultation(cast.center1)
    north = make_facility("みどりクリニック", address="北九州市小倉北区片野3-18-7", phone="093-111-2222")
    make_facility(
        "みどりクリニック", kind_code="hospital", address="北九州市八幡西区黒崎1-1", phone="093-333-4444"
    )
    client = client_for("coordinator")
    response = client.post(f"/consultations/{c.pk}/coordinations/", coordination_post())
    html = response.content.decode()
    assert response.status_code == 200 and not Coordination.objects.exists()
    assert "北九州市小倉北区片野3-18-7" in html and "電話 093-333-4444" in html
    assert html.count('name="co-facility_choice"') == 2
    # Nothing typed is lost: the result, the reason and the note are still there.
    assert re.search(r'value="declined"[^>]*checked', html)
    assert "新規の訪問診療は受付停止中" in html and "来月なら再検討可" in html
    client.post(
        f"/consultations/{c.pk}/coordinations/", coordination_post(**{"co-facility_choice": north.pk})
    )
    row = Coordination.objects.get()
    assert (
        row.facility == north
        and row.reason == "新規の訪問診療は受付停止中"
        and row.note == "来月なら再検討可"
    )


def test_a_facility_not_in_the_directory_is_kept_as_text_and_listed_for_admins(client_for, cast):
    c = make_consultation(cast.center1)
    client = client_for("coordinator")
    post = coordination_post(**{"co-facility_query": "ひかり訪問看護（新規開設）", "co-result": "accepted"})
    html = client.post(f"/consultations/{c.pk}/coordinations/", post).content.decode()
    assert "名簿に「ひかり訪問看護（新規開設）」に当たる施設がありません" in html
    client.post(f"/consultations/{c.pk}/coordinations/", {**post, "co-unlisted": "on"})
    row = Coordination.objects.get()
    assert row.facility is None and row.facility_text == "ひかり訪問看護（新規開設）"
    assert "名簿にない施設" in client.get(f"/consultations/{c.pk}/").content.decode()
    listing = client_for("admin").get("/consultations/unlisted-facilities/").content.decode()
    assert 'data-unlisted="ひかり訪問看護（新規開設）"' in listing
    assert client.get("/consultations/unlisted-facilities/").status_code == 403


def test_unlisted_facilities_page_runs_a_fixed_number_of_queries(client_for, cast, django_assert_num_queries):
    from tests.consultations.factories import coordinate

    c = make_consultation(cast.center1)
    client = client_for("admin")
    for n in (1, 12):
        for i in range(n):
            coordinate(c, None, "pending", facility_text=f"未登録の施設{n}-{i}")
        # session, user, count, page
        with django_assert_num_queries(4):
            client.get("/consultations/unlisted-facilities/")


def test_a_row_added_with_htmx_returns_only_the_section_with_a_fresh_form(client_for, cast):
    c = make_consultation(cast.center1)
    f = make_facility("連絡先クリニック")
    client = client_for("coordinator")
    response = client.post(
        f"/consultations/{c.pk}/coordinations/",
        coordination_post(**{"co-facility_query": f"#{f.pk}", "co-result": "accepted"}),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith('<section aria-labelledby="h-coord" id="coordinations">')
    assert "連絡調整「連絡先クリニック：受入可」を記録しました" in html
    assert re.search(r'name="co-facility_query"[^>]*autofocus|autofocus[^>]*name="co-facility_query"', html)
    assert 'value="連絡先クリニック' not in html  # the next row starts empty
    assert Coordination.objects.get().facility == f


def test_the_row_form_asks_for_the_facility_first_then_method_then_result(client_for, cast):
    c = make_consultation(cast.center1)
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    form = html[html.index("data-coordination-form") :]
    positions = [form.index(f'name="co-{name}"') for name in ("facility_query", "means", "result", "reason")]
    assert positions == sorted(positions)
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_a_clinic_contacted_twice_is_one_facility_and_two_contacts_in_the_report(client_for, cast):
    from tests.consultations.factories import coordinate

    c = make_consultation(cast.center1, (2026, 8, 3, 10, 0))
    other = make_consultation(cast.center1, (2026, 8, 4, 10, 0))
    clinic = make_facility("みどりクリニック")
    coordinate(c, clinic, "pending")
    coordinate(c, clinic, "accepted")
    coordinate(other, clinic, "accepted")  # another consultation: the clinic counts again there
    coordinate(other, None, "declined", facility_text="ひかり訪看", reason="満床")
    html = client_for("coordinator").get("/consultations/reports/?year=2026&month=8").content.decode()

    def total(item):
        match = re.search(
            rf'data-section="連絡調整" data-item="{re.escape(item)}">.*?data-total>(\d+)<', html, re.S
        )
        return int(match.group(1))

    assert total("連絡した施設数（1件の相談で同じ施設は1）") == 3
    assert total("連絡回数（延べ）") == 4
    assert total("受入可") == 2 and total("合計") == 4


def test_provision_without_consent_is_refused(client_for, cast):
    c = make_consultation(cast.center1)
    client = client_for("coordinator")
    response = client.post(
        f"/consultations/{c.pk}/provisions/",
        {
            "prov-recipient": "訪問看護ステーション",
            "prov-items": "氏名・病名",
            "prov-provided_on": "2026-08-04",
        },
        follow=True,
    )
    assert "同意が記録されていないため、第三者提供を記録できません" in response.content.decode()
    assert not Provision.objects.exists()
    client.post(
        f"/consultations/{c.pk}/consents/",
        {
            "consent-consented_by": "本人",
            "consent-consented_on": "2026-08-03",
            "consent-how": "oral",
        },
    )
    consent = c.consents.get()
    response = client.post(
        f"/consultations/{c.pk}/provisions/",
        {
            "prov-recipient": "訪問看護ステーション",
            "prov-items": "氏名・病名",
            "prov-provided_on": "2026-08-04",
            "prov-consent": consent.pk,
        },
        follow=True,
    )
    assert Provision.objects.get().consent == consent
    assert "氏名・病名" in response.content.decode()


def test_concurrent_edit_is_refused_and_nothing_lost(client_for, cast):
    from consultations.models import ConsultantType

    c = make_consultation(cast.center1, topics=["連絡調整"], summary="最初の概要")
    base = form_data(
        consultant_type=ConsultantType.objects.get(name="訪問看護").pk,
        topic_ids=[topic("連絡調整").pk],
        version=str(c.version),
        center=cast.center1.pk,
    )
    first, second = client_for("coordinator"), client_for("admin")
    assert first.post(f"/consultations/{c.pk}/edit/", {**base, "summary": "Aさんの更新"}).status_code == 302
    response = second.post(f"/consultations/{c.pk}/edit/", {**base, "summary": "Bさんの更新"})
    html = response.content.decode()
    assert response.status_code == 200 and "あなたの変更は保存していません" in html
    assert "Bさんの更新" in html  # the refused input is still on the form
    c.refresh_from_db()
    assert c.summary == "Aさんの更新" and c.version == 2


def test_list_filters_and_query_count(client_for, cast, django_assert_num_queries):
    for i in range(3):
        make_consultation(
            cast.center1,
            (2026, 8, 3 + i, 10, 0),
            topics=["連絡調整", "医療/その他"],
            status="open",
            follow_up_on=datetime.date(2026, 8, 1),
        )
    make_consultation(cast.center1, (2026, 8, 10, 10, 0), status="done", summary="完了した相談")
    make_consultation(cast.center2, (2026, 8, 10, 10, 0), summary="他センターの相談")
    client = client_for("coordinator")
    html = client.get("/consultations/").content.decode()
    assert 'data-result-count="4"' in html and "他センターの相談" not in html
    assert 'data-result-count="1"' in client.get("/consultations/?status=done").content.decode()
    assert 'data-result-count="3"' in client.get("/consultations/?follow_up_due=on").content.decode()
    assert 'data-result-count="1"' in client.get("/consultations/?q=完了").content.decode()

    def measure():
        # session, user (with the center), count, page, topics of the page, the access-log entry
        # of the ids shown, and the filter form's three lists (相談者区分, 相談内容, 対応者),
        # rendered from the database every time.
        with django_assert_num_queries(9):
            client.get("/consultations/")

    measure()
    for i in range(10):
        make_consultation(cast.center1, (2026, 9, 1 + i, 10, 0), topics=["連絡調整", "介護/その他"])
    measure()


@pytest.mark.parametrize("role", ["professional", "official"])
def test_professionals_and_officials_never_see_a_consultation(client_for, cast, role):
    c = make_consultation(cast.center1)
    assert client_for(role).get(f"/consultations/{c.pk}/").status_code == 403
    assert client_for(role).get("/consultations/").status_code == 403


def test_the_form_asks_who_and_from_where_first_then_what_with_save_reachable_at_once(client_for, cast):
    html = client_for("coordinator").get("/consultations/new/", follow=True).content.decode()
    form = html[html.index('class="consultation-form"') :]
    order = ["consultant_type", "consultant_org", "topic_ids", "received_at", "summary", "handled_by"]
    positions = [form.index(f'name="{name}"') for name in order]
    assert positions == sorted(positions)
    # The save button comes before the first field (and answers Alt+S).
    assert form.index('accesskey="s"') < positions[0]
    # Required fields are marked; no radio group starts on a placeholder choice.
    legend = re.search(r"<legend>相談者区分(.*?)</legend>", form).group(1)
    assert "必須" in legend
    checked = re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', form)
    assert all(value for _, value in checked), checked
    assert {name for name, _ in checked} == {"method", "status"}


def test_leaving_sex_and_location_unchosen_records_unknown(client_for, cast):
    from consultations.models import ConsultantType

    data = form_data(
        consultant_type=ConsultantType.objects.get(name="ケアマネジャー").pk, topic_ids=[topic("その他").pk]
    )
    del data["client_sex"], data["consultant_location"]
    assert client_for("coordinator").post("/consultations/new/", data).status_code == 302
    c = Consultation.objects.get()
    assert c.client_sex == "" and c.get_client_sex_display() == "不明" and c.consultant_location == ""


def test_a_name_fitting_several_facilities_is_asked_as_a_question_not_an_error(client_for, cast):
    c = make_consultation(cast.center1)
    make_facility("みどりクリニック", address="北九州市小倉北区片野3-18-7")
    make_facility("みどりクリニック", kind_code="hospital", address="北九州市八幡西区黒崎1-1")
    client = client_for("coordinator")
    for headers in ({}, {"HX-Request": "true"}):
        html = client.post(
            f"/consultations/{c.pk}/coordinations/", coordination_post(), headers=headers
        ).content.decode()
        form = html[html.index("data-coordination-form") :]
        assert "入力内容に誤りがあります" not in form and 'class="form-errors"' not in form, headers
        question = re.search(r"<div [^>]*data-facility-question>(.*?)</div>", form, re.S).group(1)
        assert "「みどりクリニック」に当たる施設が2件あります。連絡したのはどの施設ですか。" in question
        assert "field--error" not in form and 'aria-invalid="true"' not in form
        # The question comes right before the candidates, and the cursor is on them.
        assert form.index("data-facility-question") < form.index('name="co-facility_choice"')
        assert re.search(r'<input type="radio" name="co-facility_choice"[^>]*autofocus', form)
    # A real mistake beside the question is still said as one.
    html = client.post(
        f"/consultations/{c.pk}/coordinations/", coordination_post(**{"co-reason": ""})
    ).content.decode()
    form = html[html.index("data-coordination-form") :]
    assert "入力内容に誤りがあります" in form and "data-facility-question" in form
    assert "受入不可の場合は理由を入力してください" in form
