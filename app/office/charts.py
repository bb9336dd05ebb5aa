"""The dashboard's charts (flet-charts: its controls are in the prebuilt web client) and the
bar tables beside them. Charts take plain figures and labels; the words come from the
caller, so this module holds no text of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import flet as ft
import flet_charts as fch

from app.theme import MIN_TEXT

#: slice and bar colours, in order (Material roles, so dark mode follows)
PALETTE = (
    ft.Colors.PRIMARY,
    ft.Colors.TERTIARY,
    ft.Colors.SECONDARY,
    ft.Colors.ERROR,
    ft.Colors.OUTLINE,
    ft.Colors.PRIMARY_CONTAINER,
)


def _nice_max(value: int) -> int:
    """A round top for the value axis a little above the highest bar."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    return ((value * 11 // 10) // step + 1) * step


def weekly_bars(weeks: list[tuple[dt.date, int]], *, key: str, height: int = 220) -> ft.Control:
    """Visits per week: one bar per week, its Monday under every few bars."""
    top = _nice_max(max((n for _, n in weeks), default=0))
    every = max(1, -(-len(weeks) // 7))  # at most 7 dates under the bars
    return fch.BarChart(
        groups=[
            fch.BarChartGroup(
                x=i,
                rods=[
                    fch.BarChartRod(
                        from_y=0,
                        to_y=n,
                        width=max(4, min(18, 480 // max(len(weeks), 1))),
                        color=ft.Colors.PRIMARY,
                        border_radius=3,
                        tooltip=fch.BarChartRodTooltip(text=f"{week:%m-%d}: {n}"),
                    )
                ],
            )
            for i, (week, n) in enumerate(weeks)
        ],
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=i, label=ft.Text(f"{week:%m-%d}", size=MIN_TEXT))
                for i, (week, _) in enumerate(weeks)
                if i % every == 0
            ],
            label_size=24,
        ),
        left_axis=fch.ChartAxis(label_size=36, show_min=False),  # its 0 met the first date
        horizontal_grid_lines=fch.ChartGridLines(
            interval=max(1, top // 5), color=ft.Colors.OUTLINE_VARIANT, width=1
        ),
        max_y=top,
        min_y=0,
        height=height,
        key=key,
    )


def pie(parts: list[tuple[str, int]], *, key: str, empty: str, size: int = 180) -> ft.Control:
    """A doughnut of the non-zero parts with a legend beside it (label, count, share)."""
    total = sum(n for _, n in parts)
    if not total:
        return ft.Text(empty, color=ft.Colors.ON_SURFACE_VARIANT, key=key)
    shown = [(label, n, PALETTE[i % len(PALETTE)]) for i, (label, n) in enumerate(parts) if n]
    chart = fch.PieChart(
        sections=[
            fch.PieChartSection(
                value=n,
                color=color,
                radius=size // 4,
                title=f"{round(100 * n / total)}%",
                title_style=ft.TextStyle(size=MIN_TEXT, color=ft.Colors.ON_PRIMARY),
            )
            for _, n, color in shown
        ],
        center_space_radius=size // 5,
        sections_space=2,
        width=size,
        height=size,
    )
    legend = ft.Column(
        [
            ft.Row(
                [
                    ft.Container(width=12, height=12, bgcolor=color, border_radius=3),
                    ft.Text(label, size=MIN_TEXT, expand=True),
                    ft.Text(str(n), size=MIN_TEXT, weight=ft.FontWeight.W_600),
                ],
                spacing=8,
            )
            for label, n, color in shown
        ],
        spacing=6,
        expand=True,
    )
    return ft.Row(
        [chart, legend],
        spacing=16,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
        key=key,
    )


def _bar(share: float, color: str) -> ft.Control:
    """A thin bar filled to ``share`` (0..1), drawn with plain boxes: a progress bar would
    make the whole tappable row read as a progress bar to a screen reader."""
    filled = round(max(0.0, min(1.0, share)) * 1000)
    parts = []
    if filled:
        parts.append(ft.Container(expand=filled, bgcolor=color))
    if filled < 1000:
        parts.append(ft.Container(expand=1000 - filled))
    return ft.Container(
        content=ft.Row(parts, spacing=0),
        height=6,
        border_radius=3,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
        clip_behavior=ft.ClipBehavior.ANTI_ALIAS,
    )


def bar_rows(
    rows: list[tuple[str, str, float, str]],
    *,
    key: str,
    on_click: Callable[[str], None] | None = None,
    color: str = ft.Colors.PRIMARY,
) -> ft.Column:
    """A table of (row key, label, share 0..1, figure text) with a bar per row; a tap on a
    row calls ``on_click(row key)`` (it opens the row's list or drills down)."""
    out = []
    for row_key, label, share, figure in rows:
        out.append(
            ft.Container(
                content=ft.Column(
                    [
                        ft.Row(
                            [
                                ft.Text(
                                    label,
                                    size=14,
                                    expand=True,
                                    max_lines=1,
                                    overflow=ft.TextOverflow.ELLIPSIS,
                                ),
                                ft.Text(figure, size=14, weight=ft.FontWeight.W_600),
                                *(
                                    [
                                        ft.Icon(
                                            ft.Icons.CHEVRON_RIGHT, size=18, color=ft.Colors.OUTLINE
                                        )
                                    ]
                                    if on_click
                                    else []
                                ),
                            ],
                            spacing=8,
                        ),
                        _bar(share, color),
                    ],
                    spacing=4,
                ),
                # a label line, the bar and this padding make a row a finger can hit: 48 px+
                padding=ft.Padding.symmetric(horizontal=8, vertical=10),
                border_radius=8,
                on_click=(lambda e, k=row_key: on_click(k)) if on_click else None,
                ink=on_click is not None,
                key=f"{key}-{row_key}",
            )
        )
    return ft.Column(out, spacing=2, key=key)
