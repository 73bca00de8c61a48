"""QR codes of links people type or scan from paper: the update-link letters, the survey request
sheets, the second-factor set-up. One drawing (segno, SVG: no script, no style attribute)."""

import base64
import io


def qr_svg(text, title="", scale=4):
    """The QR code of `text` as inline SVG markup; `title` is what a screen reader says of it."""
    import segno  # noqa: PLC0415 — QR drawing, loaded only where a code is drawn

    out = io.BytesIO()
    options = {"title": title} if title else {}
    segno.make(text, error="m").save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, **options
    )
    return out.getvalue().decode()


def qr_data_uri(text, scale=5):
    """The same as a data: address, for an <img> (the second-factor set-up page)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text, scale=scale).encode()).decode()
