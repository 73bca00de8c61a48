"""After a refused save, an edit page names the record as stored: ModelForm validation writes what
was typed onto the form's instance, and the page's title, heading and way back must not read it."""

import re

import pytest

from tests.fixtures import world

UNSAVED = "まだ保存していない名前"


def heading_and_title(response):
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    return title, h1


def assert_names_stored(response, stored):
    assert response.status_code == 200
    title, h1 = heading_and_title(response)
    assert stored in h1
    assert UNSAVED not in title and UNSAVED not in h1
    # The field itself keeps what was typed, so nothing typed is lost.
    assert f'value="{UNSAVED}"' in response.content.decode()


def form_data(form):
    """What the unbound form shows, as a browser would post it back."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, "", False):
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = form[name].field.widget.format_value(value)
    return data


@pytest.fixture
def w(cast):
    return world(cast)


def test_an_events_edit_page_names_the_stored_title_after_a_refused_save(client_for, w):
    # The title changed, the start left empty: refused.
    response = client_for("coordinator").post(f"/training/{w.event.pk}/edit/", {"title": UNSAVED})
    assert_names_stored(response, "多職種連携研修会")
    w.event.refresh_from_db()
    assert w.event.title == "多職種連携研修会"


def test_a_meetings_edit_page_names_the_stored_title_after_a_refused_save(client_for, w):
    w.meeting.title = "地域ケア会議"
    w.meeting.save()
    response = client_for("coordinator").post(f"/meetings/{w.meeting.pk}/edit/", {"title": UNSAVED})
    assert_names_stored(response, "地域ケア会議")


def test_a_facilitys_edit_page_names_the_stored_name_after_a_refused_save(client_for, w):
    response = client_for("coordinator").post(f"/resources/{w.facility.pk}/edit/", {"name": UNSAVED})
    assert_names_stored(response, "ウォーカー医院")


def test_a_rotas_edit_page_names_the_stored_name_after_a_refused_save(client_for, cast):
    from tests.rota.factories import make_rota

    rota = make_rota(cast.center1, name="夜間当番")
    # The name changed, an area that does not exist chosen: refused.
    response = client_for("coordinator").post(f"/rota/{rota.pk}/edit/", {"name": UNSAVED, "area": "999999"})
    assert_names_stored(response, "夜間当番")


def test_a_surveys_edit_page_names_the_stored_title_after_a_refused_save(client_for, w):
    response = client_for("coordinator").post(f"/surveys/{w.survey.pk}/edit/", {"title": UNSAVED})
    assert_names_stored(response, "多職種連携研修会 アンケート")


def test_a_documents_edit_page_names_the_stored_title_after_a_refused_save(client_for, cast):
    from documents.models import Document

    document = Document.objects.create(title="入退院支援ルール", category="rule", center=cast.center1)
    response = client_for("coordinator").post(f"/documents/{document.pk}/edit/", {"title": UNSAVED})
    assert_names_stored(response, "入退院支援ルール")


def test_the_admins_user_page_names_the_stored_name_after_a_refused_save(client_for, cast):
    cast.coordinator2.last_name, cast.coordinator2.first_name = "小倉", "花子"
    cast.coordinator2.save()
    # The name changed, the user name left empty: refused.
    response = client_for("admin").post(
        f"/admin/coordination/user/{cast.coordinator2.pk}/change/",
        {"username": "", "last_name": UNSAVED, "role": "coordinator", "is_active": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    breadcrumbs = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.S).group(1)
    assert UNSAVED not in title and UNSAVED not in breadcrumbs
    assert "小倉 花子" in title and "小倉 花子" in breadcrumbs
    cast.coordinator2.refresh_from_db()
    assert cast.coordinator2.last_name == "小倉"


def test_a_valid_edit_still_reports_the_new_title(client_for, w):
    from training.models import Event

    client = client_for("coordinator")
    page = client.get(f"/training/{w.event.pk}/edit/")
    data = form_data(page.context["form"])
    data["title"] = "新しい研修の名前"
    response = client.post(f"/training/{w.event.pk}/edit/", data, follow=True)
    assert Event.objects.get(pk=w.event.pk).title == "新しい研修の名前"
    assert "「新しい研修の名前」を更新しました。" in response.content.decode()
