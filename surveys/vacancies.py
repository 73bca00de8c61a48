"""The 空床状況調査's answers become change requests of the directory's 空床 entries
(resources.ChangeRequest, the queue the facilities' update links fill).

A coordinator reads each facility's answer beside the entry the directory has and turns them into
change requests, all at once or one facility at a time (`request_changes`); approving one in the
change-request list writes the 空床 (resources.updates.approve, the one place that does), with
the facility's history. The proposed entry is dated with the 時点 the facility answered (「いつ時点
の空き状況ですか」; the day it answered when that is missing or later), and an answer older than
the entry the directory has is not proposed, so an old answer never overwrites a newer number."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from coordination.security import UPDATE, audit
from resources.models import ChangeRequest, Facility, Vacancy
from resources.updates import VACANCY_PREFIX, bed_services
from surveys import presets
from surveys.models import Survey

BEDS_KEY = "vacant_beds"
AS_OF_KEY = "as_of"


@dataclass
class Row:
    respondent: object
    facility: object
    service: object  # the FacilityKind the 空床 is kept for, or None
    beds: int | None
    on: datetime.date | None
    current: object  # the Vacancy the directory has, or None
    requested: bool = False  # a pending change request already proposes this answer

    @property
    def key(self):
        return f"{VACANCY_PREFIX}{self.service.pk}"

    @property
    def proposed(self):
        return [self.beds, self.on.isoformat()]

    @property
    def status(self):
        if self.facility is None:
            return "施設が名簿にありません"
        if self.service is None:
            return "空床を登録する種別ではありません"
        if self.beds is None:
            return "空床数の回答がありません"
        if self.current and (self.current.beds, self.current.stated_on) == (self.beds, self.on):
            return "反映済み"
        if self.current and self.current.stated_on > self.on:
            return "名簿の方が新しい"
        if self.requested:
            return "変更申請中"
        return "未申請"

    @property
    def can_apply(self):
        return self.status == "未申請"


def _service(facility):
    services = bed_services(facility)
    preferred = presets.TEMPLATES[Survey.Template.VACANCY]["kinds"]
    return next((s for s in services if s.code in preferred), services[0] if services else None)


def _date(value, answered_at):
    answered_on = timezone.localdate(answered_at) if answered_at else timezone.localdate()
    try:
        on = datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        on = None
    return min(on, answered_on) if on else answered_on


def rows(survey, respondent_ids=None):
    """A Row per facility that answered. Five queries whatever the number of facilities."""
    respondents = (
        survey.respondents.answered()
        .filter(facility__isnull=False)
        .select_related("facility__kind", "facility__area__parent")
        .prefetch_related(
            "facility__services",
            Prefetch("facility__vacancies", queryset=Vacancy.objects.select_related("service")),
            Prefetch("answers", to_attr="given"),
        )
        .order_by("label", "pk")
    )
    if respondent_ids is not None:
        respondents = respondents.filter(pk__in=respondent_ids)
    keys = dict(survey.questions.filter(key__in=[BEDS_KEY, AS_OF_KEY]).values_list("pk", "key"))
    respondents = list(respondents)
    pending = {}
    for facility_id, proposed in ChangeRequest.objects.filter(
        facility__in=[r.facility_id for r in respondents], status=ChangeRequest.Status.PENDING
    ).values_list("facility_id", "proposed"):
        pending.setdefault(facility_id, []).append(proposed)
    out = []
    for r in respondents:
        values = {keys[a.question_id]: a.value for a in r.given if a.question_id in keys}
        beds = values.get(BEDS_KEY)
        beds = int(beds) if isinstance(beds, (int, float)) and beds >= 0 else None
        service = _service(r.facility)
        current = next(
            (v for v in r.facility.vacancies.all() if service and v.service_id == service.pk), None
        )
        row = Row(r, r.facility, service, beds, _date(values.get(AS_OF_KEY), r.updated_at), current)
        if service is not None and beds is not None:
            row.requested = any(p.get(row.key) == row.proposed for p in pending.get(r.facility_id, []))
        out.append(row)
    return out


def request_changes(request, survey, respondent_ids=None):
    """Turns the answers of the chosen respondents (all when None) that are 未申請 into change
    requests of the facilities' 空床, for a coordinator to approve in the change-request list.
    Returns the number of requests made."""
    with transaction.atomic():
        candidates = [row for row in rows(survey, respondent_ids) if row.can_apply]
        # The facilities are locked, then their rows read again: an answer requested by someone
        # else in the meantime is not requested twice.
        list(Facility.objects.select_for_update().filter(pk__in=[row.facility.pk for row in candidates]))
        todo = [row for row in rows(survey, [row.respondent.pk for row in candidates]) if row.can_apply]
        for row in todo:
            current = row.current
            ChangeRequest.objects.create(
                facility=row.facility,
                submitted_at=row.respondent.updated_at or timezone.now(),
                submitted_by=row.respondent.label or row.facility.name,
                before={row.key: [current.beds, current.stated_on.isoformat()] if current else [None, ""]},
                proposed={row.key: row.proposed},
                message=f"空床状況調査「{survey.title}」の回答（{row.on:%Y-%m-%d}時点）",
            )
        if todo:
            audit(
                request,
                UPDATE,
                survey,
                detail="空床状況調査の回答を変更申請に: "
                + "、".join(f"{r.facility.name} {r.beds}床" for r in todo),
            )
    return len(todo)
