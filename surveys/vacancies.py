"""The 空床状況調査's answers written into the directory's 空床 entries (resources.Vacancy).

A coordinator reads each facility's answer beside the entry the directory has and applies them,
all at once or one facility at a time (`apply`). The entry is dated with the 時点 the facility
answered (「いつ時点の空き状況ですか」; the day it answered when that is missing or later), and an
entry already dated later than the answer is left as it is, so an old answer never overwrites a
newer number. Each applied facility gets a history row (FacilityChange) and the whole an audit
entry, in one transaction."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from coordination.security import UPDATE, audit
from resources.models import Facility, FacilityChange, Vacancy
from resources.updates import bed_services
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
        return "未反映"

    @property
    def can_apply(self):
        return self.status == "未反映"


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
    """A Row per facility that answered. Four queries whatever the number of facilities."""
    respondents = (
        survey.respondents.answered()
        .filter(facility__isnull=False)
        .select_related("facility__kind")
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
    out = []
    for r in respondents:
        values = {keys[a.question_id]: a.value for a in r.given if a.question_id in keys}
        beds = values.get(BEDS_KEY)
        beds = int(beds) if isinstance(beds, (int, float)) and beds >= 0 else None
        service = _service(r.facility)
        current = next(
            (v for v in r.facility.vacancies.all() if service and v.service_id == service.pk), None
        )
        out.append(Row(r, r.facility, service, beds, _date(values.get(AS_OF_KEY), r.updated_at), current))
    return out


def apply(request, survey, respondent_ids=None):
    """Writes the answers of the chosen respondents (all when None) that are 未反映 into the
    facilities' 空床. Returns the number of facilities updated."""
    with transaction.atomic():
        candidates = [row for row in rows(survey, respondent_ids) if row.can_apply]
        # The facilities are locked, then their rows read again: an answer applied by someone else
        # in the meantime is not applied twice.
        list(Facility.objects.select_for_update().filter(pk__in=[row.facility.pk for row in candidates]))
        todo = [row for row in rows(survey, [row.respondent.pk for row in candidates]) if row.can_apply]
        user = request.user if request and request.user.is_authenticated else None
        for row in todo:
            Vacancy.objects.update_or_create(
                facility=row.facility, service=row.service, defaults={"beds": row.beds, "stated_on": row.on}
            )
        FacilityChange.objects.bulk_create(
            FacilityChange(
                facility=row.facility,
                user=user,
                action=FacilityChange.Action.UPDATE,
                fields=[f"空床（{row.service.name}）: 空床状況調査の回答（{row.on:%Y-%m-%d}時点）"],
            )
            for row in todo
        )
        if todo:
            audit(
                request,
                UPDATE,
                survey,
                detail="空床状況調査の回答を空床に反映: "
                + "、".join(f"{r.facility.name} {r.beds}床" for r in todo),
            )
    return len(todo)
