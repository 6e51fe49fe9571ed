"""Server-rendered SVG charts, shared by the dashboard and the PDF reports.

Every chart is a string of SVG markup built with presentation attributes only (``fill=``,
``stroke=``, ``font-size=`` ...): no ``style=`` attribute, no ``<style>`` element and no script,
so the pages keep their strict Content Security Policy and WeasyPrint draws the same markup in a
PDF. Each chart carries a ``<title>`` (and ``role="img"`` with ``aria-labelledby``) and the page
shows the same figures as a table beside it (:func:`chart_table`, and the template include
``reporting/includes/_chart.html``). The output is deterministic: the same input gives the same
bytes, and every text is escaped.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, and in print.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
TARGET_COLOUR = "#B00020"
AXIS_COLOUR = "#6C757D"
GRID_COLOUR = "#DEE2E6"
TEXT_COLOUR = "#212529"
FONT = "Liberation Sans, Arial, sans-serif"

WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 64
MARGIN_RIGHT = 20
MARGIN_TOP = 30  # plus one line per line of the title
TITLE_SIZE = 13
LABEL_SIZE = 11
MARGIN_BOTTOM = 64


@dataclass(frozen=True)
class Series:
    """A named row of values, one per category (``None`` where there is no value)."""

    label: str
    values: Sequence[Number | None]
    colour: str = ""


@dataclass(frozen=True)
class ChartTable:
    """The figures of a chart as a table: the accessible alternative to the picture."""

    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def _f(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (deterministic)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def _label(value: Number | None, decimals: int | None = None) -> str:
    """A value as readers write it in the active language ("0,8" in Vietnamese)."""
    if value is None:
        return "-"
    if decimals is None:
        text = f"{float(value):.3f}".rstrip("0").rstrip(".")
        decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(Decimal(str(value)), decimal_pos=decimals, use_l10n=True)


def _nice_max(value: float, decimals: int | None = None) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``; for whole
    numbers (``decimals=0``) a multiple of 5, so that the five ticks are whole too."""
    if decimals == 0:
        return float(max(5, math.ceil(value / 5) * 5))
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-12:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def wrap(text: str, max_chars: int, max_lines: int = 3) -> list[str]:
    """Split ``text`` at spaces into lines of at most ``max_chars`` (the last line is cut with
    an ellipsis when there are more than ``max_lines``)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= max_chars or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    if lines and len(lines[-1]) > max_chars:
        lines[-1] = lines[-1][: max_chars - 1].rstrip() + "\u2026"
    return lines or [""]


def _text_lines(
    lines: Sequence[str], x: float, y: float, *, size: int, anchor: str = "middle", bold=False
) -> str:
    """A ``<text>`` of several lines (``<tspan>`` per line, ``size + 3`` apart)."""
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{_f(x)}" dy="{0 if i == 0 else size + 3}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"{weight} '
        f'fill="{TEXT_COLOUR}">{spans}</text>'
    )


def _title_lines(title: str, width: int) -> list[str]:
    return wrap(title, max(int(width / (TITLE_SIZE * 0.62)), 10), max_lines=2)


def _chart_id(title: str, chart_id: str | None) -> str:
    if chart_id:
        return escape(chart_id)
    return "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:10]


def _open(title: str, description: str, chart_id: str, width: int, height: int) -> list[str]:
    ids = f"{chart_id}-title {chart_id}-desc" if description else f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="img-fluid chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ids}" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#FFFFFF"/>')
    parts.append(_text_lines(_title_lines(title, width), width / 2, 18, size=TITLE_SIZE, bold=True))
    return parts


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    y_max: float
    title_lines: int = 1
    label_lines: int = 1

    @property
    def left(self) -> float:
        return MARGIN_LEFT

    @property
    def right(self) -> float:
        return self.width - MARGIN_RIGHT

    @property
    def top(self) -> float:
        return MARGIN_TOP + self.title_lines * (TITLE_SIZE + 3)

    @property
    def bottom(self) -> float:
        return self.height - MARGIN_BOTTOM - (self.label_lines - 1) * (LABEL_SIZE + 3)

    def y(self, value: float) -> float:
        return self.bottom - (value / self.y_max) * (self.bottom - self.top)

    def slot(self, index: int, count: int) -> tuple[float, float]:
        """Left edge and width of category ``index`` of ``count``."""
        width = (self.right - self.left) / max(count, 1)
        return self.left + index * width, width


def _axes(frame: _Frame, y_label: str, decimals: int | None) -> list[str]:
    parts = []
    ticks = 5
    for i in range(ticks + 1):
        value = frame.y_max * i / ticks
        y = frame.y(value)
        parts.append(
            f'<line x1="{_f(frame.left)}" y1="{_f(y)}" x2="{_f(frame.right)}" y2="{_f(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{_f(frame.left - 6)}" y="{_f(y + 4)}" text-anchor="end" font-size="11" '
            f'fill="{TEXT_COLOUR}">{escape(_label(value, decimals))}</text>'
        )
    parts.append(
        f'<line x1="{_f(frame.left)}" y1="{_f(frame.top)}" x2="{_f(frame.left)}" '
        f'y2="{_f(frame.bottom)}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{_f(frame.left)}" y1="{_f(frame.bottom)}" x2="{_f(frame.right)}" '
        f'y2="{_f(frame.bottom)}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    if y_label:
        middle = (frame.top + frame.bottom) / 2
        parts.append(
            f'<text x="14" y="{_f(middle)}" text-anchor="middle" font-size="11" '
            f'fill="{TEXT_COLOUR}" transform="rotate(-90 14 {_f(middle)})">'
            f"{escape(y_label)}</text>"
        )
    return parts


def _label_chars(width: int, count: int) -> int:
    """How many characters of an x label fit in one category's width."""
    slot = (width - MARGIN_LEFT - MARGIN_RIGHT) / max(count, 1)
    return max(int(slot / (LABEL_SIZE * 0.55)), 4)


def _x_label_lines(categories: Sequence[object], width: int) -> list[list[str]]:
    chars = _label_chars(width, len(categories))
    return [wrap(str(category), chars) for category in categories]


def _x_labels(frame: _Frame, labels: Sequence[list[str]]) -> list[str]:
    parts = []
    for index, lines in enumerate(labels):
        start, width = frame.slot(index, len(labels))
        parts.append(_text_lines(lines, start + width / 2, frame.bottom + 16, size=LABEL_SIZE))
    return parts


def _legend(frame: _Frame, entries: Sequence[tuple[str, str, bool]]) -> list[str]:
    """Legend entries (label, colour, dashed) in one row under the x labels."""
    parts = []
    x = frame.left
    y = frame.height - 18
    for label, colour, dashed in entries:
        if dashed:
            parts.append(
                f'<line x1="{_f(x)}" y1="{_f(y - 4)}" x2="{_f(x + 18)}" y2="{_f(y - 4)}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 3"/>'
            )
        else:
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="18" height="10" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{_f(x + 24)}" y="{_f(y)}" font-size="11" fill="{TEXT_COLOUR}">'
            f"{escape(label)}</text>"
        )
        x += 24 + 7 * len(label) + 18
    return parts


def _colour(series: Series, index: int) -> str:
    return escape(series.colour or PALETTE[index % len(PALETTE)])


def _no_data(frame: _Frame, text: str) -> str:
    return (
        f'<text x="{_f((frame.left + frame.right) / 2)}" y="{_f((frame.top + frame.bottom) / 2)}" '
        f'text-anchor="middle" font-size="12" fill="{AXIS_COLOUR}">{escape(text)}</text>'
    )


# ------------------------------------------------------------------------------
# Charts
# ------------------------------------------------------------------------------
def line_chart(
    title: str,
    categories: Sequence[object],
    series: Sequence[Series],
    *,
    target_line: Number | None = None,
    target_path: Mapping[object, Number | None] | None = None,
    target_label: str = "",
    y_label: str = "",
    description: str = "",
    no_data_text: str = "",
    decimals: int | None = None,
    chart_id: str | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A trend over ``categories`` (usually years), one line per series.

    ``target_line`` draws a horizontal dashed line (a level to reach, e.g. 100 %);
    ``target_path`` a dashed line through one target per category (e.g. the compounded path
    from a baseline year, keyed like ``categories``). A value of ``None`` leaves a gap.
    """
    cid = _chart_id(title, chart_id)
    path_values = [target_path.get(c) if target_path else None for c in categories]
    numbers = [float(v) for s in series for v in s.values if v is not None]
    numbers += [float(v) for v in path_values if v is not None]
    if target_line is not None:
        numbers.append(float(target_line))
    labels = _x_label_lines(categories, width)
    frame = _Frame(
        width,
        height,
        _nice_max(max(numbers, default=0), decimals),
        title_lines=len(_title_lines(title, width)),
        label_lines=max((len(lines) for lines in labels), default=1),
    )
    parts = _open(title, description, cid, width, height)
    parts += _axes(frame, y_label, decimals)
    parts += _x_labels(frame, labels)

    def centre(index: int) -> float:
        start, slot = frame.slot(index, len(categories))
        return start + slot / 2

    legend: list[tuple[str, str, bool]] = []
    if target_line is not None:
        y = frame.y(float(target_line))
        parts.append(
            f'<line x1="{_f(frame.left)}" y1="{_f(y)}" x2="{_f(frame.right)}" y2="{_f(y)}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4" '
            f'class="chart-target"><title>{escape(target_label)}: '
            f"{escape(_label(target_line, decimals))}</title></line>"
        )
        legend.append((target_label, TARGET_COLOUR, True))
    if target_path and any(v is not None for v in path_values):
        parts += _polyline(
            [(centre(i), v) for i, v in enumerate(path_values)],
            frame,
            TARGET_COLOUR,
            dashed=True,
            css_class="chart-target",
        )
        for index, value in enumerate(path_values):
            if value is not None:
                parts.append(
                    f'<circle cx="{_f(centre(index))}" cy="{_f(frame.y(float(value)))}" r="2.5" '
                    f'fill="{TARGET_COLOUR}"><title>{escape(target_label)} '
                    f"{escape(str(categories[index]))}: {escape(_label(value, decimals))}"
                    f"</title></circle>"
                )
        legend.append((target_label, TARGET_COLOUR, True))
    for s_index, each in enumerate(series):
        colour = _colour(each, s_index)
        parts += _polyline(
            [(centre(i), v) for i, v in enumerate(each.values)], frame, colour, dashed=False
        )
        for index, value in enumerate(each.values):
            if value is None:
                continue
            parts.append(
                f'<circle cx="{_f(centre(index))}" cy="{_f(frame.y(float(value)))}" r="4" '
                f'fill="{colour}" class="chart-point"><title>{escape(each.label)} '
                f"{escape(str(categories[index]))}: {escape(_label(value, decimals))}"
                f"</title></circle>"
            )
        legend.append((each.label, colour, False))
    if not numbers and no_data_text:
        parts.append(_no_data(frame, no_data_text))
    parts += _legend(frame, legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _polyline(
    points: Sequence[tuple[float, Number | None]],
    frame: _Frame,
    colour: str,
    *,
    dashed: bool,
    css_class: str = "chart-line",
) -> list[str]:
    """One polyline per run of consecutive values (a ``None`` breaks the line)."""
    runs: list[list[str]] = [[]]
    for x, value in points:
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_f(x)},{_f(frame.y(float(value)))}")
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dash} class="{css_class}"/>'
        for run in runs
        if len(run) > 1
    ]


def bar_chart(
    title: str,
    categories: Sequence[object],
    series: Sequence[Series],
    *,
    stacked: bool = True,
    y_label: str = "",
    description: str = "",
    no_data_text: str = "",
    decimals: int | None = 0,
    chart_id: str | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Bars per category: the series stacked (with the total on top) or side by side."""
    cid = _chart_id(title, chart_id)
    count = len(categories)
    totals = [
        sum(float(s.values[i] or 0) for s in series) if stacked else 0.0 for i in range(count)
    ]
    numbers = totals if stacked else [float(v) for s in series for v in s.values if v is not None]
    labels = _x_label_lines(categories, width)
    frame = _Frame(
        width,
        height,
        _nice_max(max(numbers, default=0), decimals),
        title_lines=len(_title_lines(title, width)),
        label_lines=max((len(lines) for lines in labels), default=1),
    )
    parts = _open(title, description, cid, width, height)
    parts += _axes(frame, y_label, decimals)
    parts += _x_labels(frame, labels)
    for index, category in enumerate(categories):
        start, slot = frame.slot(index, count)
        bar_width = slot * 0.6
        left = start + (slot - bar_width) / 2
        base = 0.0
        for s_index, each in enumerate(series):
            value = float(each.values[index] or 0)
            if stacked:
                x, w = left, bar_width
                y_top, y_bottom = frame.y(base + value), frame.y(base)
                base += value
            else:
                w = bar_width / max(len(series), 1)
                x = left + s_index * w
                y_top, y_bottom = frame.y(value), frame.y(0)
            if value <= 0:
                continue
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(y_top)}" width="{_f(w)}" '
                f'height="{_f(y_bottom - y_top)}" fill="{_colour(each, s_index)}" '
                f'class="chart-bar"><title>{escape(str(category))}, {escape(each.label)}: '
                f"{escape(_label(value, decimals))}</title></rect>"
            )
        if stacked:
            parts.append(
                f'<text x="{_f(left + bar_width / 2)}" y="{_f(frame.y(totals[index]) - 4)}" '
                f'text-anchor="middle" font-size="11" fill="{TEXT_COLOUR}">'
                f"{escape(_label(totals[index], decimals))}</text>"
            )
    if not any(numbers) and no_data_text:
        parts.append(_no_data(frame, no_data_text))
    parts += _legend(frame, [(s.label, _colour(s, i), False) for i, s in enumerate(series)])
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def chart_table(
    caption: str,
    categories: Sequence[object],
    series: Sequence[Series],
    *,
    category_label: str = "",
    extra: Sequence[Series] = (),
    decimals: int | None = None,
) -> ChartTable:
    """The chart's figures as rows: one per category, one column per series (and ``extra``,
    e.g. the target path). Rendered by ``reporting/includes/_chart.html``."""
    columns = [category_label, *(s.label for s in series), *(s.label for s in extra)]
    rows = [
        [str(category), *(_label(s.values[i], decimals) for s in (*series, *extra))]
        for i, category in enumerate(categories)
    ]
    return ChartTable(caption=caption, columns=columns, rows=rows)
