"""QR codes for the phone: the public questionnaire URL and its PNG, made in memory.

The URL format is shared with the server's posters (``server.domain.posters``):
``{base}/q/{slug}?e={estate_id}&h={household_id}``; ``e`` and ``h`` are optional. The server
checks both exist (and that the household is in the estate), shows the estate's name on the
form, and attributes the answer to them.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def questionnaire_url(
    base_url: str, slug: str, estate_id: str | None = None, household_id: str | None = None
) -> str:
    """The public form's URL for a questionnaire, attributed to an estate and/or household."""
    query = {k: v for k, v in (("e", estate_id), ("h", household_id)) if v}
    return f"{base_url.rstrip('/')}/q/{slug}" + (f"?{urlencode(query)}" if query else "")


def qr_png(data: str, *, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG (black on white) of the QR code holding ``data``; ``border`` is in modules
    (4 is the quiet zone scanners expect)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(out)
    return out.getvalue()


def qr_png_base64(data: str, **kwargs) -> str:
    """``qr_png`` as base64 text, for controls that take an image as a string."""
    return base64.b64encode(qr_png(data, **kwargs)).decode("ascii")


__all__ = ["qr_png", "qr_png_base64", "questionnaire_url"]
