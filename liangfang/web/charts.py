"""Charts drawn on the server as SVG: no script, no CDN, readable without JavaScript, printable.
Every bar or point may carry a link to the households behind it. Labels are escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    text: str  # the value as shown, e.g. "1,234" or "96.5%"
    href: str = ""


def _short(label: str, limit: int = 18) -> str:
    """Long labels are cut (the full text is in the bar's tooltip)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _f(x: float) -> str:
    return f"{x:.1f}"


def _link(href: str, inner: str) -> str:
    if not href:
        return inner
    return format_html('<a href="{}">', href) + inner + "</a>"


def bar_chart(bars: Sequence[Bar], *, title: str, maximum: Number | None = None, css: str = "") -> SafeString:
    """Horizontal bars, one row each: label, bar, value."""
    row, label_w, bar_w, text_w = 26, 210, 260, 80
    width = label_w + bar_w + text_w
    height = max(row * len(bars), row) + 8
    top = float(maximum if maximum is not None else max((float(b.value) for b in bars), default=0)) or 1.0
    parts: list[str] = [format_html('<svg class="chart {}" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', css, width, height, width,
                         height, title)]
    for i, b in enumerate(bars):
        y = 4 + i * row
        length = max(float(b.value) / top * bar_w, 0 if not b.value else 2)
        parts.append(_link(b.href, format_html(
            '<g class="bar"><title>{} {}</title><text class="label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
            '<text class="value" x="{}" y="{}">{}</text></g>',
            b.label, b.text, label_w - 8, y + 17, _short(b.label), label_w, y + 4, _f(length), row - 8,
            _f(label_w + length + 6), y + 17, b.text)))
    if not bars:
        parts.append(format_html('<text class="empty" x="{}" y="18">—</text>', label_w))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))


def line_chart(points: Sequence[tuple[str, Number, str]], *, title: str, unit: str = "%",
               href: str = "", then: Sequence[tuple[str, Number, str]] = (),
               legend: tuple[str, str] = ("", "")) -> SafeString:
    """A line over labelled points (label, value, text shown at the point). ``then`` continues the
    axis with a second, dashed line of another measure (not joined to the first), and ``legend``
    names the two lines above the plot."""
    width, height, left, right, top, bottom = 540, 230, 64, 30, 26, 32
    if then:
        top = 44  # room for the legend
    inner_w, inner_h = width - left - right, height - top - bottom
    every = [*points, *then]
    peak = max((float(v) for _, v, _ in every), default=0.0) or 1.0
    n = max(len(every) - 1, 1)

    def xy(i: int, v: Number) -> tuple[float, float]:
        return left + inner_w * i / n, top + inner_h * (1 - float(v) / peak)

    parts: list[str] = [format_html('<svg class="chart line" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', width, height, width, height, title)]
    for frac in (0, 0.5, 1):
        y = top + inner_h * (1 - frac)
        parts.append(format_html('<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
                                 '<text class="axis" x="{}" y="{}" text-anchor="end">{}{}</text>',
                                 left, _f(y), width - right, _f(y), left - 4, _f(y + 4), f"{peak * frac:.2f}", unit))
    for css, offset, series in (("series", 0, points), ("series then", len(points), then)):
        if series:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(offset + i, v) for i, (_, v, _) in enumerate(series)))
            parts.append(format_html('<polyline class="{}" points="{}"></polyline>', css, path))
    if points and then:
        x = (xy(len(points) - 1, 0)[0] + xy(len(points), 0)[0]) / 2
        parts.append(format_html('<line class="divide" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
                                 _f(x), top - 6, _f(x), top + inner_h))
        for i, (css, text) in enumerate((("series", legend[0]), ("series then", legend[1]))):
            lx = left + i * inner_w / 2
            parts.append(format_html('<g class="legend"><line class="{}" x1="{}" y1="12" x2="{}" y2="12"></line>'
                                     '<text x="{}" y="16">{}</text></g>', css, _f(lx), _f(lx + 18), _f(lx + 22), text))
    for i, (label, value, text) in enumerate(every):
        x, y = xy(i, value)
        css = "point then" if i >= len(points) else "point"
        parts.append(format_html('<circle class="{}" cx="{}" cy="{}" r="3.5"><title>{} {}</title></circle>'
                                 '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                                 css, _f(x), _f(y), label, text, _f(x), height - 10, label))
        # Values are written where the line changes, at each line's start and at its end, so labels
        # do not pile up.
        if i in (0, len(points), len(every) - 1) or value != every[i - 1][1]:
            parts.append(format_html('<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
                                     _f(x), _f(y - 8), text))
    parts.append("</svg>")
    return mark_safe(_link(href, "".join(str(p) for p in parts)))


def curve_chart(xs: Iterable[float], ys: Iterable[float], *, title: str, x_label: str, y_label: str,
                y_max: float = 1.0, diagonal: bool = False) -> SafeString:
    """A curve over [0, 1] × [0, y_max] (a Lorenz or a poverty-gap curve), with the equality
    diagonal when asked; axis ticks at 0, ½ and 1 of each range."""
    width, height, left, right, top, bottom = 360, 300, 52, 16, 16, 44
    inner_w, inner_h = width - left - right, height - top - bottom
    peak = y_max or 1.0

    def xy(x: float, y: float) -> tuple[float, float]:
        return left + inner_w * x, top + inner_h * (1 - y / peak)

    parts: list[str] = [format_html('<svg class="chart curve" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
                                    'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', width, height, width,
                                    height, title)]
    for frac in (0, 0.5, 1):
        gx, gy = xy(frac, peak * frac)
        parts.append(format_html('<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
                                 '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
                                 '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                                 left, _f(gy), width - right, _f(gy), left - 4, _f(gy + 4), f"{peak * frac:.3g}",
                                 _f(gx), height - bottom + 16, f"{frac:g}"))
    if diagonal:
        (x0, y0), (x1, y1) = xy(0, 0), xy(1, peak)
        parts.append(format_html('<line class="diagonal" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
                                 _f(x0), _f(y0), _f(x1), _f(y1)))
    xs, ys = list(xs), list(ys)
    if xs:
        points = (xy(float(x), float(y)) for x, y in zip(xs, ys, strict=True))
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(format_html('<polyline class="series" points="{}"></polyline>', path))
    parts.append(format_html('<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>'
                             '<text class="axis" x="12" y="{}" text-anchor="middle" transform="rotate(-90 12 {})">{}'
                             '</text>', left + inner_w / 2, height - 6, x_label, _f(top + inner_h / 2),
                             _f(top + inner_h / 2), y_label))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))


__all__ = ["Bar", "bar_chart", "curve_chart", "line_chart"]
