"""Uploaded files: the types the library takes, recognised by their content as well as their name
(their download is named by coordination.exports.content_disposition, as every download)."""

import io
import zipfile

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
