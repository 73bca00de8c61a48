"""A backup hospital states its own backup beds through its update link (resources.UpdateLink),
without an account: the update form offers the page, which shows and writes only that hospital's
beds, is audited, and tells the coordinators the beds were the hospital's statement."""

import datetime
import re

import pytest
from django.utils import timezone

from coordination.models import AuditEvent
from resources.models import Facility, UpdateLink
from rota.models import BackupBed
from tests.resources.factories import make_facility
from tests.rota.factories import make_backup_bed, make_hospital


@pytest.fixture
def hospital(cast):
    return make_hospital("急変受入病院", area=cast.ward1)


@pytest.fixture
def link(hospital):
    return UpdateLink.objects.create(facility=hospital, contact="地域連携室")


def _today():
    return timezone.localdate()


def test_the_update_form_of_a_hospital_offers_its_backup_bed_page_and_a_clinics_does_not(
    client_for, link, cast
):
    anonymous = client_for("anonymous")
    html = anonymous.get(f"/resources/u/{link.token}/").content.decode()
    assert "data-link-backup-beds" in html and f'href="/rota/u/{link.token}/beds/"' in html
    # The block is below the long form: its head points to it, before the first field.
    head = html.split("data-update-facility")[0]
    assert '<a href="#h-link-beds">後方支援病床（急変時の受け入れ）の入力</a>' in head
    assert 'id="h-link-beds"' in html
    clinic_link = UpdateLink.objects.create(facility=make_facility("町の診療所"))
    clinic_page = anonymous.get(f"/resources/u/{clinic_link.token}/").content.decode()
    assert "data-link-backup-beds" not in clinic_page and "data-jump-to" not in clinic_page
    assert anonymous.get(f"/rota/u/{clinic_link.token}/beds/").status_code == 404


def test_the_hospital_adds_beds_with_its_link_audited_and_shown_to_coordinators_as_its_own(
    client_for, link, hospital, cast
):
    anonymous = client_for("anonymous")
    today = _today()
    data = {
        "beds": "3",
        "available_from": today.isoformat(),
        "available_until": (today + datetime.timedelta(days=30)).isoformat(),
        "conditions": "登録患者のみ",
        "stated_by": "連携 花子",
    }
    response = anonymous.post(f"/rota/u/{link.token}/beds/", data)
    assert response.status_code == 302
    bed = BackupBed.objects.get()
    assert (bed.facility, bed.center, bed.beds, bed.source, bed.stated_by) == (
        hospital,
        cast.center1,
        3,
        BackupBed.Source.FACILITY,
        "連携 花子",
    )
    assert bed.stated_at is not None and bed.updated_by is None
    event = AuditEvent.objects.filter(object_type="rota.BackupBed", object_id=str(bed.pk)).get()
    assert event.username == "施設（更新用リンク）" and "連携 花子" in event.detail
    assert "3床" in anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()

    page = client_for("coordinator").get("/rota/backup-beds/").content.decode()
    assert 'data-bed-source="facility"' in page and "病院が入力（連携 花子）" in page
    assert timezone.localtime(bed.stated_at).strftime("%Y/%-m/%-d %H:%M") in page


def test_bad_dates_name_the_field_and_save_nothing(client_for, link):
    today = _today()
    html = (
        client_for("anonymous")
        .post(
            f"/rota/u/{link.token}/beds/",
            {
                "beds": "0",
                "available_from": today.isoformat(),
                "available_until": (today - datetime.timedelta(days=1)).isoformat(),
            },
        )
        .content.decode()
    )
    assert "病床数は1以上にしてください。" in html
    assert "「いつまで」は「いつから」以降の日にしてください。" in html
    assert not BackupBed.objects.exists()


def test_the_page_shows_only_this_hospitals_beds_and_cannot_end_anothers(client_for, link, hospital, cast):
    today = _today()
    span = (today.year, today.month, today.day)
    end = today + datetime.timedelta(days=10)
    make_backup_bed(cast.center1, hospital, start=span, end=(end.year, end.month, end.day), beds=2)
    other = make_backup_bed(
        cast.center1, make_hospital("よその病院"), start=span, end=(end.year, end.month, end.day), beds=7
    )
    anonymous = client_for("anonymous")
    html = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    assert "2床" in html and "7床" not in html and "よその病院" not in html
    assert anonymous.post(f"/rota/u/{link.token}/beds/{other.pk}/end/", {"confirm": "1"}).status_code == 404
    assert anonymous.get(f"/rota/u/{link.token}/beds/{other.pk}/edit/").status_code == 404
    assert anonymous.post(f"/rota/u/{link.token}/beds/{other.pk}/edit/", {"beds": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.beds == 7


def test_ending_beds_ends_them_yesterday_and_withdraws_one_not_begun(client_for, link, hospital, cast):
    today = _today()
    week_ago = today - datetime.timedelta(days=7)
    later = today + datetime.timedelta(days=20)
    running = make_backup_bed(
        cast.center1,
        hospital,
        start=(week_ago.year, week_ago.month, week_ago.day),
        end=(later.year, later.month, later.day),
    )
    planned = make_backup_bed(
        cast.center1,
        hospital,
        start=(later.year, later.month, later.day),
        end=(later.year, later.month, later.day),
    )
    anonymous = client_for("anonymous")
    assert anonymous.post(f"/rota/u/{link.token}/beds/{running.pk}/end/", {"confirm": "1"}).status_code == 302
    running.refresh_from_db()
    assert running.available_until == today - datetime.timedelta(days=1)
    assert running.source == BackupBed.Source.FACILITY
    anonymous.post(f"/rota/u/{link.token}/beds/{planned.pk}/end/", {"confirm": "1"})
    assert not BackupBed.objects.filter(pk=planned.pk).exists()
    assert (
        AuditEvent.objects.filter(object_type="rota.BackupBed", username="施設（更新用リンク）").count() == 2
    )


@pytest.mark.parametrize("spoil", ["revoked", "expired", "unknown"])
def test_a_revoked_expired_or_unknown_link_answers_404(client_for, link, hospital, cast, spoil):
    bed = make_backup_bed(cast.center1, hospital)
    token = link.token
    if spoil == "revoked":
        UpdateLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    elif spoil == "expired":
        UpdateLink.objects.filter(pk=link.pk).update(expires_on=_today() - datetime.timedelta(days=1))
    else:
        token = "x" * 43
    anonymous = client_for("anonymous")
    assert anonymous.get(f"/rota/u/{token}/beds/").status_code == 404
    assert anonymous.post(f"/rota/u/{token}/beds/", {"beds": "1"}).status_code == 404
    assert anonymous.post(f"/rota/u/{token}/beds/{bed.pk}/end/", {"confirm": "1"}).status_code == 404
    assert anonymous.post(f"/rota/u/{token}/beds/{bed.pk}/edit/", {"beds": "5"}).status_code == 404
    assert BackupBed.objects.count() == 1 and BackupBed.objects.get().beds == bed.beds


def _running_bed(cast, hospital, beds=3, conditions="登録患者のみ"):
    today = _today()
    week_ago, later = today - datetime.timedelta(days=7), today + datetime.timedelta(days=20)
    return make_backup_bed(
        cast.center1,
        hospital,
        start=(week_ago.year, week_ago.month, week_ago.day),
        end=(later.year, later.month, later.day),
        beds=beds,
        conditions=conditions,
    )


def test_the_hospital_changes_the_bed_count_and_conditions_of_a_row_audited(client_for, link, hospital, cast):
    """A running row is split: it keeps its count and conditions up to yesterday (the record of
    what was offered then), and a new row holds the new values from today to the same end."""
    bed = _running_bed(cast, hospital)
    today = _today()
    start, end = bed.available_from, bed.available_until
    anonymous = client_for("anonymous")
    page = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    assert f'href="/rota/u/{link.token}/beds/{bed.pk}/edit/"' in page
    form = anonymous.get(f"/rota/u/{link.token}/beds/{bed.pk}/edit/").content.decode()
    assert f'data-link-bed-named="{bed.pk}"' in form and "3床" in form and 'value="3"' in form
    assert "data-link-bed-split" in form  # it says the past days stay as they were
    response = anonymous.post(
        f"/rota/u/{link.token}/beds/{bed.pk}/edit/",
        {"beds": "5", "conditions": "登録患者のみ。夜間は電話で", "stated_by": "連携 花子"},
    )
    assert response.status_code == 302
    old = BackupBed.objects.get(pk=bed.pk)
    assert (old.beds, old.conditions, old.available_from, old.available_until) == (
        3,
        "登録患者のみ",
        start,
        today - datetime.timedelta(days=1),
    )
    new = BackupBed.objects.exclude(pk=bed.pk).get()
    assert (new.beds, new.conditions, new.source, new.stated_by, new.center, new.facility) == (
        5,
        "登録患者のみ。夜間は電話で",
        BackupBed.Source.FACILITY,
        "連携 花子",
        cast.center1,
        hospital,
    )
    assert (new.available_from, new.available_until) == (today, end) and new.stated_at is not None
    # Past days answer with the old count, today and on with the new, and no day has both.
    for day, beds in ((start, 3), (today - datetime.timedelta(days=1), 3), (today, 5), (end, 5)):
        assert [b.beds for b in BackupBed.objects.current(day)] == [beds], day
    ended = AuditEvent.objects.get(object_type="rota.BackupBed", object_id=str(bed.pk))
    created = AuditEvent.objects.get(object_type="rota.BackupBed", object_id=str(new.pk))
    for event in (ended, created):
        assert event.username == "施設（更新用リンク）"
        assert (
            "連携 花子" in event.detail and "病床数: 3 → 5" in event.detail and "受入の条件" in event.detail
        )
    assert (ended.action, created.action) == ("update", "create")
    listed = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    assert "昨日の3床は記録として残ります" in listed  # the message says what happened
    rows = re.search(r"<ul class=\"link-beds\" data-link-beds>(.*?)</ul>", listed, re.S)[1]
    assert rows.count("<li data-link-bed=") == 1 and f'data-link-bed="{new.pk}"' in rows
    assert "5床" in rows and "3床" not in rows


def test_after_a_change_the_coordinators_pages_show_one_row_for_today(client_for, link, hospital, cast):
    bed = _running_bed(cast, hospital)
    client_for("anonymous").post(f"/rota/u/{link.token}/beds/{bed.pk}/edit/", {"beds": "5", "conditions": ""})
    coordinator = client_for("coordinator")
    listed = coordinator.get("/rota/backup-beds/").content.decode()
    assert listed.count("<tr data-backup-bed=") == 1 and "今日 5床" in listed
    box = coordinator.get(f"/resources/{hospital.pk}/").content.decode()
    beds = re.search(r"<div data-facility-beds>(.*?)</div>", box, re.S)[1]
    assert "計5床" in beds and "3床" not in beds


def test_a_row_starting_today_or_later_is_changed_in_place(client_for, link, hospital, cast):
    today = _today()
    later = today + datetime.timedelta(days=9)
    for start in (today, today + datetime.timedelta(days=3)):
        bed = make_backup_bed(
            cast.center1,
            hospital,
            start=(start.year, start.month, start.day),
            end=(later.year, later.month, later.day),
            beds=2,
        )
        client_for("anonymous").post(
            f"/rota/u/{link.token}/beds/{bed.pk}/edit/", {"beds": "4", "conditions": "", "stated_by": "連携"}
        )
        bed.refresh_from_db()
        assert (bed.beds, bed.available_from, bed.available_until) == (4, start, later)
        assert BackupBed.objects.filter(facility=hospital).count() == 1
        bed.delete()


def test_saving_a_running_row_unchanged_does_not_split_it(client_for, link, hospital, cast):
    bed = _running_bed(cast, hospital)
    client_for("anonymous").post(
        f"/rota/u/{link.token}/beds/{bed.pk}/edit/",
        {"beds": "3", "conditions": "登録患者のみ", "stated_by": "連携"},
    )
    assert BackupBed.objects.get().pk == bed.pk
    bed.refresh_from_db()
    assert bed.available_until > _today() and bed.stated_by == "連携"


def test_a_bad_count_names_the_field_and_changes_nothing(client_for, link, hospital, cast):
    bed = _running_bed(cast, hospital)
    html = (
        client_for("anonymous")
        .post(f"/rota/u/{link.token}/beds/{bed.pk}/edit/", {"beds": "0", "conditions": "変えた"})
        .content.decode()
    )
    assert "病床数は1以上にしてください。" in html and "いまの病床数</dt><dd>3床" in html
    bed.refresh_from_db()
    assert (bed.beds, bed.conditions) == (3, "登録患者のみ")
    assert not AuditEvent.objects.filter(object_type="rota.BackupBed").exists()


def test_ending_asks_first_on_a_page_naming_the_row_and_ends_only_when_confirmed(
    client_for, link, hospital, cast
):
    bed = _running_bed(cast, hospital)
    anonymous = client_for("anonymous")
    page = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    # The list page has no button that ends a row at once, only a way to the question.
    assert f'action="/rota/u/{link.token}/beds/{bed.pk}/end/"' not in page
    assert f'href="/rota/u/{link.token}/beds/{bed.pk}/end/"' in page
    yesterday = _today() - datetime.timedelta(days=1)
    for ask in (anonymous.get, anonymous.post):
        html = ask(f"/rota/u/{link.token}/beds/{bed.pk}/end/").content.decode()
        assert f'data-link-bed-named="{bed.pk}"' in html and "3床" in html and "登録患者のみ" in html
        assert f"{yesterday.month}月{yesterday.day}日（昨日）まで" in html
        assert 'name="confirm" value="1"' in html
    bed.refresh_from_db()
    assert bed.available_until > _today() and not AuditEvent.objects.exists()
    anonymous.post(f"/rota/u/{link.token}/beds/{bed.pk}/end/", {"confirm": "1", "stated_by": "連携 花子"})
    bed.refresh_from_db()
    assert bed.available_until == yesterday and bed.stated_by == "連携 花子"


def test_withdrawing_a_planned_row_asks_first_in_its_own_words(client_for, link, hospital, cast):
    later = _today() + datetime.timedelta(days=5)
    bed = make_backup_bed(
        cast.center1,
        hospital,
        start=(later.year, later.month, later.day),
        end=(later.year, later.month, later.day),
    )
    html = client_for("anonymous").get(f"/rota/u/{link.token}/beds/{bed.pk}/end/").content.decode()
    assert "この登録を取り下げますか" in html and "はい、2床の登録を取り下げる" in html
    assert BackupBed.objects.filter(pk=bed.pk).exists()


def _end_button(page, bed):
    return page.split(f'data-link-bed="{bed.pk}"', 1)[1].split("data-link-bed-end>", 1)[1].split("</a>", 1)[0]


def test_a_row_changed_today_offers_to_end_the_acceptance_not_to_withdraw_it(
    client_for, link, hospital, cast
):
    """After a change of a running row, today's row carries on yesterday's: taking it away ends
    the hospital's acceptance (the earlier row records it up to yesterday), and it says so."""
    bed = _running_bed(cast, hospital)
    anonymous = client_for("anonymous")
    anonymous.post(f"/rota/u/{link.token}/beds/{bed.pk}/edit/", {"beds": "5", "conditions": ""})
    new = BackupBed.objects.exclude(pk=bed.pk).get()
    assert new.available_from == _today()
    page = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    assert _end_button(page, new) == "受け入れを終える…"
    yesterday = _today() - datetime.timedelta(days=1)
    html = anonymous.get(f"/rota/u/{link.token}/beds/{new.pk}/end/").content.decode()
    assert "この病床の受け入れを終えますか" in html and "はい、5床の受け入れを終える" in html
    assert f"{yesterday.month}月{yesterday.day}日（昨日）まで" in html and "取り下げ" not in html
    response = anonymous.post(
        f"/rota/u/{link.token}/beds/{new.pk}/end/", {"confirm": "1", "stated_by": "連携"}, follow=True
    )
    assert (
        f"病床の受け入れを{yesterday.month}月{yesterday.day}日までとしました。" in response.content.decode()
    )
    # Today's row is gone and the earlier one ends yesterday: no beds from today on.
    assert list(BackupBed.objects.values_list("pk", "available_until")) == [(bed.pk, yesterday)]
    event = AuditEvent.objects.filter(object_id=str(new.pk)).latest("pk")
    assert "病院が終了（今日からの分を削除）（連携）" in event.detail


def test_a_row_added_today_with_no_row_ending_yesterday_is_still_withdrawn(client_for, link, hospital, cast):
    today = _today()
    later = today + datetime.timedelta(days=9)
    # Another hospital's row ended yesterday: it is not this one's story.
    yesterday = today - datetime.timedelta(days=1)
    make_backup_bed(
        cast.center1,
        make_hospital("よその病院"),
        start=(2026, 1, 1),
        end=(yesterday.year, yesterday.month, yesterday.day),
    )
    bed = make_backup_bed(
        cast.center1,
        hospital,
        start=(today.year, today.month, today.day),
        end=(later.year, later.month, later.day),
    )
    anonymous = client_for("anonymous")
    page = anonymous.get(f"/rota/u/{link.token}/beds/").content.decode()
    assert _end_button(page, bed) == "この登録を取り下げる…"
    html = anonymous.get(f"/rota/u/{link.token}/beds/{bed.pk}/end/").content.decode()
    assert "この登録を取り下げますか" in html and "はい、2床の登録を取り下げる" in html
    response = anonymous.post(f"/rota/u/{link.token}/beds/{bed.pk}/end/", {"confirm": "1"}, follow=True)
    assert "病床の登録を取り下げました。" in response.content.decode()
    assert not BackupBed.objects.filter(pk=bed.pk).exists()


def _bed_writes():
    return (
        list(BackupBed.objects.order_by("pk").values_list("pk", "beds", "available_until", "stated_by")),
        AuditEvent.objects.count(),
        list(UpdateLink.objects.values_list("opened_at", "answered_at")),
    )


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "closed"])
def test_a_closed_or_merged_hospitals_link_answers_the_update_forms_closed_page_and_writes_nothing(
    client_for, link, hospital, cast, merged
):
    bed = _running_bed(cast, hospital)
    kept = make_hospital("急変受入病院（本院）", area=cast.ward1)
    Facility.objects.filter(pk=hospital.pk).update(
        closed_on=datetime.date(2026, 11, 30), merged_into=kept if merged else None
    )
    cast.center1.phone = "093-000-0001"
    cast.center1.save()
    anonymous = client_for("anonymous")
    before = _bed_writes()
    base = f"/rota/u/{link.token}/beds/"
    asks = [
        (anonymous.get, base, None),
        (anonymous.get, f"{base}{bed.pk}/edit/", None),
        (anonymous.get, f"{base}{bed.pk}/end/", None),
        (
            anonymous.post,
            base,
            {"beds": "4", "available_from": _today().isoformat(), "available_until": _today().isoformat()},
        ),
        (anonymous.post, f"{base}{bed.pk}/edit/", {"beds": "9", "conditions": "", "stated_by": "連携"}),
        (anonymous.post, f"{base}{bed.pk}/end/", {"confirm": "1", "stated_by": "連携"}),
    ]
    for ask, url, data in asks:
        response = ask(url, data) if data else ask(url)
        html = response.content.decode()
        assert response.status_code == 410, url
        assert 'data-facility-closed="2026-11-30"' in html
        assert "このリンクからは、情報の確認や変更の連絡はできなくなりました" in html
        assert 'data-sending-center="C01"' in html and "093-000-0001" in html
        if merged:
            assert (
                f'data-merged-into="{kept.pk}"' in html and "「急変受入病院（本院）」にまとめました" in html
            )
        else:
            assert "2026年11月30日に廃止（掲載の終了）となりました" in html and "data-merged-into" not in html
        assert "<form" not in html.split("<main", 1)[-1]
    assert _bed_writes() == before


def test_a_closed_clinics_link_still_answers_404_on_the_bed_pages(client_for, cast):
    clinic = make_facility("閉じた診療所", closed_on=datetime.date(2026, 11, 30))
    clinic_link = UpdateLink.objects.create(facility=clinic)
    assert client_for("anonymous").get(f"/rota/u/{clinic_link.token}/beds/").status_code == 404
