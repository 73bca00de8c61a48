"""The month rota a professional reads links each clinic on duty to its directory page and gives
the number to call during the shift (the shift's own, else the clinic's direct phone)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.rota.factories import make_clinic, make_rota, make_shift

pytestmark = pytest.mark.django_db


def test_each_shift_links_its_clinic_and_gives_the_on_duty_contact(
    client_for, cast, django_assert_num_queries
):
    rota = make_rota(cast.center1, name="東区当番")
    a = make_clinic("すこやか内科医院", code="4001000009", direct_phone="093-111-2222")
    b = make_clinic("城山心療内科クリニック", code="4001000012", direct_phone="")
    make_shift(rota, (2026, 12, 1, 18), (2026, 12, 2, 9), a)
    make_shift(rota, (2026, 12, 2, 18), (2026, 12, 3, 9), b, contact="090-0000-1111")
    make_shift(rota, (2026, 12, 3, 18), (2026, 12, 4, 9), b)  # no number anywhere: none shown
    make_shift(rota, (2026, 12, 4, 18), (2026, 12, 5, 9))  # a gap
    client = client_for("professional")
    html = client.get(f"/rota/{rota.pk}/?month=2026-12").content.decode()
    assert f'href="/resources/{a.pk}/">すこやか内科医院</a>' in html
    assert f'href="/resources/{b.pk}/">城山心療内科クリニック</a>' in html
    assert '<a href="tel:093-111-2222">093-111-2222</a>' in html
    assert '<a href="tel:090-0000-1111">090-0000-1111</a>' in html
    assert html.count("data-duty-contact") == 2

    # The query count does not grow with the month's shifts.
    with CaptureQueriesContext(connection) as before:
        client.get(f"/rota/{rota.pk}/?month=2026-12")
    for day in range(5, 20):
        make_shift(rota, (2026, 12, day, 18), (2026, 12, day + 1, 9), make_clinic(f"医院{day}"))
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(f"/rota/{rota.pk}/?month=2026-12")
