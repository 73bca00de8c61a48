"""Past consultation logs: upload → preview → confirm, through the shared batch flow
(coordination.batch_views). Admins only."""

from django.contrib import messages
from django.shortcuts import redirect

from consultations.models import ConsultationImport
from coordination.batch_views import BatchFlow, start

# The checkbox the batch page shows when the same file was imported before.
ALLOW_DUPLICATE = "allow_duplicate"


class ConsultationImportFlow(BatchFlow):
    model = ConsultationImport
    namespace = "consultations"
    name = "import"
    upload_template = "consultations/import.html"
    detail_template = "consultations/import_detail.html"
    rejected_file = "errors.csv"

    def detail_context(self, request, batch):
        warning = batch.duplicate_warning if batch.status == batch.Status.READY else ""
        return {**super().detail_context(request, batch), "duplicate_warning": warning}

    def confirm_view(self, request, pk):
        # Checked here and not only by the page: a second import of the same file would register
        # every consultation twice, so it needs the admin's explicit consent.
        batch = self.batch(request, pk)
        warning = batch.duplicate_warning
        if warning and not request.POST.get(ALLOW_DUPLICATE):
            messages.error(
                request, f"{warning}取り込む場合は「二重になることを承知で取り込む」にチェックしてください。"
            )
            return redirect(self.detail_url, pk=batch.pk)
        return start(request, batch, self.detail_url, "confirm", allow_duplicate=bool(warning))


flow = ConsultationImportFlow()
