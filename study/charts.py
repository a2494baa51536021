"""Charts drawn on the server as accessible inline SVG (no chart library, no script).

Each chart comes with a summary sentence and a data table, its text alternative.
Colours come from CSS classes, so the charts follow the light and dark themes
and need no inline styles (the Content-Security-Policy forbids them).

The pictures scale to their box, so app.css sets the label size in the
picture's own units: larger where a chart is drawn narrow (on a phone), so the
labels stay readable. The margins below leave room for the largest of those
sizes (19 units for bars and scores, 12 for the calendar), and labels are
placed with `dy` in em so they sit right at any size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from markupsafe import Markup

from study.quiz.present import mode_name

HEAT_CELL, HEAT_STEP = 12, 14
HEAT_LEFT, HEAT_TOP = 34, 18
WEEKS = 53
# Bars and scores share a width, so one set of label sizes in app.css fits both.
BAR_STEP, BAR_LEFT, BAR_TOP, BAR_HEIGHT = 14, 60, 12, 120
BAR_GAP, BAR_RIGHT, BAR_BOTTOM = 4, 12, 28
SCORE_WIDTH, SCORE_HEIGHT, SCORE_LEFT, SCORE_TOP = 492, 120, 60, 12


@dataclass(frozen=True)
class Chart:
    """An SVG picture with its text alternative: a sentence and a table."""

    svg: Markup
    summary: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ScorePoint:
    """One submitted quiz or exam on the score history chart."""

    when: datetime
    score: float
    mode: str
    pack: str  # its title, or "" when every point is from the same pack
    passed: bool | None = None


def day_label(day: date) -> str:
    """Format a day for people: 'Tue 3 Mar 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _svg(
    chart_id: str, kind: str, size: tuple[int, int], title: str, desc: str, body: str
) -> Markup:
    """Wrap drawing elements in an <svg role="img"> with its title and description.

    `body` is drawing markup whose every text was escaped where it was drawn.
    """
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        'focusable="false" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>"
    ).format(
        id=chart_id,
        kind=kind,
        w=size[0],
        h=size[1],
        title=title,
        desc=desc,
        body=Markup(body),  # noqa: S704 - built from escaped parts
    )


def _n(value: float) -> str:
    """Format a coordinate: at most one decimal, no trailing zeros."""
    return f"{round(value, 1):g}"


# Drawing parts are plain strings with their text escaped (Markup.format is
# slow for the calendar's few hundred squares); _svg marks the whole safe.
def _text(x: float, y: float, label: str, css="label", anchor="start", dy="0") -> str:
    """Draw a label; `dy` in em places it at any size ("0.35em" centres it on y)."""
    shift = "" if dy == "0" else f' dy="{dy}"'
    return (
        f'<text x="{_n(x)}" y="{_n(y)}"{shift} class="{escape(css)}" '
        f'text-anchor="{anchor}">{escape(label)}</text>'
    )


def _rect(x, y, width, height, css: str, tip: str | None = None) -> str:
    shape = (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'class="{escape(css)}"'
    )
    if tip is None:
        return shape + "/>"
    return f"{shape}><title>{escape(tip)}</title></rect>"


def heat_level(count: int, busiest: int) -> int:
    """Return a day's shade from 0 (no reviews) to 4 (a day like the busiest)."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, max(1, -(-4 * count // busiest)))


def calendar_heatmap(
    counts: Mapping[date, int], today: date, chart_id: str = "calendar"
) -> Chart:
    """Draw a year of reviews as a calendar: one square a day, darker when busier."""
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    busiest = max((counts.get(d, 0) for d in days), default=0)
    cells, months = [], []
    for day in days:
        week, weekday = (day - first).days // 7, day.weekday()
        x, y = HEAT_LEFT + week * HEAT_STEP, HEAT_TOP + weekday * HEAT_STEP
        count = counts.get(day, 0)
        level = heat_level(count, busiest)
        tip = f"{day_label(day)}: {_plural(count, 'review')}"
        cells.append(_rect(x, y, HEAT_CELL, HEAT_CELL, f"heat heat-{level}", tip))
        if day.day == 1:
            months.append(_text(x, HEAT_TOP - 6, f"{day:%b}"))
    weekdays = [
        _text(
            HEAT_LEFT - 4,
            HEAT_TOP + row * HEAT_STEP + HEAT_CELL / 2,
            name,
            anchor="end",
            dy="0.35em",
        )
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    legend = _heat_legend(HEAT_TOP + 7 * HEAT_STEP + 8)
    width = HEAT_LEFT + WEEKS * HEAT_STEP
    height = HEAT_TOP + 7 * HEAT_STEP + 26
    total = sum(counts.get(d, 0) for d in days)
    studied = sum(1 for d in days if counts.get(d, 0))
    summary = _calendar_summary(counts, days, total, studied, busiest)
    svg = _svg(
        chart_id,
        "calendar",
        (width, height),
        "Reviews per day over the last year",
        summary,
        "".join([*months, *weekdays, *cells, legend]),
    )
    return Chart(
        svg, summary, ("Month", "Reviews", "Days studied"), _by_month(counts, days)
    )


def _heat_legend(y: int) -> str:
    """Draw the shade key at the right end, next to the latest weeks."""
    left = HEAT_LEFT + WEEKS * HEAT_STEP - 5 * HEAT_STEP - 40
    middle = y + HEAT_CELL / 2
    parts = [_text(left - 4, middle, "Less", anchor="end", dy="0.35em")]
    for level in range(5):
        x = left + level * HEAT_STEP
        parts.append(_rect(x, y, HEAT_CELL, HEAT_CELL, f"heat heat-{level}"))
    parts.append(_text(left + 5 * HEAT_STEP + 2, middle, "More", dy="0.35em"))
    return "".join(parts)


def _calendar_summary(counts, days, total: int, studied: int, busiest: int) -> str:
    if not total:
        return "No reviews in the last year yet."
    top = max(days, key=lambda d: (counts.get(d, 0), d))
    return (
        f"{_plural(total, 'review')} on {_plural(studied, 'day')} in the last year; "
        f"the busiest day was {day_label(top)} with {_plural(busiest, 'review')}."
    )


def _by_month(counts, days) -> tuple[tuple[str, ...], ...]:
    months: dict[tuple[int, int], list[int]] = {}
    for day in days:
        totals = months.setdefault((day.year, day.month), [0, 0])
        totals[0] += counts.get(day, 0)
        totals[1] += 1 if counts.get(day, 0) else 0
    return tuple(
        (f"{date(y, m, 1):%B %Y}", f"{r:,}", str(d))
        for (y, m), (r, d) in months.items()
    )


def _nice_top(value: int) -> int:
    """Return a round axis maximum at or above value: 1, 2, 5, 10, 20, 50..."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def bar_chart(
    series: Sequence[tuple[date, int]],
    *,
    chart_id: str,
    title: str,
    unit: str,
    today: date | None = None,
) -> Chart:
    """Draw one bar a day with an axis, a label every week and today marked."""
    top = _nice_top(max((n for _d, n in series), default=0))
    scale = BAR_HEIGHT / top
    parts = [_axis_lines(len(series) * BAR_STEP, top)]
    bar_width = BAR_STEP - BAR_GAP
    for index, (day, count) in enumerate(series):
        x = BAR_LEFT + index * BAR_STEP + BAR_GAP / 2
        height = max(count * scale, 1 if count else 0)
        css = "bar today" if day == today else "bar"
        tip = f"{day_label(day)}: {_plural(count, unit)}"
        slot = _rect(x - BAR_GAP / 2, BAR_TOP, BAR_STEP, BAR_HEIGHT, "slot", tip)
        parts.append(slot)
        if count:
            y = BAR_TOP + BAR_HEIGHT - height
            parts.append(_rect(x, y, bar_width, height, css, tip))
        if index % 7 == 0:
            label = f"{day.day} {day:%b}"
            centre = x + bar_width / 2
            below = BAR_TOP + BAR_HEIGHT + 3
            parts.append(_text(centre, below, label, "label", "middle", dy="1em"))
    total = sum(n for _d, n in series)
    summary = _bar_summary(series, total, unit)
    width = BAR_LEFT + len(series) * BAR_STEP + BAR_RIGHT
    svg = _svg(
        chart_id,
        "bars",
        (width, BAR_TOP + BAR_HEIGHT + BAR_BOTTOM),
        title,
        summary,
        "".join(parts),
    )
    rows = tuple((day_label(d), f"{n:,}") for d, n in series)
    return Chart(svg, summary, ("Day", unit.capitalize() + "s"), rows)


def _line(x1: float, x2: float, y: float, css: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y)}" x2="{_n(x2)}" y2="{_n(y)}" class="{css}"/>'
    )


def _axis_lines(width: int, top: int) -> str:
    parts = []
    for value in (0, top // 2, top) if top % 2 == 0 else (0, top):
        y = BAR_TOP + BAR_HEIGHT - value * BAR_HEIGHT / top
        css = "axis" if value == 0 else "grid"
        parts.append(_line(BAR_LEFT, BAR_LEFT + width, y, css))
        label = _count_label(value)
        parts.append(_text(BAR_LEFT - 5, y, label, anchor="end", dy="0.35em"))
    return "".join(parts)


def _count_label(value: int) -> str:
    """Format an axis value in at most four characters: 500, 2,000, 25k."""
    return f"{value:,}" if value < 10_000 else f"{value // 1000:,}k"


def _bar_summary(series, total: int, unit: str) -> str:
    if not series:
        return "No data."
    span = f"{day_label(series[0][0])} to {day_label(series[-1][0])}"
    if not total:
        return f"No {unit}s from {span}."
    busiest_day, busiest = max(series, key=lambda item: (item[1], item[0]))
    return (
        f"{_plural(total, unit)} from {span}; the most on {day_label(busiest_day)} "
        f"({busiest:,})."
    )


def score_history(points: Sequence[ScorePoint], chart_id: str = "scores") -> Chart:
    """Draw quiz and exam scores over time as a line of points (0 to 100%)."""
    parts = []
    for value in (0, 50, 100):
        y = _score_y(value)
        css = "axis" if value == 0 else "grid"
        parts.append(_line(SCORE_LEFT, SCORE_WIDTH - 10, y, css))
        label = f"{value}%"
        parts.append(_text(SCORE_LEFT - 5, y, label, anchor="end", dy="0.35em"))
    step = (SCORE_WIDTH - SCORE_LEFT - 30) / max(len(points) - 1, 1)
    coords = [
        (SCORE_LEFT + 10 + index * step, _score_y(point.score))
        for index, point in enumerate(points)
    ]
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{line}" class="line"/>')
    parts += [_score_point(x, y, p) for (x, y), p in zip(coords, points, strict=True)]
    parts.append(_score_legend(SCORE_TOP + SCORE_HEIGHT + 20))
    summary = _score_summary(points)
    height = SCORE_TOP + SCORE_HEIGHT + 32
    title = "Quiz and exam scores over time"
    size = (SCORE_WIDTH, height)
    svg = _svg(chart_id, "scores", size, title, summary, "".join(parts))
    # A column that would say the same pack on every row is left out.
    with_pack = any(p.pack for p in points)
    headers = ("Day", "Pack", "Kind", "Score", "Result")
    rows = tuple(_score_row(p) for p in points)
    if not with_pack:
        headers = headers[:1] + headers[2:]
        rows = tuple(row[:1] + row[2:] for row in rows)
    return Chart(svg, summary, headers, rows)


def _score_legend(y: float) -> str:
    """Say which colour is which: practice quizzes and drills, mock exams.

    `y` is the middle of the key; the gap after "Quiz" fits its largest size."""
    parts = []
    for x, kind, label in (
        (SCORE_LEFT + 10, "quiz", "Quiz"),
        (SCORE_LEFT + 76, "exam", "Mock exam"),
    ):
        parts.append(f'<circle cx="{x}" cy="{_n(y)}" r="5" class="point {kind}"/>')
        parts.append(_text(x + 9, y, label, dy="0.35em"))
    return "".join(parts)


def _score_point(x: float, y: float, point: ScorePoint) -> str:
    kind = "exam" if point.mode == "exam" else "quiz"
    when = day_label(point.when.date())
    tip = f"{mode_name(point.mode)}, {when}: {point.score:.0f}%"
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" class="point {kind}">'
        f"<title>{escape(tip)}</title></circle>"
    )


def _score_row(point: ScorePoint) -> tuple[str, ...]:
    result = "—"  # a practice quiz has no pass mark
    if point.passed is not None:
        result = "passed" if point.passed else "not passed"
    return (
        day_label(point.when.date()),
        point.pack,
        mode_name(point.mode),
        f"{point.score:.0f}%",
        result,
    )


def _score_y(score: float) -> float:
    share = max(0.0, min(score, 100.0)) / 100
    return round(SCORE_TOP + SCORE_HEIGHT * (1 - share), 1)


def _score_summary(points: Sequence[ScorePoint]) -> str:
    if not points:
        return "No quizzes taken yet."
    quizzes = "1 quiz" if len(points) == 1 else f"{len(points)} quizzes"
    best = max(p.score for p in points)
    return (
        f"{quizzes} so far; the latest scored {points[-1].score:.0f}% "
        f"and the best {best:.0f}%."
    )
