"""The document library (様式・手引き・ルール): documents with dated versions. A link to a document
gives its current version (the latest one in effect); earlier versions stay listed.

Files go through Django's storage API (local files by default, STORAGES["default"]); they are
checked for type and size on upload (documents/files.py) and served by the portal, which checks
who may read them, never by a public media URL."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from coordination.models import Center, CenterOrCity, CenterOwnedQuerySet
from surveys.models import Survey


class DocumentQuerySet(CenterOwnedQuerySet):
    """Edited by admins and the owning center's coordinators (for_user, inherited)."""

    def visible_to(self, user):
        """Public documents for everyone; professionals-only ones for signed-in users."""
        if user.is_authenticated and user.is_active:
            return self
        return self.filter(visibility=Document.Visibility.PUBLIC)


class Document(CenterOrCity, models.Model):
    class Category(models.TextChoices):
        RULE = "rule", "入退院支援ルール"
        GUIDE = "guide", "手引き"
        PATHWAY = "pathway", "連携パス"
        SHEET = "sheet", "情報共有シート・様式"
        REQUEST = "request", "依頼書"
        LEAFLET = "leaflet", "リーフレット"
        MANUAL = "manual", "実務者マニュアル"
        OTHER = "other", "その他"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "どなたでも"
        PROFESSIONALS = "professionals", "専門職・職員のみ（ログインが必要）"

    title = models.CharField("名称", max_length=200)
    category = models.CharField("分類", max_length=20, choices=Category, default=Category.SHEET)
    visibility = models.CharField("公開範囲", max_length=20, choices=Visibility, default=Visibility.PUBLIC)
    center = models.ForeignKey(
        Center,
        verbose_name="作成したセンター",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="空欄は市の文書",
    )
    description = models.TextField("説明", blank=True)
    monitored_by = models.ForeignKey(
        Survey,
        verbose_name="このルールを検証する調査",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text="入退院支援ルールなら、その年の入退院連絡調査（文書の画面に最新の連絡率を表示します）",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "文書"
        ordering = ["category", "title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    def current_version(self, today=None):
        """The latest version already in effect; before the first takes effect, the latest one."""
        today = today or timezone.localdate()
        versions = self.versions.all()
        return (
            versions.filter(effective_from__lte=today).order_by("-effective_from", "-pk").first()
            or versions.order_by("-effective_from", "-pk").first()
        )


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField("版", max_length=50, help_text="例: 第3版、令和8年4月改訂")
    effective_from = models.DateField("施行日・適用日")
    file = models.FileField("ファイル", upload_to="documents/%Y/%m/", max_length=300)
    file_name = models.CharField("元のファイル名", max_length=200)
    file_type = models.CharField("形式", max_length=10)
    size = models.PositiveIntegerField("サイズ（バイト）")
    note = models.CharField("改訂の内容", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文書の版"
        ordering = ["-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "label"], name="document_version_label_unique"),
        ]

    def __str__(self):
        return f"{self.document} {self.label}"
