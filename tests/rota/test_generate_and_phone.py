"""The generate form names the clinics 「名称（医療機関番号）」 and reads them back; the month's
cells say their weekday, which the phone's day list shows (static/css/site.css)."""

from rota import services
from tests.rota.factories import make_clinic, make_rota


def test_the_generate_form_lists_last_months_clinics_by_name_and_code_and_reads_them_back(client_for, cast):
    rota = make_rota(cast.center1, name="東区当番")
    a = make_clinic("Aクリニック", code="4011111111")
    b = make_clinic("B医院", code="")
    services.generate_month(None, rota, 2027, 1, [a, b])
    client = client_for("coordinator")
    html = client.get(f"/rota/{rota.pk}/generate/?month=2027-02").content.decode()
    assert f"Aクリニック（4011111111）\nB医院（#{b.pk}）" in html
    response = client.post(
        f"/rota/{rota.pk}/generate/",
        {"month": "2027-02", "clinics": f"Aクリニック（4011111111）\nB医院（#{b.pk}）", "first": "2"},
    )
    assert response.status_code == 302
    february = list(rota.shifts.filter(starts_at__month=2).order_by("starts_at")[:3])
    assert [s.facility for s in february] == [b, a, b]


def test_a_labelled_line_whose_number_is_unknown_falls_back_to_the_name(client_for, cast):
    rota = make_rota(cast.center1, name="東区当番")
    a = make_clinic("Aクリニック", code="4011111111")
    client_for("coordinator").post(
        f"/rota/{rota.pk}/generate/",
        {"month": "2027-02", "clinics": "Aクリニック（9999999999）", "first": "1"},
    )
    assert {s.facility for s in rota.shifts.all()} == {a}


def test_each_day_of_the_month_says_its_weekday_for_the_phones_day_list(client_for, cast):
    rota = make_rota(cast.center1, name="東区当番")
    services.generate_month(None, rota, 2027, 1, [make_clinic("Aクリニック", code="4011111111")])
    html = client_for("professional").get(f"/rota/{rota.pk}/?month=2027-01").content.decode()
    assert '<span class="rota-weekday">日（金）</span>' in html  # 2027-01-01 is a Friday
    assert '<span class="rota-weekday">日（日）</span>' in html
