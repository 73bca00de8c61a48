"""The directory's facility files (admins): upload → (background) preview → confirm →
(background) import through the shared batch flow (coordination.batch_views), plus the column
mapping of a city's own sheet."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coordination.access import role_required
from coordination.batch_views import BatchFlow, upload
from coordination.models import Role
from coordination.security import UPDATE, audit
from resources.forms import ColumnMappingForm, ImportUploadForm
from resources.models import ColumnMapping, Facility, FacilityImport
from resources.places import Scope


class FacilityImportFlow(BatchFlow):
    model = FacilityImport
    namespace = "resources"
    name = "import"
    upload_template = "resources/import.html"
    detail_template = "resources/import_detail.html"
    rejected_file = "rejected.csv"

    def batches(self, request):
        return FacilityImport.objects.select_related("user").defer("content")

    def upload_view(self, request):
        """The upload names the areas to keep besides the file; the history below is paged."""
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            response = upload(
                request, FacilityImport, self.detail_url, area_codes=form.cleaned_data["area_codes"]
            )
            if response:
                return response
        history = Paginator(FacilityImport.objects.select_related("user").defer("content", "result"), 20)
        page = history.get_page(request.GET.get("page"))
        return render(
            request,
            self.upload_template,
            {
                "form": form,
                "history": page.object_list,
                "page_obj": page,
                "scope": Scope.for_directory().describe(),
            },
        )

    def detail_context(self, request, batch):
        context = {"batch": batch, "result": batch.result}
        if batch.status == FacilityImport.Status.DONE:
            changes = batch.changes.select_related("facility__kind").order_by("pk")
            page = Paginator(changes, 50).get_page(request.GET.get("page"))
            ids = [pk for group in batch.duplicates for pk in group]
            facilities = Facility.objects.select_related("kind").in_bulk(ids)
            groups = [[facilities[pk] for pk in group if pk in facilities] for group in batch.duplicates]
            context.update(page_obj=page, changes=page.object_list, groups=[g for g in groups if len(g) > 1])
        if batch.result.get("needs_mapping"):
            context["mapping_form"] = ColumnMappingForm(header=batch.result.get("header", []))
        return context

    def rejected_table(self, batch):
        rows = batch.result.get("rejected") or []
        if not rows:
            raise Http404
        return batch.result["rejected_header"], rows


flow = FacilityImportFlow()


@require_POST
@role_required(Role.ADMIN)
def import_mapping(request, pk):
    """A city's own sheet: each column → a field or 取り込まない; saved for its header so that next
    year's sheet maps itself, then the preview runs again with it."""
    batch = flow.batch(request, pk)
    header = batch.result.get("header", [])
    form = ColumnMappingForm(request.POST, header=header)
    if not batch.result.get("needs_mapping") or batch.status != FacilityImport.Status.FAILED:
        raise Http404
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return render(
            request,
            flow.detail_template,
            {"batch": batch, "result": batch.result, "mapping_form": form},
        )
    mapping = form.mapping()
    ColumnMapping.remember(header, mapping, request.user)
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    batch.failed_step = "preview"
    batch.request_retry()
    audit(request, UPDATE, batch, "列の対応づけ")
    messages.success(request, "列の対応を保存しました。この対応で読み込み直します。")
    return redirect(flow.detail_url, pk=batch.pk)
