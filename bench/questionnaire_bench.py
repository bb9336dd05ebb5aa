"""Public questionnaire form and posters: how fast, how heavy. One command, prints figures.

    .venv/bin/python bench/questionnaire_bench.py

Form: the real app in-process (httpx ASGI transport, no network) over a seeded SQLite demo
database (scale 0.05): page weight, GET latency, full submission (GET + valid POST + stored
row) latency. Posters: render time and size of one A4 PNG and PDF.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402

from server.app import create_app  # noqa: E402
from server.db.engine import migrate, open_engine  # noqa: E402
from server.db.schema import estates, households  # noqa: E402
from server.domain import posters  # noqa: E402
from server.domain.questionnaires import Place, get_questionnaire  # noqa: E402
from server.domain.seed import seed_demo  # noqa: E402
from server.settings import Settings  # noqa: E402

ANSWERS = {
    "address": "3-2-401",
    "name": "王秀英",
    "phone": "13812345678",
    "people_count": "3",
    "has_elderly": "yes",
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def form_figures(engine) -> None:
    # measure, not limit
    unlimited = Settings(form_tokens_per_client=10**9, form_submissions_per_client=10**9)
    app = create_app(engine, unlimited)
    with engine.connect() as conn:
        estate_id, household_id = conn.execute(
            select(estates.c.id, households.c.id)
            .join(households, households.c.estate_id == estates.c.id)
            .limit(1)
        ).one()
    params = {"e": estate_id, "h": household_id}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
        first = await c.get("/q/resident-info", params=params)
        print(f"form page weight: {len(first.content)} bytes HTML (no other resources)")
        gets = []
        for _ in range(300):
            t = time.perf_counter()
            r = await c.get("/q/resident-info", params=params)
            gets.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        print(
            f"GET /q/resident-info: p50 {statistics.median(gets):.2f} ms, "
            f"p95 {pct(gets, 95):.2f} ms (n={len(gets)})"
        )
        posts = []
        for _ in range(200):
            t = time.perf_counter()
            page = await c.get("/q/resident-info", params=params)
            token = re.search(r'name="_token" value="([^"]+)"', page.text).group(1)
            r = await c.post("/q/resident-info", data={"_token": token, **ANSWERS})
            posts.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 303
        print(
            f"GET + valid POST (one stored answer): p50 {statistics.median(posts):.2f} ms, "
            f"p95 {pct(posts, 95):.2f} ms (n={len(posts)})"
        )


def poster_figures(engine) -> None:
    with engine.connect() as conn:
        q = get_questionnaire(conn, "vaccination-60plus")
        e = conn.execute(select(estates).limit(1)).one()
    spec = posters.PosterSpec.for_questionnaire(
        q, "https://xl.example.cn", Place(e.id, e.name, e.district_id)
    )
    for fmt, render in (("PNG", posters.render_png), ("PDF", posters.render_pdf)):
        render(spec)  # warm: font loading
        times = []
        for _ in range(5):
            t = time.perf_counter()
            data = render(spec)
            times.append((time.perf_counter() - t) * 1000)
        print(f"poster {fmt}: {statistics.median(times):.0f} ms, {len(data) / 1024:.0f} KiB")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(str(Path(tmp) / "bench.db"))
        migrate(engine)
        seed_demo(engine, seed=7, scale=0.05)
        asyncio.run(form_figures(engine))
        poster_figures(engine)
        engine.dispose()


if __name__ == "__main__":
    main()
