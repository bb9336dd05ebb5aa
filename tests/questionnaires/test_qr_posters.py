"""QR codes (phone and posters) decode to the form's URL; posters come out as A4 PNG + PDF."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
import zlib
from pathlib import Path

import flet as ft
import httpx
import zxingcpp
from PIL import Image

from components.qr_card import qr_card
from server.domain import posters
from server.domain.questionnaires import Place as DomainPlace
from server.domain.questionnaires import get_questionnaire
from services import qr

REPO = Path(__file__).resolve().parents[2]
BASE = "https://xl.example.cn"


def decode(png: bytes) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_phone_qr_decodes_to_the_questionnaire_url():
    url = qr.questionnaire_url(BASE + "/", "elderly-care", "e-id", "h-id")
    assert url == f"{BASE}/q/elderly-care?e=e-id&h=h-id"
    assert decode(qr.qr_png(url)) == [url]


def test_phone_and_posters_build_the_same_url():
    for args in [("a", None, None), ("a", "e", None), ("a", "e", "h"), ("a", None, "h")]:
        assert qr.questionnaire_url(BASE, *args) == posters.questionnaire_url(BASE, *args)


async def test_scanned_url_opens_the_attributed_form(client, place):
    url = qr.questionnaire_url(
        "http://testserver", "resident-info", place.estate_id, place.household_id
    )
    scanned = decode(qr.qr_png(url))[0]
    r = await client.get(scanned)
    assert r.status_code == 200 and place.estate_name in r.text


def _spec(engine, place, slug="vaccination-60plus"):
    with engine.connect() as conn:
        q = get_questionnaire(conn, slug)
    p = DomainPlace(place.estate_id, place.estate_name, place.district_id)
    return q, posters.PosterSpec.for_questionnaire(q, BASE, p)


def test_poster_png_is_a4_and_its_qr_decodes_to_the_estate_form(engine, place):
    q, spec = _spec(engine, place)
    png = posters.render_png(spec)
    img = Image.open(io.BytesIO(png))
    assert img.size == posters.A4_PX
    assert abs(img.size[1] / img.size[0] - 297 / 210) < 0.01
    assert decode(png) == [f"{BASE}/q/vaccination-60plus?e={place.estate_id}"]


def _pdf_streams(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """Every stream of a reportlab PDF as (its dictionary, its decoded bytes)."""
    out = []
    for m in re.finditer(
        rb"\d+ 0 obj\s*<<((?:(?!endobj).)*?)>>\s*stream\r?\n(.*?)endstream", pdf, re.S
    ):
        head, data = m.group(1), m.group(2).strip()
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data.removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        out.append((head, data))
    return out


def _pdf_images(pdf: bytes) -> list[Image.Image]:
    images = []
    for head, data in _pdf_streams(pdf):
        if b"/Subtype /Image" in head:
            w = int(re.search(rb"/Width (\d+)", head).group(1))
            h = int(re.search(rb"/Height (\d+)", head).group(1))
            mode = "RGB" if b"/DeviceRGB" in head else "L"
            images.append(Image.frombytes(mode, (w, h), data))
    return images


def test_poster_pdf_is_one_a4_page_with_the_url_in_text(engine, place):
    _, spec = _spec(engine, place)
    pdf = posters.render_pdf(spec)
    assert pdf.startswith(b"%PDF")
    assert b"/Count 1" in pdf
    assert re.search(rb"/MediaBox \[\s*0 0 595\.27\d* 841\.88\d*\s*\]", pdf)
    assert b"STSong-Light" in pdf
    content = b"".join(data for head, data in _pdf_streams(pdf) if b"/Subtype" not in head)
    assert b"(" + spec.url.encode() + b")" in content  # the URL, as text
    images = _pdf_images(pdf)
    assert len(images) == 1
    assert [b.text for b in zxingcpp.read_barcodes(images[0])] == [spec.url]


def test_posters_command_writes_png_and_pdf_per_questionnaire(db_path, place, tmp_path):
    out = tmp_path / "posters"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "posters",
            "--db",
            db_path,
            "--base-url",
            BASE,
            "--out",
            str(out),
            "--estate",
            place.estate_id,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    pngs = sorted(out.rglob("*.png"))
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pngs) == len(pdfs) == 11
    assert all(p.parent.name == place.estate_name for p in pngs)
    sample = next(p for p in pngs if p.stem == "hardship")
    assert decode(sample.read_bytes()) == [f"{BASE}/q/hardship?e={place.estate_id}"]


def test_posters_command_refuses_an_unknown_estate(db_path, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "posters",
            "--db",
            db_path,
            "--base-url",
            BASE,
            "--out",
            str(tmp_path / "o"),
            "--estate",
            "nope",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown estate" in proc.stderr
    assert not (tmp_path / "o").exists()


async def _token(client, username):
    r = await client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": "demo1234", "device_id": "test"},
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


async def test_poster_endpoint_is_for_staff_and_serves_png_and_pdf(client, place):
    path = f"/api/v1/posters/safety-hazards.png?estate={place.estate_id}"
    assert (await client.get(path)).status_code == 401
    head = {"Authorization": f"Bearer {await _token(client, 'head01')}"}
    assert (await client.get(path, headers=head)).status_code == 403
    staff = {"Authorization": f"Bearer {await _token(client, 'staff')}"}
    png = await client.get(path, headers=staff)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert decode(png.content) == [f"http://testserver/q/safety-hazards?e={place.estate_id}"]
    pdf = await client.get(path.replace(".png", ".pdf"), headers=staff)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await client.get("/api/v1/posters/nope.pdf", headers=staff)).status_code == 404
    bad_estate = "/api/v1/posters/safety-hazards.pdf?estate=nope"
    assert (await client.get(bad_estate, headers=staff)).status_code == 404


def test_qr_card_shows_the_png_title_and_url():
    url = qr.questionnaire_url(BASE, "resident-info", "e1", "h1")
    png = qr.qr_png(url)
    card = qr_card(png=png, title="居民信息登记", url=url, instruction="请用手机扫码填写")
    column = card.content
    images = [c for c in column.controls if isinstance(c, ft.Image)]
    texts = [c.value for c in column.controls if isinstance(c, ft.Text)]
    assert len(images) == 1 and images[0].src == png
    assert decode(images[0].src) == [url]
    assert texts == ["居民信息登记", "请用手机扫码填写", url]
    assert card.bgcolor == ft.Colors.WHITE
    assert isinstance(httpx.URL(url), httpx.URL)
