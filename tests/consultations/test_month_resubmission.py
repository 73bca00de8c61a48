"""締め直す (再提出): after a closed month changed, the coordinator of that center submits the
figures again; every submission stays on record with an audit entry. And 前月/次月 links."""

import pytest

from consultations import services
from consultations.models import MonthClosing
from coordination.models import AuditEvent
from tests.consultations.factories import make_consultation

URL = "/consultations/reports/?year=2026&month=8&center=C01"


@pytest.fixture
def closed_then_changed(cast, client_for):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    client_for("coordinator").post(
        "/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8}
    )
    make_consultation(cast.center1, (2026, 8, 25, 14, 0), "訪問看護", ["看取りに関する事"])
    return MonthClosing.objects.get()


def resubmit(client, closing):
    return client.post(f"/consultations/reports/closings/{closing.pk}/resubmit/", follow=True)


def test_a_changed_closed_month_is_resubmitted_with_the_new_figures_and_the_old_submission_kept(
    client_for, cast, closed_then_changed
):
    coordinator = client_for("coordinator")
    html = coordinator.get(URL).content.decode()
    assert "C01 東センターの2026年8月を締め直す" in html
    response = resubmit(coordinator, closed_then_changed)
    assert "締め直しました" in response.content.decode()
    old, new = MonthClosing.objects.order_by("closed_at")
    assert (
        old.reopened_at
        and old.reopen_reason == MonthClosing.RESUBMITTED
        and old.reopened_by == cast.coordinator
    )
    assert old.submitted_values()[("相談件数", "延べ件数")] == 1
    assert new.reopened_at is None and new.closed_by == cast.coordinator
    assert new.submitted_values()[("相談件数", "延べ件数")] == 2
    event = AuditEvent.objects.filter(object_type="consultations.MonthClosing").latest("pk")
    assert "締め直しました" in event.detail and "変わった行" in event.detail
    html = coordinator.get(URL).content.decode()
    assert "data-changed-after-submission" not in html  # the new figures are the submitted ones
    assert "締め直す" not in html
    assert "data-earlier-submissions" in html and f"に締め直し（{cast.coordinator}）" in html


def test_resubmitting_unchanged_figures_is_refused_in_japanese(client_for, cast):
    make_consultation(cast.center1, (2026, 8, 3, 10, 15), "ケアマネジャー", ["連絡調整"])
    coordinator = client_for("coordinator")
    coordinator.post("/consultations/reports/close/", {"center": "C01", "year": 2026, "month": 8})
    closing = MonthClosing.objects.get()
    assert "締め直す" not in coordinator.get(URL).content.decode()
    response = resubmit(coordinator, closing)
    assert "締め直す必要はありません" in response.content.decode()
    assert MonthClosing.objects.count() == 1 and MonthClosing.objects.active().count() == 1


def test_only_the_centers_coordinator_or_an_admin_may_resubmit(client_for, closed_then_changed):
    url = f"/consultations/reports/closings/{closed_then_changed.pk}/resubmit/"
    anonymous = client_for("anonymous").post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for("coordinator2").post(url).status_code == 404
    assert client_for("official").post(url).status_code == 403
    assert client_for("professional").post(url).status_code == 403
    assert (
        "締め直す"
        not in client_for("official").get("/consultations/reports/?year=2026&month=8").content.decode()
    )
    assert MonthClosing.objects.count() == 1


def test_the_report_links_the_previous_and_next_month_and_fiscal_year(client_for, cast):
    html = client_for("official").get("/consultations/reports/?year=2026&month=1&center=C02").content.decode()
    assert 'href="?year=2025&amp;month=12&amp;center=C02"' in html and "前月（2025年12月）" in html
    assert 'href="?year=2026&amp;month=2&amp;center=C02"' in html and "次月（2026年2月）" in html
    html = client_for("coordinator").get("/consultations/reports/?fiscal_year=2026").content.decode()
    assert 'href="?fiscal_year=2025"' in html and 'href="?fiscal_year=2027"' in html


def test_an_admins_resubmission_is_listed_and_a_reopening_says_why(client_for, cast, closed_then_changed):
    resubmit(client_for("admin"), closed_then_changed)
    new = MonthClosing.objects.active().get()
    services.reopen_month(_request(cast.admin), new, "入力誤りのため")
    html = client_for("coordinator").get(URL).content.decode()
    assert f"に締め直し（{cast.admin}）" in html
    assert f"に解除（理由: 入力誤りのため、{cast.admin}）" in html


def test_a_resubmission_after_an_admin_reopened_the_month_is_refused_and_keeps_the_reason(
    cast, closed_then_changed
):
    services.reopen_month(_request(cast.admin), closed_then_changed, "入力誤りのため")
    with pytest.raises(services.ClosingError, match="すでに解除または締め直し"):
        services.resubmit_month(_request(cast.coordinator), closed_then_changed)
    closed_then_changed.refresh_from_db()
    assert (
        closed_then_changed.reopen_reason == "入力誤りのため"
        and closed_then_changed.reopened_by == cast.admin
    )
    assert not MonthClosing.objects.active().exists()


def test_at_the_first_month_the_portal_shows_there_is_no_previous_link_and_next_stays_next(client_for, cast):
    html = client_for("official").get("/consultations/reports/?year=2000&month=1").content.decode()
    assert "前月（" not in html
    assert 'href="?year=2000&amp;month=2"' in html and "次月（2000年2月）" in html


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user
    return request
