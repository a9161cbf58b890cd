"""Small inline SVG charts (bar charts and a histogram) with every label escaped."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

BAR = "#c0392b"
AXIS = "#555"
LABEL_CHARS = 32
FONT = 'font-family="sans-serif" font-size="12"'


def bar_chart(title: str, items: Sequence[tuple[str, int]], *, width: int = 560) -> str:
    """Draw a horizontal bar chart of labelled counts.

    Examples
    --------
    >>> "<svg" in bar_chart("hosts", [("a.example", 3), ("<b>", 1)])
    True

    """
    row, label_width, top = 20, 220, 28
    height = top + row * max(len(items), 1) + 8
    peak = max((count for _, count in items), default=0) or 1
    scale = (width - label_width - 50) / peak
    parts = [_title(title)]
    if not items:
        parts.append(f'<text x="10" y="{top + 14}" {FONT} fill="{AXIS}">nothing to show</text>')
    for index, (label, count) in enumerate(items):
        y = top + index * row
        shown = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        parts += [
            (f'<text x="{label_width - 6}" y="{y + 14}" {FONT} text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(shown)}</text>"),
            (f'<rect x="{label_width}" y="{y + 3}" width="{max(count * scale, 1):.1f}" '
            f'height="{row - 6}" fill="{BAR}"/>'),
            f'<text x="{label_width + count * scale + 4:.1f}" y="{y + 14}" {FONT}>{count}</text>',
        ]
    return _svg(width, height, title, parts)


def histogram(title: str, counts: Sequence[int], *, width: int = 560, height: int = 220) -> str:
    """Draw a histogram of scores in 0..1, one bar per equal-width bin.

    Examples
    --------
    >>> histogram("scores", [5, 0, 1]).count("<rect")
    3

    """
    left, top, bottom = 40, 40, 30
    plot_height = height - top - bottom
    step = (width - left - 10) / max(len(counts), 1)
    peak = max(counts, default=0) or 1
    parts = [_title(title),
             (f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" '
             f'y2="{height - bottom}" stroke="{AXIS}"/>')]
    for index, count in enumerate(counts):
        bar = plot_height * count / peak
        x = left + index * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - bar:.1f}" '
                     f'width="{step - 2:.1f}" height="{bar:.1f}" fill="{BAR}">'
                     f"<title>{count}</title></rect>")
        if count:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - bar - 3:.1f}" '
                         f'{FONT} text-anchor="middle">{count}</text>')
    parts.extend(f'<text x="{left + tick * step:.1f}" y="{height - bottom + 16}" {FONT} '
                 f'text-anchor="middle">{tick / max(len(counts), 1):.1f}</text>'
                 for tick in range(0, len(counts) + 1, max(len(counts) // 5, 1)))
    return _svg(width, height, title, parts)


def _title(text: str) -> str:
    """Draw the chart title."""
    return f'<text x="10" y="18" {FONT} font-weight="bold">{escape(text)}</text>'


def _svg(width: int, height: int, label: str, parts: list[str]) -> str:
    """Wrap chart parts in an ``<svg>`` element."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
            + "".join(parts) + "</svg>")
