"""Uploaded files: the types the library takes, recognised by their content as well as their name,
and a Content-Disposition that any browser reads safely."""

import io
import re
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError

# type → (content type, how the file starts, the folder an Office file must hold)
TYPES = {
    "pdf": ("application/pdf", b"%PDF-", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK", "ppt/"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n", None),
    "jpg": ("image/jpeg", b"\xff\xd8\xff", None),
}
ALIASES = {"jpeg": "jpg"}


def file_type(upload):
    """The checked type of an upload ('pdf', 'docx' …), or ValidationError in Japanese."""
    name = upload.name or ""
    ext = ALIASES.get(name.rsplit(".", 1)[-1].lower(), name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in TYPES:
        raise ValidationError(
            "登録できるのは PDF、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）、PNG、JPEG のファイルです。"
        )
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"ファイルが大きすぎます（上限 {limit // (1024 * 1024)}MB）。")
    if not upload.size:
        raise ValidationError("ファイルが空です。")
    _content_type, magic, folder = TYPES[ext]
    upload.seek(0)
    head = upload.read(len(magic))
    if head != magic:
        raise ValidationError(
            f"ファイルの中身が拡張子（.{ext}）と合いません。元のソフトで保存し直してください。"
        )
    if folder:
        upload.seek(0)
        try:
            names = zipfile.ZipFile(io.BytesIO(upload.read())).namelist()
        except zipfile.BadZipFile:
            raise ValidationError(f".{ext} のファイルとして読み込めません。") from None
        if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
            raise ValidationError(
                f"ファイルの中身が拡張子（.{ext}）と合いません。元のソフトで保存し直してください。"
            )
    upload.seek(0)
    return ext


def content_disposition(filename, inline=False):
    """RFC 6266 with an RFC 5987 filename* for the real (Japanese) name and a plain ASCII fallback:
    quotes, backslashes, line breaks and path parts cannot reach the header."""
    filename = re.sub(r"[\x00-\x1f\x7f\\/]", "_", filename or "file").strip() or "file"
    ext = filename.rsplit(".", 1)[-1] if "." in filename else ""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    if not re.search(r"[A-Za-z0-9]", fallback.rsplit(".", 1)[0]):
        fallback = f"document.{ext}" if ext else "document"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
