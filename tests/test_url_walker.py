"""Walks every URL pattern with every role and asserts the status.

A view added without an entry in EXPECTED fails `test_every_url_pattern_has_an_expectation`,
so each new view is covered the day it is added. Objects that belong to center C01 are
requested by the C02 coordinator too: that must answer 404 (no cross-center leak)."""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLES
from tests.fixtures import world
from tests.surveys.factories import (
    walker_bare_event,
    walker_document,
    walker_link_survey,
    walker_public_survey,
    walker_question,
    walker_respondent,
    walker_survey,
    walker_vacancy_survey,
    walker_version,
)

A, ADM, CO, CO2, PRO, OFF = ROLES


@dataclass
class Expect:
    statuses: dict  # role → status
    kwargs: Callable = field(default=lambda w: {})
    query: str = ""
    page: bool = True  # an HTML page (not a download or JSON): the page checks walk it


def everyone(status):
    return dict.fromkeys(ROLES, status)


def only(*roles, denied=403, anonymous=302, ok=200):
    result = {A: anonymous}
    for role in ROLES[1:]:
        result[role] = ok if role in roles else denied
    return result


PUBLIC = everyone(200)
STAFF = only(ADM, CO, CO2, PRO)
ADMIN_ONLY = only(ADM)


def own_center(ok=200):
    """A C01 object: admin and the C01 coordinator only; C02's coordinator gets 404."""
    result = only(ADM, CO, ok=ok)
    result[CO2] = 404
    return result


def _upkeep(w):
    """The walker's update link, change request, round and re-check (made once per world; the
    shared tests/fixtures.py is another area's file)."""
    if not hasattr(w, "upkeep"):
        from types import SimpleNamespace

        from resources.models import ChangeRequest, ConfirmationRound, Recheck, RoundMailing, UpdateLink

        # A round of center C01 (the consultation's center), as its coordinator starts it.
        round_ = ConfirmationRound.objects.create(name="ウォーカーの再調査", center=w.consultation.center)
        RoundMailing.objects.create(
            round=round_, kind=RoundMailing.Kind.LINKS, status=RoundMailing.Status.DONE
        )
        link = UpdateLink.objects.create(facility=w.facility, contact="事務長", round=round_)
        change = ChangeRequest.objects.create(
            facility=w.facility,
            link=link,
            before={"contact_person": ""},
            proposed={"contact_person": "事務長"},
        )
        recheck = Recheck.objects.create(
            facility=w.facility, reason=Recheck.Reason.UNREACHABLE, origin="相談"
        )
        w.upkeep = SimpleNamespace(link=link, change=change, round=round_, recheck=recheck)
    return w.upkeep


def _past_totals(w):
    """A C01 coordinator's upload of past 月報 totals (made once per world)."""
    if not hasattr(w, "past_totals"):
        from consultations.models import PastTotalsImport

        w.past_totals = PastTotalsImport.objects.create(
            file_name="past.csv", center=w.consultation.center, status=PastTotalsImport.Status.READY
        )
    return w.past_totals


def _consultation_import(w):
    """A C01 coordinator's upload of its center's past log (a file the preview refused, so that
    its error list downloads); made once per world."""
    if not hasattr(w, "own_consultation_import"):
        from consultations.models import ConsultationImport

        w.own_consultation_import = ConsultationImport.objects.create(
            center=w.consultation.center,
            file_name="walker.csv",
            status=ConsultationImport.Status.FAILED,
            errors=1,
            content=b"x",
        )
    return w.own_consultation_import


def _area_import(w):
    """The walker's area-statistics import (a file with one bad row, so that its error list downloads)."""
    if not hasattr(w, "area_import"):
        from coordination.models import AreaStatisticsImport

        w.area_import = AreaStatisticsImport.objects.create(
            user=w.cast.admin,
            file_name="walker.csv",
            status="ready",
            rows=0,
            errors=1,
            content="地域名,年度,人口,65歳以上人口\n東区,2026,x,1\n".encode(),
        )
    return w.area_import


STATISTICS = only(ADM, OFF)


def _community(w):
    """The walker's community resource (a サロン in C01's ward), made once per world."""
    if not hasattr(w, "community"):
        from tests.resources.community_factories import EVERY_WEDNESDAY, make_community

        w.community = make_community("ウォーカーサロン", w.cast.ward1, rules=[EVERY_WEDNESDAY])
    return w.community


EXPECTED = {
    "dashboard": Expect(PUBLIC),
    "healthz": Expect(PUBLIC),
    "login": Expect(PUBLIC),
    "logout": Expect(everyone(405)),  # POST only
    # JSON for static/js/session-keeper.js: signed in or not, every visitor gets an answer.
    "session_status": Expect(PUBLIC, page=False),
    # Second factor: any signed-in user may enrol; verifying without a device sends to enrolment.
    "two_factor_setup": Expect(only(ADM, CO, CO2, PRO, OFF)),
    "two_factor_verify": Expect(everyone(302)),
    "resources:search": Expect(PUBLIC),
    "resources:print": Expect(PUBLIC),
    "resources:export_csv": Expect(PUBLIC),
    "resources:export_xlsx": Expect(PUBLIC),
    "resources:detail": Expect(PUBLIC, kwargs=lambda w: {"pk": w.facility.pk}),
    # Any signed-in user may tell the center an entry is wrong.
    "resources:report": Expect(only(ADM, CO, CO2, PRO, OFF), kwargs=lambda w: {"pk": w.facility.pk}),
    "resources:create": Expect(only(ADM, CO, CO2)),
    "resources:edit": Expect(only(ADM, CO, CO2), kwargs=lambda w: {"pk": w.facility.pk}),
    "resources:confirm": Expect(everyone(405), kwargs=lambda w: {"pk": w.facility.pk}),  # POST only
    "resources:import": Expect(ADMIN_ONLY),
    "resources:import_detail": Expect(ADMIN_ONLY, kwargs=lambda w: {"pk": w.facility_import.pk}),
    "resources:import_confirm": Expect(everyone(405), kwargs=lambda w: {"pk": w.facility_import.pk}),
    "resources:import_progress": Expect(
        ADMIN_ONLY, kwargs=lambda w: {"pk": w.facility_import.pk}, page=False
    ),
    "resources:import_rejected": Expect(
        ADMIN_ONLY, kwargs=lambda w: {"pk": w.facility_import.pk}, page=False
    ),
    "resources:import_retry": Expect(everyone(405), kwargs=lambda w: {"pk": w.facility_import.pk}),
    "resources:import_mapping": Expect(everyone(405), kwargs=lambda w: {"pk": w.facility_import.pk}),
    "resources:duplicates": Expect(ADMIN_ONLY),
    "resources:duplicates_dismissed": Expect(ADMIN_ONLY),
    # Community resources: residents' pages for everyone; the form for the directory's editors
    # (and 生活支援コーディネーター, in their 圏域: tests/resources/test_community_editing.py).
    "resources:community": Expect(PUBLIC),
    "resources:community_print": Expect(PUBLIC),
    "resources:community_create": Expect(only(ADM, CO, CO2)),
    "resources:community_edit": Expect(only(ADM, CO, CO2), kwargs=lambda w: {"pk": _community(w).pk}),
    # POST only (who may: tests/resources/test_community_editing.py).
    "resources:community_end": Expect(everyone(405), kwargs=lambda w: {"pk": _community(w).pk}),
    "resources:community_resume": Expect(everyone(405), kwargs=lambda w: {"pk": _community(w).pk}),
    "resources:missing": Expect(ADMIN_ONLY),
    # 地域の見える化: public (resource counts only for anonymous visitors); the statistics behind it
    # are entered and imported by admins and officials.
    "resources:areas": Expect(PUBLIC),
    "resources:areas_export": Expect(PUBLIC, page=False),
    # POST only, the directory's editors (tests/resources/test_daily_areas_by_town.py).
    "resources:areas_file_by_towns": Expect(everyone(405)),
    "resources:area_statistics": Expect(STATISTICS),
    "resources:area_import": Expect(STATISTICS),
    "resources:area_import_detail": Expect(STATISTICS, kwargs=lambda w: {"pk": _area_import(w).pk}),
    "resources:area_import_progress": Expect(
        STATISTICS, kwargs=lambda w: {"pk": _area_import(w).pk}, page=False
    ),
    "resources:area_import_confirm": Expect(everyone(405), kwargs=lambda w: {"pk": _area_import(w).pk}),
    "resources:area_import_retry": Expect(everyone(405), kwargs=lambda w: {"pk": _area_import(w).pk}),
    "resources:area_import_errors": Expect(
        STATISTICS, kwargs=lambda w: {"pk": _area_import(w).pk}, page=False
    ),
    # Keeping the directory true: the facility's own link opens without an account.
    "resources:update_form": Expect(PUBLIC, kwargs=lambda w: {"token": _upkeep(w).link.token}),
    "resources:update_done": Expect(PUBLIC, kwargs=lambda w: {"token": _upkeep(w).link.token}),
    "resources:facility_links": Expect(only(ADM, CO, CO2), kwargs=lambda w: {"pk": w.facility.pk}),
    "resources:link_revoke": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).link.pk}),
    "resources:link_send": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).link.pk}),
    "resources:link_letter": Expect(only(ADM, CO, CO2), kwargs=lambda w: {"pk": _upkeep(w).link.pk}),
    "resources:link_letter_sent": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).link.pk}),
    "resources:letters_csv": Expect(only(ADM, CO, CO2), page=False),
    "resources:change_requests": Expect(only(ADM, CO, CO2)),
    "resources:change_request": Expect(only(ADM, CO, CO2), kwargs=lambda w: {"pk": _upkeep(w).change.pk}),
    "resources:rounds": Expect(only(ADM, CO, CO2)),
    "resources:round": Expect(own_center(), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:round_remind": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:round_send": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:round_progress": Expect(
        own_center(), kwargs=lambda w: {"pk": _upkeep(w).round.pk}, page=False
    ),
    "resources:round_letters": Expect(own_center(), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:round_letters_sent": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:round_close": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).round.pk}),
    "resources:rechecks": Expect(only(ADM, CO, CO2)),
    "resources:recheck_close": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).recheck.pk}),
    "resources:recheck_stopped": Expect(everyone(405), kwargs=lambda w: {"pk": _upkeep(w).recheck.pk}),
    "consultations:index": Expect(only(ADM, CO, CO2)),
    # With its token (a bare address is sent on to one with a fresh token: 302).
    "consultations:create": Expect(only(ADM, CO, CO2), query="?form=5b0c2f7e-8d4a-4c1e-9f3b-2a6d7e8f9a01"),
    "consultations:reports": Expect(only(ADM, CO, CO2, OFF)),
    "consultations:same_client": Expect(only(ADM, CO, CO2), query="?q=テスト&age=80"),
    # GET: the confirmation of closing C01's month (a month long ended); its button POSTs.
    "consultations:close_month": Expect(own_center(), query="?center=C01&year=2025&month=4"),
    "consultations:reopen_month": Expect(everyone(405), kwargs=lambda w: {"pk": 1}),  # POST only
    "consultations:resubmit_month": Expect(everyone(405), kwargs=lambda w: {"pk": 1}),  # POST only
    "consultations:import": Expect(only(ADM, CO, CO2)),
    "consultations:unlisted_facilities": Expect(ADMIN_ONLY),
    # Past 月報 totals: admins and coordinators; a C01 coordinator's upload is 404 to C02's.
    "consultations:past_totals": Expect(only(ADM, CO, CO2)),
    "consultations:past_totals_detail": Expect(own_center(), kwargs=lambda w: {"pk": _past_totals(w).pk}),
    "consultations:past_totals_progress": Expect(
        own_center(), kwargs=lambda w: {"pk": _past_totals(w).pk}, page=False
    ),
    "consultations:past_totals_confirm": Expect(everyone(405), kwargs=lambda w: {"pk": _past_totals(w).pk}),
    "consultations:past_totals_retry": Expect(everyone(405), kwargs=lambda w: {"pk": _past_totals(w).pk}),
    # Past logs: admins and coordinators; a C01 coordinator's upload is 404 to C02's.
    "consultations:import_confirm": Expect(
        everyone(405), kwargs=lambda w: {"pk": _consultation_import(w).pk}
    ),
    "consultations:import_retry": Expect(everyone(405), kwargs=lambda w: {"pk": _consultation_import(w).pk}),
    "consultations:import_detail": Expect(own_center(), kwargs=lambda w: {"pk": _consultation_import(w).pk}),
    "consultations:import_progress": Expect(
        own_center(), kwargs=lambda w: {"pk": _consultation_import(w).pk}, page=False
    ),
    "consultations:import_errors": Expect(
        own_center(), kwargs=lambda w: {"pk": _consultation_import(w).pk}, page=False
    ),
    "consultations:import_records": Expect(own_center(), kwargs=lambda w: {"pk": _consultation_import(w).pk}),
    "consultations:detail": Expect(own_center(), kwargs=lambda w: {"pk": w.consultation.pk}),
    "consultations:edit": Expect(own_center(), kwargs=lambda w: {"pk": w.consultation.pk}),
    "consultations:add_coordination": Expect(everyone(405), kwargs=lambda w: {"pk": w.consultation.pk}),
    "consultations:edit_coordination": Expect(
        own_center(), kwargs=lambda w: {"pk": w.consultation.pk, "cid": w.coordination.pk}
    ),
    # GET is the confirmation page (the row to delete, 削除する / やめる).
    "consultations:delete_coordination": Expect(
        own_center(), kwargs=lambda w: {"pk": w.consultation.pk, "cid": w.coordination.pk}
    ),
    "consultations:add_consent": Expect(everyone(405), kwargs=lambda w: {"pk": w.consultation.pk}),
    "consultations:follow_up_done": Expect(everyone(405), kwargs=lambda w: {"pk": w.consultation.pk}),
    "consultations:add_provision": Expect(everyone(405), kwargs=lambda w: {"pk": w.consultation.pk}),
    # the centers' public pages (no login; no consultation record)
    "centers:list": Expect(PUBLIC),
    "centers:find": Expect(PUBLIC, query="?q=東区"),
    "centers:qa": Expect(PUBLIC),
    "centers:detail": Expect(PUBLIC, kwargs=lambda w: {"code": "C01"}),
    # training (カ・キ)
    "training:index": Expect(only(ADM, CO, CO2, PRO)),
    "training:create": Expect(only(ADM, CO, CO2)),
    "training:public": Expect(PUBLIC),
    "training:history": Expect(only(ADM, CO, CO2, OFF)),
    # The address printed on earlier event sheets forwards to the survey engine's link.
    "training:answer": Expect(everyone(301), kwargs=lambda w: {"token": w.survey.link_token}, page=False),
    # Professionals open an event they may sign up for (its public facts and their own sign-up).
    "training:detail": Expect({**own_center(), PRO: 200}, kwargs=lambda w: {"pk": w.event.pk}),
    "training:edit": Expect(own_center(), kwargs=lambda w: {"pk": w.event.pk}),
    # Professionals sign up for any open event; staff of another center cannot see it.
    "training:register": Expect({**own_center(), PRO: 200}, kwargs=lambda w: {"pk": w.event.pk}),
    "training:attendance": Expect(own_center(), kwargs=lambda w: {"pk": w.event.pk}),
    "training:bulk_register": Expect(own_center(), kwargs=lambda w: {"pk": w.event.pk}),
    "training:roster_print": Expect(own_center(), kwargs=lambda w: {"pk": w.event.pk}),
    "training:registrations_export": Expect(
        own_center(), kwargs=lambda w: {"pk": w.event.pk}, query="?format=csv", page=False
    ),
    "training:check_in": Expect(everyone(405), kwargs=lambda w: {"pk": w.event.pk, "rid": w.registration.pk}),
    "training:promotion_told": Expect(
        everyone(405), kwargs=lambda w: {"pk": w.event.pk, "rid": w.registration.pk}
    ),
    # A page that asks first (GET), the cancellation on its POST.
    "training:cancel": Expect(own_center(), kwargs=lambda w: {"pk": w.event.pk, "rid": w.registration.pk}),
    # A professional withdraws their own sign-up only: the walker's registration is nobody's (404).
    "training:cancel_mine": Expect(
        {**only(PRO), PRO: 404}, kwargs=lambda w: {"pk": w.event.pk, "rid": w.registration.pk}
    ),
    "training:add_task": Expect(everyone(405), kwargs=lambda w: {"pk": w.event.pk}),
    "training:apply_template": Expect(everyone(405), kwargs=lambda w: {"pk": w.event.pk}),
    "training:toggle_task": Expect(everyone(405), kwargs=lambda w: {"pk": w.event.pk, "tid": w.task.pk}),
    # meetings (イ・ウ・ク): officials read every center's; professionals only meetings marked shared
    "meetings:index": Expect(only(ADM, CO, CO2, OFF, PRO)),
    "meetings:create": Expect(only(ADM, CO, CO2, OFF)),  # officials: the city's own meetings
    "meetings:detail": Expect({**own_center(), OFF: 200, PRO: 404}, kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:edit": Expect({**own_center(), OFF: 404}, kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:attendance": Expect(own_center(), kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:raise_issue": Expect(own_center(), kwargs=lambda w: {"pk": w.meeting.pk}),
    "meetings:series_index": Expect(only(ADM, CO, CO2, OFF)),
    "meetings:series_create": Expect(only(ADM, CO, CO2)),
    "meetings:series_detail": Expect({**own_center(), OFF: 200}, kwargs=lambda w: {"pk": w.series.pk}),
    "meetings:issues": Expect(only(ADM, CO, CO2, OFF)),
    "meetings:issue_create": Expect(only(ADM, CO, CO2, OFF)),
    "meetings:issue_detail": Expect({**own_center(), OFF: 200}, kwargs=lambda w: {"pk": w.issue.pk}),
    "meetings:issue_edit": Expect({**own_center(), OFF: 404}, kwargs=lambda w: {"pk": w.issue.pk}),
    "meetings:issue_status": Expect(everyone(405), kwargs=lambda w: {"pk": w.issue.pk}),
    "meetings:issue_status_undo": Expect(everyone(405), kwargs=lambda w: {"pk": w.issue.pk}),
    "meetings:solution_create": Expect(only(ADM, CO, CO2)),
    "meetings:solution_edit": Expect(own_center(), kwargs=lambda w: {"pk": w.solution.pk}),
    "meetings:organisations": Expect(only(ADM, CO, CO2, OFF)),
    "meetings:organisation_timeline": Expect(
        only(ADM, CO, CO2, OFF), kwargs=lambda w: {"pk": w.organisation.pk}
    ),
    "meetings:year_summary": Expect(only(ADM, CO, CO2, OFF)),
    # rota (ウ): staff and professionals read every rota; coordinators edit their center's; the
    # calendar feeds answer their private token link without login.
    "rota:index": Expect(STAFF),
    "rota:create": Expect(only(ADM, CO, CO2)),
    "rota:detail": Expect(STAFF, kwargs=lambda w: {"pk": _rota(w)[0].pk}),
    "rota:print": Expect(STAFF, kwargs=lambda w: {"pk": _rota(w)[0].pk}, query="?month=2027-01"),
    "rota:edit": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk}),
    "rota:generate": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk}),
    "rota:feed_links": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk}),
    "rota:shift_create": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk}),
    "rota:shift_edit": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk, "sid": _rota(w)[1].pk}),
    "rota:swap": Expect(own_center(), kwargs=lambda w: {"pk": _rota(w)[0].pk, "sid": _rota(w)[1].pk}),
    "rota:rota_feed": Expect(PUBLIC, kwargs=lambda w: {"token": _rota(w)[0].feed_token}, page=False),
    "rota:facility_feed": Expect(PUBLIC, kwargs=lambda w: {"token": _facility_feed(w).token}, page=False),
    "rota:backup_beds": Expect(STAFF),
    "rota:backup_bed_create": Expect(only(ADM, CO, CO2)),
    "rota:backup_bed_edit": Expect(own_center(), kwargs=lambda w: {"pk": _backup_bed(w).pk}),
    # The hospital's own page by its update link: no account, whoever holds the link.
    "rota:link_beds": Expect(PUBLIC, kwargs=lambda w: {"token": _hospital_link(w)[0].token}),
    # Changing a row, and the question before ending one (the end itself is its confirmed POST).
    "rota:link_bed_edit": Expect(
        PUBLIC, kwargs=lambda w: {"token": _hospital_link(w)[0].token, "pk": _hospital_link(w)[1].pk}
    ),
    "rota:link_bed_end": Expect(
        PUBLIC, kwargs=lambda w: {"token": _hospital_link(w)[0].token, "pk": _hospital_link(w)[1].pk}
    ),
    # surveys: coordinators manage their center's, officials read every survey's results
    "surveys:index": Expect(only(ADM, CO, CO2, OFF, PRO)),
    "surveys:create": Expect(only(ADM, CO, CO2)),
    "surveys:from_template": Expect(only(ADM, CO, CO2)),
    "surveys:event_survey": Expect(own_center(), kwargs=lambda w: {"event_id": walker_bare_event(w).pk}),
    "surveys:detail": Expect({**own_center(), OFF: 200}, kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:results": Expect({**own_center(), OFF: 200}, kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:edit": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:audience": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:reminders": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:letters": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:letters_csv": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}, page=False),
    # A survey marked 公開: its aggregates for anyone, without login.
    "surveys:public_results": Expect(PUBLIC, kwargs=lambda w: {"pk": walker_public_survey(w).pk}),
    "surveys:vacancies": Expect(own_center(), kwargs=lambda w: {"pk": walker_vacancy_survey(w).pk}),
    "surveys:question_create": Expect(own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk}),
    "surveys:question_edit": Expect(
        own_center(), kwargs=lambda w: {"pk": walker_survey(w).pk, "qid": walker_question(w).pk}
    ),
    # by link, no login
    "surveys:answer": Expect(PUBLIC, kwargs=lambda w: {"token": walker_respondent(w).token}),
    "surveys:answer_link": Expect(PUBLIC, kwargs=lambda w: {"token": walker_link_survey(w).link_token}),
    # documents: public ones for everyone; editing by the owning center
    "documents:index": Expect(PUBLIC),
    "documents:create": Expect(only(ADM, CO, CO2)),
    "documents:detail": Expect(PUBLIC, kwargs=lambda w: {"pk": walker_document(w).pk}),
    "documents:edit": Expect(own_center(), kwargs=lambda w: {"pk": walker_document(w).pk}),
    "documents:add_version": Expect(own_center(), kwargs=lambda w: {"pk": walker_document(w).pk}),
    "documents:download": Expect(PUBLIC, kwargs=lambda w: {"pk": walker_document(w).pk}, page=False),
    "documents:version_download": Expect(
        PUBLIC, kwargs=lambda w: {"pk": walker_document(w).pk, "vid": walker_version(w).pk}, page=False
    ),
    "meetings:evaluation": Expect(only(ADM, CO, CO2, OFF)),
    "meetings:evaluation_targets": Expect(only(ADM, OFF)),
}


def _rota(w):
    """The C01 rota and its shift, made once per world (tests/rota/factories.py)."""
    if not hasattr(w, "rota"):
        from tests.rota.factories import rota_with_shift

        w.rota = rota_with_shift(w.cast)
    return w.rota


def _facility_feed(w):
    from rota.models import FacilityFeed

    return FacilityFeed.objects.get_or_create(facility=_rota(w)[1].facility)[0]


def _backup_bed(w):
    from tests.rota.factories import make_backup_bed, make_hospital

    return make_backup_bed(w.cast.center1, make_hospital("ウォーカー後方支援病院"))


def _hospital_link(w):
    """A backup hospital's update link and one of its beds (its own backup-bed page)."""
    if not hasattr(w, "hospital_link"):
        from resources.models import UpdateLink

        bed = _backup_bed(w)
        w.hospital_link = (UpdateLink.objects.create(facility=bed.facility, contact="連携室"), bed)
    return w.hospital_link


@pytest.mark.parametrize(
    "name",
    [
        ("training:check_in", lambda w: {"pk": w.event.pk, "rid": w.registration.pk}),
        ("training:cancel", lambda w: {"pk": w.event.pk, "rid": w.registration.pk}),
        ("training:promotion_told", lambda w: {"pk": w.event.pk, "rid": w.registration.pk}),
        ("training:add_task", lambda w: {"pk": w.event.pk}),
        ("training:apply_template", lambda w: {"pk": w.event.pk}),
        ("training:toggle_task", lambda w: {"pk": w.event.pk, "tid": w.task.pk}),
        ("meetings:issue_status", lambda w: {"pk": w.issue.pk}),
        ("meetings:issue_status_undo", lambda w: {"pk": w.issue.pk}),
    ],
    ids=lambda p: p[0] if isinstance(p, tuple) else p,
)
def test_posts_to_another_centers_event_or_issue_answer_404(name, cast, client_for):
    w = world(cast)
    url_name, kwargs = name
    url = reverse(url_name, kwargs=kwargs(w))
    got = {role: client_for(role).post(url, {}).status_code for role in ROLES}
    # Officials change the city's own 課題 only: a center's is not theirs to change (404).
    official = 404 if url_name.startswith("meetings:issue_status") else 403
    # A cancellation posted without its confirmation shows the page that asks first.
    done = 200 if url_name == "training:cancel" else 302
    assert got == {A: 302, ADM: done, CO: done, CO2: 404, PRO: 403, OFF: official}


@pytest.mark.parametrize(
    "name",
    [
        "consultations:add_coordination",
        "consultations:add_consent",
        "consultations:add_provision",
    ],
)
def test_posts_to_another_centers_consultation_answer_404(name, cast, client_for):
    w = world(cast)
    url = reverse(name, kwargs={"pk": w.consultation.pk})
    got = {role: client_for(role).post(url, {}).status_code for role in ROLES}
    # The center's own staff get the page again with the errors beside what they typed.
    assert got == {A: 302, ADM: 200, CO: 200, CO2: 404, PRO: 403, OFF: 403}


def test_deleting_a_coordination_row_only_by_its_centers_staff(cast, client_for):
    from consultations.models import Coordination

    w = world(cast)
    url = reverse(
        "consultations:delete_coordination", kwargs={"pk": w.consultation.pk, "cid": w.coordination.pk}
    )
    confirmed = {"confirm": "1"}
    got = {role: client_for(role).post(url, confirmed).status_code for role in (A, CO2, PRO, OFF)}
    assert got == {A: 302, CO2: 404, PRO: 403, OFF: 403}
    assert Coordination.objects.filter(pk=w.coordination.pk).exists()
    # Without the confirmation step's `confirm`, a POST only asks.
    assert client_for(CO).post(url, {}).status_code == 200
    assert Coordination.objects.filter(pk=w.coordination.pk).exists()
    assert client_for(CO).post(url, confirmed).status_code == 302
    assert not Coordination.objects.filter(pk=w.coordination.pk).exists()


def test_follow_up_done_only_by_its_centers_staff(cast, client_for):
    import datetime

    from consultations.models import Consultation

    w = world(cast)
    Consultation.objects.filter(pk=w.consultation.pk).update(follow_up_on=datetime.date(2026, 1, 6))
    url = reverse("consultations:follow_up_done", kwargs={"pk": w.consultation.pk})
    got = {role: client_for(role).post(url, {}).status_code for role in (A, CO2, PRO, OFF)}
    assert got == {A: 302, CO2: 404, PRO: 403, OFF: 403}
    assert Consultation.objects.get(pk=w.consultation.pk).follow_up_on == datetime.date(2026, 1, 6)
    assert client_for(CO).post(url, {}).status_code == 302
    assert Consultation.objects.get(pk=w.consultation.pk).follow_up_on is None


def iter_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from iter_patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_pattern_has_an_expectation():
    missing = sorted(set(iter_patterns()) - set(EXPECTED))
    assert not missing, f"URL names without an access expectation: {missing}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_status_for_every_role(name, cast, client_for):
    w = world(cast)
    expect = EXPECTED[name]
    url = reverse(name, kwargs=expect.kwargs(w)) + expect.query
    got = {}
    for role in ROLES:
        response = client_for(role).get(url)
        got[role] = response.status_code
        if response.status_code == 302 and role == A:
            assert "/accounts/login/" in response["Location"], (name, response["Location"])
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            # The UI is Japanese: no English placeholder leaks from an untranslated Django string.
            assert b"Select an option" not in response.content, (name, role)
    assert got == expect.statuses


def test_admin_site_only_for_admins(client_for):
    got = {role: client_for(role).get("/admin/").status_code for role in ROLES}
    assert got == {A: 302, ADM: 200, CO: 302, CO2: 302, PRO: 302, OFF: 302}
