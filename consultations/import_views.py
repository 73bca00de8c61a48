"""Past consultation logs: upload → preview → confirm, through the shared batch flow
(coordination.batch_views). Admins only."""

from consultations.models import ConsultationImport
from coordination.batch_views import BatchFlow


class ConsultationImportFlow(BatchFlow):
    model = ConsultationImport
    namespace = "consultations"
    name = "import"
    upload_template = "consultations/import.html"
    detail_template = "consultations/import_detail.html"
    rejected_file = "errors.csv"


flow = ConsultationImportFlow()
