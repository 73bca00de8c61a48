"""The directory's facility files (admins): upload → (background) preview → confirm →
(background) import through the shared batch flow (coordination.batch_views), plus the column
mapping of a city's own sheet."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.views.decorators.http import require_POST

from coordination.access import role_required
from coordination.batch_views import BatchFlow, start, upload
from coordination.models import Role
from coordination.security import UPDATE, audit
from resources import imports
from resources.forms import ColumnMappingForm, ImportUploadForm
from resources.importing import FLAG_MANY_MISSING, NEEDS_MAPPING_PHASE, NOTHING_IN_SCOPE_PHASE
from resources.models import ColumnMapping, Facility, FacilityImport
from resources.places import BUREAU, PREFECTURE_NAME, Scope

# A failed preview that is no failure of the file's reading, named as the batch page names it.
STATE_LABELS = {NEEDS_MAPPING_PHASE: "列の対応づけ待ち", NOTHING_IN_SCOPE_PHASE: "対象地域の行なし"}


def state_label(batch):
    """The batch's state as the history and its page both say it."""
    if batch.status == FacilityImport.Status.FAILED and batch.phase in STATE_LABELS:
        return STATE_LABELS[batch.phase]
    return batch.get_status_display()


def mapping_form(batch, data=None):
    """The column mapping of a city's sheet, each column with an example value from the file."""
    form = ColumnMappingForm(data, header=batch.result.get("header", []))
    for index, sample in enumerate(batch.result.get("column_samples") or []):
        field = form.fields.get(f"column_{index}")
        if field is not None and sample:
            field.help_text = escape(f"例: {sample}")  # the form's template does not escape it
    return form


def bureaus(scope):
    """「九州厚生局の福岡県」: where the directory's 届出受理医療機関名簿 is published."""
    return "、".join(f"{BUREAU[p]}の{PREFECTURE_NAME[p]}" for p in scope.prefecture_codes() if p in BUREAU)


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
            # A file that is no table of facilities is refused here, with what was expected,
            # rather than becoming a batch that waits for a mapping it can never have.
            file = form.cleaned_data["file"]
            refusal = imports.upload_refusal(file.read(), file.name)
            file.seek(0)
            if refusal:
                form.add_error("file", refusal)
            else:
                response = upload(
                    request, FacilityImport, self.detail_url, area_codes=form.cleaned_data["area_codes"]
                )
                if response:
                    return response
        batches = (
            FacilityImport.objects.select_related("user")
            .defer("content", "result")
            .annotate(result_format=KT("result__format_label"))
        )
        page = Paginator(batches, 20).get_page(request.GET.get("page"))
        for batch in page.object_list:
            batch.state_label = state_label(batch)
        scope = Scope.for_directory()
        return render(
            request,
            self.upload_template,
            {
                "form": form,
                "history": page.object_list,
                "page_obj": page,
                "scope": scope.describe(),
                "bureaus": bureaus(scope),
            },
        )

    def confirm_view(self, request, pk):
        """The confirm; for a file that would flag very many facilities as gone, with the admin's
        word that it is complete (else none of them is flagged)."""
        batch = self.batch(request, pk)
        fields = {}
        if request.POST.get(FLAG_MANY_MISSING) and batch.result.get("missing_held"):
            fields["result"] = {**batch.result, FLAG_MANY_MISSING: True}
        return start(request, batch, self.detail_url, "confirm", **fields)

    def detail_context(self, request, batch):
        context = {"batch": batch, "result": batch.result, "state_label": state_label(batch)}
        if batch.status == FacilityImport.Status.DONE:
            changes = batch.changes.select_related("facility__kind").order_by("pk")
            page = Paginator(changes, 50).get_page(request.GET.get("page"))
            ids = [pk for group in batch.duplicates for pk in group]
            facilities = Facility.objects.select_related("kind").in_bulk(ids)
            groups = [[facilities[pk] for pk in group if pk in facilities] for group in batch.duplicates]
            context.update(page_obj=page, changes=page.object_list, groups=[g for g in groups if len(g) > 1])
        if batch.result.get("needs_mapping"):
            context["mapping_form"] = mapping_form(batch)
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
    form = mapping_form(batch, request.POST)
    if not batch.result.get("needs_mapping") or batch.status != FacilityImport.Status.FAILED:
        raise Http404
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return render(
            request,
            flow.detail_template,
            {"batch": batch, "result": batch.result, "mapping_form": form, "state_label": state_label(batch)},
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
