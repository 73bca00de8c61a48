"""Demo documents: the 入退院支援ルール (monitored by the 入退院連絡調査), a public guide and leaflet,
and professionals-only sheets, each with a small generated file."""

import datetime

from django.core.files.base import ContentFile

from coordination.models import Center
from documents.models import Document, DocumentVersion
from surveys.models import Survey

DOCUMENTS = [
    # title, category, visibility, description, versions [(label, effective, note)]
    (
        "入退院支援ルール",
        "rule",
        "public",
        "入院時・退院時に病院とケアマネジャーが連絡をとり合うための市内共通のルールです。",
        [
            ("第1版", datetime.date(2016, 10, 1), "運用開始"),
            ("第2版", datetime.date(2023, 4, 1), "退院連絡の時期を見直し"),
        ],
    ),
    (
        "入退院連絡の手引き",
        "guide",
        "public",
        "退院連絡が必要な患者の基準と、連絡の手順（フロー図）です。",
        [("令和5年度版", datetime.date(2023, 4, 1), "")],
    ),
    (
        "在宅医療と介護のリーフレット",
        "leaflet",
        "public",
        "市民向けの案内です。",
        [("初版", datetime.date(2024, 6, 1), "")],
    ),
    (
        "入院時情報提供書（様式）",
        "sheet",
        "professionals",
        "ケアマネジャーが入院時に病院へ渡す情報提供書の様式です。",
        [("第3版", datetime.date(2024, 4, 1), "")],
    ),
    (
        "退院支援 実務者マニュアル",
        "manual",
        "professionals",
        "病院の連携室とケアマネジャー向けの実務の手順です。",
        [("初版", datetime.date(2025, 4, 1), "")],
    ),
]


def _pdf(title):
    """A one-page PDF naming the document (ASCII text only: the demo needs no font)."""
    text = f"Demo document {abs(hash(title)) % 1000}"
    body = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def seed(stdout, **options):
    if Document.objects.exists():
        return
    center = Center.objects.order_by("sort_order", "code").first()
    monitor = Survey.objects.filter(series_key="admission-discharge").order_by("-fiscal_year").first()
    for title, category, visibility, description, versions in DOCUMENTS:
        document = Document.objects.create(
            title=title,
            category=category,
            visibility=visibility,
            description=description,
            center=None if visibility == "public" else center,
            monitored_by=monitor if category == "rule" else None,
        )
        for label, effective, note in versions:
            data = _pdf(f"{title} {label}")
            version = DocumentVersion(
                document=document,
                label=label,
                effective_from=effective,
                note=note,
                file_name=f"{title}（{label}）.pdf",
                file_type="pdf",
                size=len(data),
            )
            version.file.save(f"demo-{category}.pdf", ContentFile(data), save=False)
            version.save()
    stdout.write(f"documents: {len(DOCUMENTS)}件")
