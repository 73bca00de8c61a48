"""Deleting a 連絡調整 row asks first, without JavaScript: a page that says which row (facility,
date, result) goes, with 削除する / やめる. After deleting, the message is in the 連絡調整 section
the redirect lands on (#coordinations), not at the top of the page far above it."""

import datetime
import re

import pytest

from consultations.models import Coordination, MonthClosing
from coordination.models import AuditEvent
from tests.consultations.factories import TOKYO, coordinate, make_consultation
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def row(cast):
    c = make_consultation(cast.center1)
    return coordinate(
        c,
        make_facility("小倉みなみクリニック"),
        "declined",
        reason="満床",
        contacted_at=datetime.datetime(2026, 8, 3, 14, 5, tzinfo=TOKYO),
    )


def urls(row):
    base = f"/consultations/{row.consultation_id}/coordinations/{row.pk}"
    return f"{base}/edit/", f"{base}/delete/"


def test_the_edit_page_button_opens_the_confirmation_rather_than_deleting(client_for, row):
    edit, delete = urls(row)
    html = client_for("coordinator").get(edit).content.decode()
    assert f'action="{delete}"' not in html  # no form that deletes from here
    assert re.search(rf'<a [^>]*href="{delete}"[^>]*>この連絡調整を削除する</a>', html)


def test_the_confirmation_names_the_row_and_deletes_nothing(client_for, row):
    _, delete = urls(row)
    client = client_for("coordinator")
    for response in (client.get(delete), client.post(delete, {})):
        html = response.content.decode()
        assert response.status_code == 200
        assert "この連絡調整を削除しますか" in html and f'data-coordination-to-delete="{row.pk}"' in html
        assert (
            "小倉みなみクリニック" in html
            and "2026年8月3日 14:05" in html
            and "受入不可（理由: 満床）" in html
        )
        confirm = re.search(r"<form [^>]*data-delete-coordination-confirm>(.*?)</form>", html, re.S).group(1)
        assert 'name="confirm" value="1"' in confirm and ">削除する</button>" in confirm
        assert f'href="{urls(row)[0]}">やめる</a>' in confirm
    assert Coordination.objects.filter(pk=row.pk).exists()
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_after_deleting_the_message_is_in_the_section_landed_on(client_for, row):
    _, delete = urls(row)
    response = client_for("coordinator").post(delete, {"confirm": "1"}, follow=True)
    detail = f"/consultations/{row.consultation_id}/"
    assert response.redirect_chain == [(f"{detail}#coordinations", 302)]
    assert not Coordination.objects.filter(pk=row.pk).exists()
    html = response.content.decode()
    said = "連絡調整「小倉みなみクリニック（8/3 14:05・"
    section = html[html.index('id="coordinations"') :]
    assert said in section and said not in html[: html.index('id="coordinations"')]
    assert html.count(said) == 1


def test_in_a_closed_month_both_steps_say_so(client_for, cast, row):
    MonthClosing.objects.create(
        center=cast.center1, year=2026, month=8, submitted=[], closed_by=cast.coordinator
    )
    _, delete = urls(row)
    client = client_for("coordinator")
    assert "2026年8月は締め済みです" in client.get(delete).content.decode()
    html = client.post(delete, {"confirm": "1"}, follow=True).content.decode()
    assert "この修正は月報に「提出後の修正」として表示されます" in html
