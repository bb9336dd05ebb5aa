"""Printable QR posters: one A4 page per questionnaire and estate, as PNG and PDF.

Each poster has the questionnaire's title, the estate, a short instruction in Chinese, the QR
code of the form's URL, and that URL in text (for someone who cannot scan).

The QR URL format, shared with the phone (``services.qr.questionnaire_url``):
``{base}/q/{slug}?e={estate_id}&h={household_id}`` (``e`` and ``h`` optional); a poster for
the whole community names it instead: ``{base}/q/{slug}?c={community_id}``.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from server.domain.questionnaires import Place, Questionnaire

log = logging.getLogger(__name__)

#: Where a deployment says its public address (what residents' phones can reach).
PUBLIC_URL_ENV = "XIANGLIN_PUBLIC_URL"

_ASSET_FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSansSC-Subset.otf"
#: (path, index in a collection): the full system font first, the app's subset second.
FONT_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), 2),  # 2 = Simplified Chinese
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (_ASSET_FONT, 0),
)

INSTRUCTION = "请用手机扫码填写"
SUBLINE = "无需下载应用，无需登录，约一分钟"
FOOTER = "胡巷社区 · 巷邻长为您服务 · 信息仅用于社区服务"

#: A4 at 150 dpi.
A4_PX = (1240, 1754)


def questionnaire_url(
    base_url: str,
    slug: str,
    estate_id: str | None = None,
    household_id: str | None = None,
    community_id: str | None = None,
) -> str:
    """The public form's URL, as printed and as put in QR codes."""
    pairs = (("e", estate_id), ("h", household_id), ("c", community_id))
    query = {k: v for k, v in pairs if v}
    return f"{base_url.rstrip('/')}/q/{slug}" + (f"?{urlencode(query)}" if query else "")


def public_base_url(fallback: str) -> str:
    """``$XIANGLIN_PUBLIC_URL`` if set (the address residents can reach), else ``fallback``."""
    return (os.environ.get(PUBLIC_URL_ENV) or fallback).rstrip("/")


@dataclass(frozen=True)
class PosterSpec:
    title: str
    estate_name: str | None
    url: str
    filename: str

    @classmethod
    def for_questionnaire(
        cls,
        q: Questionnaire,
        base_url: str,
        place: Place | None,
        *,
        community_id: str | None = None,
    ) -> PosterSpec:
        """``community_id``: the community a poster without a place collects answers for."""
        url = questionnaire_url(
            base_url, q.slug, place.estate_id if place else None, community_id=community_id
        )
        suffix = place.estate_id[:8] if place else "all"
        return cls(
            title=q.title.get("zh") or q.slug,
            estate_name=place.estate_name if place else None,
            url=url,
            filename=f"{q.slug}-{suffix}",
        )


def qr_image(url: str, *, box_size: int = 10, border: int = 4) -> Image.Image:
    """The QR code of ``url`` (error correction M: survives some dirt on a printed poster)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path, index in FONT_CANDIDATES:
        if path.exists():
            return ImageFont.truetype(str(path), size, index=index)
    log.warning(
        "no CJK font found (tried %s); poster text falls back to PIL's default font",
        ", ".join(str(p) for p, _ in FONT_CANDIDATES),
    )
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (per character: CJK has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > width and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def render_png(spec: PosterSpec) -> bytes:
    """The poster as an A4 PNG (150 dpi)."""
    w, h = A4_PX
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    red, dark, grey = (200, 16, 46), (29, 29, 31), (90, 90, 90)
    margin = 90
    d.rectangle([0, 0, w, 150], fill=red)
    band = _font(44)
    d.text((w / 2, 75), "胡巷社区 · 无接触式扫码", font=band, fill="white", anchor="mm")

    y = 210
    title_font = _font(76)
    for line in _wrap(d, spec.title, title_font, w - 2 * margin)[:3]:
        d.text((w / 2, y), line, font=title_font, fill=dark, anchor="mt")
        y += 100
    if spec.estate_name:
        d.text((w / 2, y + 5), spec.estate_name, font=_font(48), fill=grey, anchor="mt")
        y += 75
    y += 30
    d.text((w / 2, y), INSTRUCTION, font=_font(60), fill=red, anchor="mt")
    y += 85
    d.text((w / 2, y), SUBLINE, font=_font(36), fill=grey, anchor="mt")
    y += 70

    qr = qr_image(spec.url, box_size=10, border=4)
    room = min(w - 2 * margin, h - y - 260)
    qr = qr.resize((room, room), Image.Resampling.NEAREST)
    img.paste(qr, ((w - room) // 2, y))
    y += room + 20

    url_font = _font(30)
    for line in _wrap(d, spec.url, url_font, w - 2 * margin)[:3]:
        d.text((w / 2, y), line, font=url_font, fill=dark, anchor="mt")
        y += 42
    d.text((w / 2, h - 60), FOOTER, font=_font(30), fill=grey, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG", dpi=(150, 150), optimize=True)
    return out.getvalue()


def render_pdf(spec: PosterSpec) -> bytes:
    """The poster as a one-page A4 PDF (text drawn with reportlab's built-in CJK font, so the
    PDF needs no font file; the QR is a sharp bitmap)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    cjk = "STSong-Light"
    if cjk not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(cjk))
    w, h = A4
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(f"{spec.title} 二维码")
    c.setFillColorRGB(200 / 255, 16 / 255, 46 / 255)
    c.rect(0, h - 25 * mm, w, 25 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(cjk, 20)
    c.drawCentredString(w / 2, h - 16 * mm, "胡巷社区 · 无接触式扫码")

    def lines(text: str, size: float, width: float) -> list[str]:
        out_lines, line = [], ""
        for ch in text:
            if pdfmetrics.stringWidth(line + ch, cjk, size) > width and line:
                out_lines.append(line)
                line = ch
            else:
                line += ch
        return out_lines + ([line] if line else [])

    y = h - 45 * mm
    c.setFillColorRGB(0.11, 0.11, 0.12)
    c.setFont(cjk, 34)
    for line in lines(spec.title, 34, w - 30 * mm)[:3]:
        c.drawCentredString(w / 2, y, line)
        y -= 15 * mm
    if spec.estate_name:
        c.setFont(cjk, 20)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        c.drawCentredString(w / 2, y, spec.estate_name)
        y -= 12 * mm
    c.setFillColorRGB(200 / 255, 16 / 255, 46 / 255)
    c.setFont(cjk, 26)
    c.drawCentredString(w / 2, y - 2 * mm, INSTRUCTION)
    y -= 11 * mm
    c.setFillColorRGB(0.35, 0.35, 0.35)
    c.setFont(cjk, 15)
    c.drawCentredString(w / 2, y - 2 * mm, SUBLINE)
    y -= 8 * mm

    size = min(w - 50 * mm, y - 45 * mm)
    qr = qr_image(spec.url, box_size=12, border=4)
    c.drawImage(ImageReader(qr), (w - size) / 2, y - size, size, size)
    y -= size + 8 * mm
    c.setFillColorRGB(0.11, 0.11, 0.12)
    c.setFont("Helvetica", 11)
    for line in _split_url(spec.url, 95):
        c.drawCentredString(w / 2, y, line)
        y -= 5 * mm
    c.setFillColorRGB(0.35, 0.35, 0.35)
    c.setFont(cjk, 12)
    c.drawCentredString(w / 2, 12 * mm, FOOTER)
    c.showPage()
    c.save()
    return out.getvalue()


def _split_url(url: str, width: int) -> list[str]:
    return [url[i : i + width] for i in range(0, len(url), width)] or [""]
