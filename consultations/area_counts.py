"""Consultations per area for a 年度, offered to the directory's 「地域の見える化」 page through
coordination.area_counts (the directory may not import the consultation log)."""

from django.db.models import Count, IntegerField, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce

from consultations.models import Consultation
from coordination import dates
from coordination.models import Center


def consultations_per_area(fiscal_year, center_ids=None):
    """{area id: consultations received in the 年度}, in one GROUP BY query. A consultation
    belongs to its client's area; one without it to its center's area when the center covers a
    single area (a center covering several cannot say which)."""
    first, after = dates.day_bounds(*dates.fiscal_year_range(fiscal_year))
    single_area = (
        Center.areas.through.objects.filter(center_id=OuterRef("center_id"))
        .order_by()
        .values("center_id")
        .annotate(n=Count("area_id"), area=Min("area_id"))
        .filter(n=1)
        .values("area")
    )
    queryset = Consultation.objects.filter(received_at__gte=first, received_at__lt=after)
    if center_ids is not None:
        queryset = queryset.filter(center_id__in=center_ids)
    rows = (
        queryset.annotate(
            place=Coalesce("client_area_id", Subquery(single_area, output_field=IntegerField()))
        )
        .order_by()
        .values("place")
        .annotate(n=Count("pk"))
        .values_list("place", "n")
    )
    return {place: n for place, n in rows if place is not None}
