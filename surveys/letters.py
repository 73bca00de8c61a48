"""The request to answer, for respondents without the portal's email: a CSV for mail merge and a
printable sheet per facility with its own answer link as text and as a QR code. The same columns
as the directory's update-link letters (resources), with the survey's link instead."""

from django.utils import timezone

from coordination.exports import csv_response
from coordination.models import AuditEvent
from coordination.qr import qr_svg
from coordination.security import audit
from surveys.models import Respondent

CSV_HEADER = ["施設名", "区分", "地域", "住所", "FAX", "メールアドレス", "回答URL", "回答期限", "状態"]


def answer_url(request, respondent):
    return request.build_absolute_uri(respondent.get_answer_url())


def respondents(survey, *, pending=False, respondent_id=None):
    """The respondents a letter goes to (facilities and professionals: an open-link survey has
    none), with what the letter says of them, in one query."""
    found = survey.respondents.exclude(kind=Respondent.Kind.LINK).select_related("facility__area", "user")
    if pending:
        found = found.pending()
    if respondent_id is not None:
        found = found.filter(pk=respondent_id)
    return list(found.order_by("group", "label", "pk"))


def fax(respondent):
    f = respondent.facility
    return (f.contact_fax or f.fax) if f else ""


def email(respondent):
    if respondent.facility_id and respondent.facility:
        return respondent.facility.contact_email
    return respondent.user.email if respondent.user_id and respondent.user else ""


def csv_download(request, survey, found):
    closes = f"{timezone.localtime(survey.closes_at):%Y-%m-%d %H:%M}"
    rows = [
        [
            r.label,
            r.group,
            r.facility.area.name if r.facility and r.facility.area_id else "",
            r.facility.address if r.facility else "",
            fax(r),
            email(r),
            answer_url(request, r),
            closes,
            "回答済み" if r.submitted_at else "未回答",
        ]
        for r in found
    ]
    # Each row carries a respondent's own link: who took them is kept.
    audit(request, AuditEvent.Action.EXPORT, survey, f"依頼状のCSV（回答用リンク {len(rows)}件）")
    return csv_response(
        f"{survey.title}_依頼先.csv", CSV_HEADER, rows, fallback=f"survey-{survey.pk}-letters.csv"
    )


def sheets(request, survey, found):
    """One printed sheet per respondent: its link as text and as a QR code (audited as the CSV)."""
    out = []
    for r in found:
        url = answer_url(request, r)
        out.append(
            {"respondent": r, "url": url, "qr": qr_svg(url, title="回答用リンクのQRコード"), "fax": fax(r)}
        )
    audit(request, AuditEvent.Action.EXPORT, survey, f"依頼状の印刷（回答用リンク {len(out)}件）")
    return out
