"""Past years' 月報 totals: upload → preview → confirm through the shared batch flow
(coordination.batch_views). Admins (any center's rows) and coordinators (their own center's;
another center's upload answers 404)."""

from consultations.import_views import CenterBatches
from consultations.models import PastTotalsImport
from coordination.batch_views import BatchFlow
from coordination.models import Role


class PastTotalsFlow(CenterBatches, BatchFlow):
    model = PastTotalsImport
    namespace = "consultations"
    name = "past_totals"
    upload_template = "consultations/past_totals.html"
    detail_template = "consultations/past_totals_detail.html"
    roles = (Role.ADMIN, Role.COORDINATOR)


flow = PastTotalsFlow()
