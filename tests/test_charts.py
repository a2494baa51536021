"""Server-drawn SVG charts: well-formed, accessible, styled by classes only."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from study import charts
from tests.conftest import at

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 3, 10)


def parsed(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output


def assert_accessible(chart: charts.Chart) -> ET.Element:
    svg = parsed(chart)
    assert svg.get("role") == "img"
    chart_id = svg.get("id")
    assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert svg.find(f"{SVG}title").text
    assert svg.find(f"{SVG}desc").text == chart.summary
    assert "style=" not in str(chart.svg) and "<script" not in str(chart.svg)
    assert chart.headers and all(len(row) == len(chart.headers) for row in chart.rows)
    return svg


def cells(svg: ET.Element, css: str) -> list[ET.Element]:
    return [r for r in svg.iter(f"{SVG}rect") if css in (r.get("class") or "").split()]


def test_calendar_has_a_square_per_day_of_the_last_year():
    counts = {TODAY: 40, TODAY - timedelta(days=1): 10, TODAY - timedelta(days=100): 1}
    chart = charts.calendar_heatmap(counts, TODAY)
    svg = assert_accessible(chart)
    days = [r for r in cells(svg, "heat") if r.find(f"{SVG}title") is not None]
    assert 52 * 7 < len(days) <= 53 * 7
    shades = {r.find(f"{SVG}title").text: r.get("class") for r in days}
    assert shades["Tue 10 Mar 2026: 40 reviews"] == "heat heat-4"
    assert shades["Mon 9 Mar 2026: 10 reviews"] == "heat heat-1"
    assert shades["Sun 8 Mar 2026: 0 reviews"] == "heat heat-0"
    assert "51 reviews on 3 days" in chart.summary
    assert ("March 2026", "50", "2") in chart.rows


def test_an_empty_calendar_says_so():
    chart = charts.calendar_heatmap({}, TODAY)
    assert_accessible(chart)
    assert chart.summary == "No reviews in the last year yet."


@pytest.mark.parametrize(
    ("count", "level"), [(0, 0), (1, 1), (25, 1), (26, 2), (100, 4)]
)
def test_heat_levels_grow_with_the_count(count, level):
    assert charts.heat_level(count, 100) == level


def test_bar_chart_draws_a_bar_per_day_with_reviews_and_marks_today():
    series = [(TODAY - timedelta(days=n), n % 3) for n in range(29, 0, -1)]
    series.append((TODAY, 4))
    chart = charts.bar_chart(
        series, chart_id="per-day", title="Reviews", unit="review", today=TODAY
    )
    svg = assert_accessible(chart)
    bars = cells(svg, "bar")
    assert len(bars) == sum(1 for _d, n in series if n)
    assert len(cells(svg, "slot")) == 30
    assert cells(svg, "today")[0][0].text == "Tue 10 Mar 2026: 4 reviews"
    assert len(chart.rows) == 30 and chart.rows[-1] == ("Tue 10 Mar 2026", "4")
    assert chart.summary == (
        "34 reviews from Mon 9 Feb 2026 to Tue 10 Mar 2026; "
        "the most on Tue 10 Mar 2026 (4)."
    )


def test_bar_heights_are_scaled_to_the_busiest_day():
    series = [(TODAY, 10), (TODAY + timedelta(days=1), 5)]
    svg = parsed(charts.bar_chart(series, chart_id="f", title="t", unit="card"))
    heights = [float(r.get("height")) for r in cells(svg, "bar")]
    assert heights == [charts.BAR_HEIGHT, charts.BAR_HEIGHT / 2]


def test_score_history_plots_each_attempt():
    points = [
        charts.ScorePoint(at(2026, 3, 1, 9), 40.0, "practice", "docker"),
        charts.ScorePoint(at(2026, 3, 5, 9), 80.0, "exam", "docker", passed=True),
    ]
    chart = charts.score_history(points)
    svg = assert_accessible(chart)
    circles = [
        c for c in svg.iter(f"{SVG}circle") if len(c)
    ]  # the legend's have no title
    assert [c.get("class") for c in circles] == ["point quiz", "point exam"]
    assert [t.text for t in svg.iter(f"{SVG}text")][-2:] == ["Quiz", "Mock exam"]
    assert float(circles[0].get("cy")) > float(circles[1].get("cy"))  # 40 below 80
    assert svg.find(f"{SVG}polyline") is not None
    assert chart.rows[1] == ("Thu 5 Mar 2026", "docker", "Mock exam", "80%", "passed")
    assert "2 quizzes so far; the latest scored 80% and the best 80%." == chart.summary


def test_score_history_with_one_or_no_attempt():
    one = charts.score_history([charts.ScorePoint(at(2026, 3, 1), 55, "drill", "")])
    assert_accessible(one)
    assert one.summary.startswith("1 quiz so far")
    assert charts.score_history([]).summary == "No quizzes taken yet."
