"""One object of each kind, owned by center C01 where ownership applies, for the URL walker
and the access tests. Each app adds its objects here as it lands."""

from types import SimpleNamespace


def world(cast):
    from tests.resources.factories import make_facility

    facility = make_facility("ウォーカー医院", area=cast.ward1, windows=[(0, (13, 0), (14, 0))])
    from tests.consultations.factories import make_consultation

    consultation = make_consultation(cast.center1)
    from tests.consultations.factories import coordinate

    coordination = coordinate(consultation, facility, "accepted")
    from resources.models import FacilityImport

    facility_import = FacilityImport.objects.create(
        user=cast.admin,
        file_name="walker.csv",
        status="done",
        rejected=1,
        result={
            "rejected_header": ["行", "名称", "取り込めなかった理由"],
            "rejected": [[2, "", "名称がありません。"]],
        },
    )
    from consultations.models import ConsultationImport

    consultation_import = ConsultationImport.objects.create(
        user=cast.admin, file_name="walker.csv", status="failed", errors=1, content=b"x"
    )
    from meetings.models import Series, Solution
    from tests.meetings.factories import make_issue, make_meeting, org
    from tests.training.factories import make_event, make_survey
    from training.models import Registration, Task

    event = make_event(cast.center1)
    survey = make_survey(event, opens=(2020, 1, 1, 0, 0), closes=(2099, 1, 1, 0, 0))
    registration = Registration.objects.create(
        event=event, name="山田 花子", organisation="○○病院", profession=cast.nurse
    )
    task = Task.objects.create(event=event, phase="before", text="会場予約")
    pharmacy = org("薬剤師会", "薬")
    meeting = make_meeting(cast.center1, organisations=[pharmacy])
    issue = make_issue(cast.center1, organisation=pharmacy, raised_at_meeting=meeting)
    solution = Solution.objects.create(center=cast.center1, title="同行訪問研修")
    solution.issues.set([issue])
    from meetings.models import MeetingKind

    series = Series.objects.create(center=cast.center1, name="地域コア会議", kind=MeetingKind.objects.first())
    return SimpleNamespace(
        cast=cast,
        facility=facility,
        consultation=consultation,
        coordination=coordination,
        facility_import=facility_import,
        consultation_import=consultation_import,
        event=event,
        survey=survey,
        registration=registration,
        task=task,
        organisation=pharmacy,
        meeting=meeting,
        issue=issue,
        solution=solution,
        series=series,
    )
