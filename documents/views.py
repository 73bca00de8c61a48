from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from coordination import publishing
from coordination.access import CENTER_WRITERS, get_for_user, role_required
from coordination.exports import content_disposition
from coordination.forms import as_stored, post_data
from documents import files, services
from documents.forms import DocumentForm, VersionForm
from documents.models import Document
from surveys.results import latest_rates

MANAGERS = CENTER_WRITERS
PAGE_SIZE = 30


def _readable(request, pk):
    """A document for a reader: a professionals-only one sends an anonymous visitor to log in."""
    document = get_object_or_404(Document.objects.select_related("center", "monitored_by"), pk=pk)
    if document not in Document.objects.visible_to(request.user).filter(pk=pk):
        return None, redirect_to_login(request.get_full_path())
    return document, None


def index(request):
    documents = Document.objects.visible_to(request.user).select_related("center")
    category = request.GET.get("category", "")
    if category in Document.Category.values:
        documents = documents.filter(category=category)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/index.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "categories": Document.Category.choices,
            "category": category,
            "can_manage": request.user.is_authenticated and request.user.role in MANAGERS,
        },
    )


def detail(request, pk):
    document, refusal = _readable(request, pk)
    if refusal:
        return refusal
    versions = list(document.versions.select_related("uploaded_by"))
    current = document.current_version()
    rates = None
    if document.monitored_by and document.monitored_by.series_key:
        rates = latest_rates(document.monitored_by.series_key)
    can_manage = Document.objects.for_user(request.user).filter(pk=pk).exists()
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "versions": versions,
            "current": current,
            "rates": rates,
            "threshold": publishing.threshold(),
            "can_manage": can_manage,
        },
    )


@role_required(*MANAGERS)
def edit(request, pk=None):
    document = get_for_user(Document.objects, request.user, pk=pk) if pk else None
    stored = as_stored(document)
    form = DocumentForm(post_data(request), instance=document, user=request.user)
    if request.method == "POST" and form.is_valid():
        document = services.save_document(request, form)
        messages.success(
            request, "文書を保存しました。" + ("" if pk else "続けてファイル（版）を登録してください。")
        )
        return redirect("documents:add_version", pk=document.pk) if not pk else redirect(document)
    return render(request, "documents/form.html", {"form": form, "document": stored})


@role_required(*MANAGERS)
def add_version(request, pk):
    document = get_for_user(Document.objects, request.user, pk=pk)
    form = VersionForm(post_data(request), request.FILES or None, document=document)
    if request.method == "POST" and form.is_valid():
        services.add_version(request, form)
        messages.success(request, "新しい版を登録しました。")
        return redirect(document)
    return render(request, "documents/version_form.html", {"form": form, "document": document})


def download(request, pk, vid=None):
    """The file of the current version (or of the version asked for), with its own name."""
    document, refusal = _readable(request, pk)
    if refusal:
        return refusal
    version = document.versions.filter(pk=vid).first() if vid else document.current_version()
    if version is None:
        raise Http404
    content_type = files.TYPES.get(version.file_type, ("application/octet-stream",))[0]
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(version.file_name)
    response["Cache-Control"] = (
        "private, no-store" if document.visibility != Document.Visibility.PUBLIC else "no-cache"
    )
    return response
