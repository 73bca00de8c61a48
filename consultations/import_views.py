"""Past consultation logs: upload → preview → confirm, through the shared batch flow
(coordination.batch_views). Admins (the rows' センター column, or a center they choose) and
coordinators (their own center's log; another center's upload answers 404)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from consultations.models import AccessLog, Consultation, ConsultationImport, attach_topics
from coordination.batch_views import BatchFlow, UploadRefused, start
from coordination.models import Center, Role

# The checkbox the batch page shows when the same file was imported before.
ALLOW_DUPLICATE = "allow_duplicate"


class CenterBatches:
    """A center's uploads are its own: a coordinator uploads its own center's rows and sees its
    own center's uploads only (an admin's upload by the センター column may hold every center's
    rows, so it is the admin's alone)."""

    def batches(self, request):
        user = request.user
        batches = self.model.objects.select_related("user", "center")
        if user.role == Role.ADMIN:
            return batches
        if user.center_id:
            return batches.filter(center_id=user.center_id)
        return batches.none()

    def upload_fields(self, request):
        """A coordinator uploads its own center's rows only (and without a center, nothing)."""
        user = request.user
        if user.role != Role.COORDINATOR:
            return {"center": None}
        if not user.center_id:
            raise Http404
        return {"center": user.center}


class ConsultationImportFlow(CenterBatches, BatchFlow):
    model = ConsultationImport
    namespace = "consultations"
    name = "import"
    upload_template = "consultations/import.html"
    detail_template = "consultations/import_detail.html"
    rejected_file = "errors.csv"
    roles = (Role.ADMIN, Role.COORDINATOR)

    def upload_fields(self, request):
        """The coordinator's own center; for an admin the center chosen on the page, or None for
        the file's センター column."""
        fields = super().upload_fields(request)
        code = request.POST.get("center", "") if request.user.role == Role.ADMIN else ""
        if code:
            fields["center"] = Center.objects.filter(code=code).first()
            if fields["center"] is None:
                raise UploadRefused("取り込む先のセンターを選び直してください。")
        return fields

    def upload_context(self, request):
        return {
            **super().upload_context(request),
            "centers": Center.objects.all() if request.user.role == Role.ADMIN else [],
        }

    def detail_context(self, request, batch):
        warning = batch.duplicate_warning if batch.status == batch.Status.READY else ""
        return {**super().detail_context(request, batch), "duplicate_warning": warning}

    def confirm_view(self, request, pk):
        # Checked here and not only by the page: a second import of the same file would register
        # every consultation twice, so it needs the explicit consent of whoever imports.
        batch = self.batch(request, pk)
        warning = batch.duplicate_warning
        if warning and not request.POST.get(ALLOW_DUPLICATE):
            messages.error(
                request, f"{warning}取り込む場合は「二重になることを承知で取り込む」にチェックしてください。"
            )
            return redirect(self.detail_url, pk=batch.pk)
        return start(request, batch, self.detail_url, "confirm", allow_duplicate=bool(warning))

    def records_view(self, request, pk):
        """The consultations an import made (those the user may see), linked to their pages."""
        batch = self.batch(request, pk)
        records = Consultation.objects.for_user(request.user).for_list().filter(import_batch=batch)
        page = Paginator(records, RECORDS_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = attach_topics(list(page.object_list))
        AccessLog.log_list(request, page.object_list)
        return render(request, "consultations/import_records.html", {"batch": batch, "page_obj": page})

    def urls(self, prefix):
        return [
            *super().urls(prefix),
            path(f"{prefix}<int:pk>/records/", self.access(self.records_view), name=f"{self.name}_records"),
        ]


RECORDS_PAGE_SIZE = 100
flow = ConsultationImportFlow()
