"""Server-rendered SVG charts: bars per unit and a monthly trend line. No script, no library."""

from __future__ import annotations

from html import escape

WIDTH, BAR_HEIGHT, LABEL_WIDTH = 560, 22, 150


def bar_chart(title: str, bars: list[tuple[str, float | None, str]], maximum: float = 1.0) -> str:
    """Horizontal bars: (label, value or None, text shown beside the bar)."""
    height = 30 + BAR_HEIGHT * len(bars) + 10
    span = WIDTH - LABEL_WIDTH - 70
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    top = maximum or 1.0
    for n, (label, value, text) in enumerate(bars):
        y = 30 + n * BAR_HEIGHT
        length = 0 if value is None else max(1.0, span * min(value / top, 1.0))
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">'
                     f'{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
                     f'height="{BAR_HEIGHT - 6}" class="bar"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: list[str], series: list[tuple[str, list[float | None]]]
               ) -> str:
    """Lines of rates (0..1) over ``labels`` (months), one per series, with a legend."""
    height, left, right, top, bottom = 240, 40, 20, 30, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     'class="grid"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    for n, label in enumerate(labels):
        if n % 2 == 0 or n == len(labels) - 1:
            parts.append(f'<text x="{left + n * step:.1f}" y="{height - 22}" '
                         f'text-anchor="middle">{escape(label[2:])}</text>')
    for k, (name, values) in enumerate(series):
        points = [f"{left + n * step:.1f},{top + plot_h * (1 - v):.1f}"
                  for n, v in enumerate(values) if v is not None]
        parts.append(f'<polyline points="{" ".join(points)}" class="line line-{k}"/>')
        parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3.5" '
                  f'class="dot-{k}"/>' for p in points]
        parts.append(f'<text x="{left + k * 160}" y="{height - 4}" class="legend-{k}">'
                     f'— {escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
