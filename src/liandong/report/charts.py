"""Static SVG charts for the PDF report (pure). The web dashboard draws with ECharts; a printed report needs
pictures WeasyPrint can lay out without a browser, and a few bars and columns do not justify a plotting stack."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
BLUE = "#2f6fb3"
GREY = "#8a94a6"
BAND_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef8f00", "D": "#c62828", "样本不足": "#9e9e9e"}


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bars(items: Sequence[tuple[str, float | None]], *, title: str, unit: str = "", width: int = 640, colour: str = BLUE,
         colours: Sequence[str] | None = None, limit: int = 12) -> str:
    """Horizontal bars, largest first as given, one per label; values of None are shown as "—"."""
    items = list(items)[:limit]
    row, top, left = 24, 34, 170
    height = top + row * max(1, len(items)) + 12
    peak = max((v for _, v in items if v is not None), default=0) or 1
    span = width - left - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}">',
             f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#1f2937">{escape(title)}</text>']
    if not items:
        parts.append(f'<text x="0" y="{top + 14}" font-size="12" fill="{GREY}">本期无数据</text>')
    for index, (label, value) in enumerate(items):
        y = top + index * row
        text = label if len(label) <= 12 else label[:11] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="#374151">{escape(text)}</text>')
        if value is None:
            parts.append(f'<text x="{left}" y="{y + 15}" font-size="12" fill="{GREY}">—</text>')
            continue
        length = max(1.0, span * value / peak)
        fill = colours[index] if colours else colour
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{fill}" rx="2"/>')
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 15}" font-size="12" fill="#111827">{escape(_fmt(value, unit))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(items: Sequence[tuple[str, float]], *, title: str, width: int = 640, height: int = 200, colour: str = BLUE) -> str:
    """Vertical columns over time (the daily trend); every few labels are written under the axis."""
    items = list(items)
    left, bottom, top = 40, 28, 30
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}">',
             f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#1f2937">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#9ca3af"/>',
             f'<text x="{left - 6}" y="{top + 10}" font-size="10" text-anchor="end" fill="{GREY}">{_fmt(peak, "")}</text>',
             f'<text x="{left - 6}" y="{top + plot_h}" font-size="10" text-anchor="end" fill="{GREY}">0</text>']
    if not items:
        parts.append(f'<text x="{left}" y="{top + 20}" font-size="12" fill="{GREY}">本期无数据</text>')
    step = plot_w / max(1, len(items))
    every = max(1, len(items) // 8)
    for index, (label, value) in enumerate(items):
        h = plot_h * value / peak
        x = left + index * step
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{top + plot_h - h:.1f}" width="{max(1.0, step * 0.7):.1f}" height="{h:.1f}" fill="{colour}"/>')
        if index % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle" fill="#4b5563">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
