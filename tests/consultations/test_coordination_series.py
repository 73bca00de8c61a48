"""The 連絡調整 add form on a consultation page: the server's Japanese errors (not the browser's
popups) name the field, and after an add the page comes back at the add form, open, so a
coordinator making three calls in a row does not reopen it each time."""

import re

import pytest

from tests.consultations.factories import coordinate, make_consultation
from tests.resources.factories import make_facility

pytestmark = pytest.mark.django_db


def add_form(html):
    start = html.index('id="coordination-add"')
    return html[html.rindex("<details", 0, start) : html.index("</details>", start)]


def test_the_forms_of_the_page_leave_checking_to_the_server(client_for, cast):
    c = make_consultation(cast.center1)
    html = client_for("coordinator").get(f"/consultations/{c.pk}/").content.decode()
    for form in re.findall(r"<form [^>]*>", html):
        if 'method="post"' in form and "/consultations/" in form:
            assert "novalidate" in form, form


def test_an_empty_add_is_refused_with_errors_that_name_the_fields(client_for, cast):
    c = make_consultation(cast.center1)
    coordinate(c, make_facility("先のクリニック"))
    html = client_for("coordinator").post(f"/consultations/{c.pk}/coordinations/", {}).content.decode()
    form = add_form(html)
    assert " open" in form[: form.index(">")]
    for label in ("連絡先", "結果"):
        assert label in form
    errors = re.findall(r'id="id_co-([a-z_]+)_error"', form)
    assert "facility_query" in errors and "result" in errors


def test_after_an_add_the_page_comes_back_at_the_open_add_form(client_for, cast):
    c = make_consultation(cast.center1)
    f = make_facility("連絡先クリニック")
    client = client_for("coordinator")
    for n in range(3):
        response = client.post(
            f"/consultations/{c.pk}/coordinations/",
            {
                "co-facility_query": f"#{f.pk}",
                "co-contacted_at": f"2026-08-03T1{n}:00",
                "co-means": "phone",
                "co-result": "no_answer",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == f"/consultations/{c.pk}/?next_coordination=1#coordination-add"
        html = client.get(response["Location"]).content.decode()
        form = add_form(html)
        assert " open" in form[: form.index(">")]
        assert "autofocus" in form and 'name="co-facility_query"' in form
    assert c.coordinations.count() == 3
    # Opened plainly, a closed consultation's page with rows keeps the add form closed (one still
    # being worked on keeps it open: test_the_add_form_stays_open_while_…).
    c.status = "done"
    c.save(update_fields=["status"])
    form = add_form(client.get(f"/consultations/{c.pk}/").content.decode())
    assert " open" not in form[: form.index(">")]


def test_the_add_form_stays_open_while_the_consultation_is_being_worked_on(client_for, cast):
    from consultations.models import Consultation, Coordination

    c = make_consultation(cast.center1)
    Coordination.objects.create(consultation=c, facility_text="一軒目の医院", result="no_answer")
    client = client_for("coordinator")
    Consultation.objects.filter(pk=c.pk).update(status="continuing")
    form = add_form(client.get(f"/consultations/{c.pk}/").content.decode())
    assert " open" in form[: form.index(">")]  # the next call is recorded without unfolding it
    Consultation.objects.filter(pk=c.pk).update(status="done")
    form = add_form(client.get(f"/consultations/{c.pk}/").content.decode())
    assert " open" not in form[: form.index(">")]  # a closed consultation keeps its page short
