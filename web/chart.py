"""The completion bar chart on 考核, drawn on the server as inline SVG (no script, no library)."""

from __future__ import annotations

from html import escape

from scoring.report import PeriodReport


def completion_chart(report: PeriodReport, width: int = 640) -> str:
    """One bar per unit: pieces counted over pieces due in the period, all types together."""
    rows: list[tuple[str, int, int]] = []
    for unit in report.units:
        quota = sum(c.quota for c in unit.completion.values())
        counted = sum(min(c.counted, c.quota) for c in unit.completion.values())
        rows.append((unit.unit, counted, quota))
    label_w, bar_w, row_h = 150, width - 150 - 90, 22
    height = row_h * len(rows) + 30 + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="完成率" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="chart">',
        f'<text x="{label_w}" y="14" font-size="12" fill="#555">完成率（计入篇数/任务篇数）</text>',
    ]
    for index, (name, counted, quota) in enumerate(rows):
        y = 22 + index * row_h
        share = counted / quota if quota else 1.0
        color = "#2e7d32" if share >= 1 else "#c62828" if share < 0.5 else "#ef8f00"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="12" text-anchor="end">{escape(name)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 6}" fill="#eceff1"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{bar_w * share:.1f}" height="{row_h - 6}" fill="{color}"/>'
        )
        shown = f"{counted}/{quota}" if quota else "无任务"
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="12">{shown}</text>')
    parts += _legend(label_w, height - LEGEND_HEIGHT + 8)
    parts.append("</svg>")
    return "".join(parts)


LEGEND_HEIGHT = 26
LEGEND = [
    ("#2e7d32", "完成任务"),
    ("#ef8f00", "完成一半以上"),
    ("#c62828", "不到一半"),
    ("#eceff1", "任务篇数（整条）"),
]


def _legend(x: int, y: int) -> list[str]:
    """What each bar colour means, under the bars (the colours alone said nothing)."""
    parts = ['<g class="legend" font-size="12">']
    for color, label in LEGEND:
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{color}" stroke="#999" stroke-width=".5"/>'
        )
        parts.append(f'<text x="{x + 16}" y="{y + 11}">{label}</text>')
        x += 16 + 13 * len(label) + 18
    parts.append("</g>")
    return parts
