"""Markdown becomes safe HTML: highlighted code, tables, anchors, no scripts."""

from __future__ import annotations

import threading

import pytest

from study.markdown import one_line, render_markdown, render_note


def test_renders_markdown():
    """Inline code, tables and lists come out as HTML."""
    html = render_markdown("Run `docker ps`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<p>Run <code>docker ps</code>.</p>" in html
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_code_is_highlighted_with_classes():
    """Fenced code goes through Pygments with CSS classes, not inline styles."""
    html = render_markdown("```python\nprint(1)\n```\n")
    assert '<div class="highlight">' in html
    assert '<span class="nb">print</span>' in html
    assert "style=" not in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ("![pixel](https://example.com/p.png)", "<img"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href="data:text/html,hi">x</a>', "data:"),
        ('<p onclick="alert(1)">x</p>', "onclick"),
        ("<iframe src=https://example.com></iframe>", "<iframe"),
        ('<p style="position:fixed">x</p>', "position"),
    ],
)
def test_sanitizes(text, forbidden):
    """Scripts, event handlers, images and unsafe links are removed."""
    assert forbidden not in render_markdown(text)


def test_safe_links_get_rel():
    """http(s), mailto and relative links stay, marked noopener noreferrer."""
    html = render_markdown(
        "[a](https://docs.docker.com) [b](mailto:x@example.com) [c](/notes/docker)"
    )
    assert 'href="https://docs.docker.com"' in html
    assert 'href="mailto:x@example.com"' in html
    assert 'href="/notes/docker"' in html
    assert html.count('rel="noopener noreferrer"') == 3


def test_note_contents_lists_h2_and_h3():
    """render_note returns the HTML and (level, anchor, title) of h2/h3."""
    html, contents = render_note(
        "# Title\n\n## Ports & `EXPOSE`\n\ntext\n\n### Publishing\n\n#### Deep\n\n"
        "## Next\n"
    )
    assert '<h2 id="ports-expose">' in html
    assert contents == [
        (2, "ports-expose", "Ports & EXPOSE"),
        (3, "publishing", "Publishing"),
        (2, "next", "Next"),
    ]


def test_converter_state_does_not_leak_between_calls():
    """Each call starts fresh: headings of one note never show up in the next."""
    render_note("## One\n")
    assert render_note("## Two\n")[1] == [(2, "two", "Two")]
    assert render_note("No headings.")[1] == []


def test_threads_render_independently():
    """Rendering from many threads at once gives each its own result."""
    results: dict[int, list] = {}

    def work(number: int) -> None:
        for _ in range(20):
            results[number] = render_note(f"## Heading {number}\n\nText.")[1]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: [(2, f"heading-{n}", f"Heading {n}")] for n in range(8)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What does `docker ps -a` show?", "What does <code>docker ps -a</code> show?"),
        (
            "Is **<script>** `a<b`\n  safe?",
            "Is &lt;script&gt; <code>a&lt;b</code> safe?",
        ),
        (
            "Which option of `docker run` keeps `STDIN` open even when not attached?",
            "Which option of <code>docker run</code> keeps…",
        ),
    ],
)
def test_one_line_keeps_code_spans_and_escapes_the_rest(text, expected):
    assert one_line(text, 40 if len(text) > 60 else 90) == expected


def test_one_line_never_leaves_a_code_span_open():
    line = one_line("Run `docker container prune --filter until=24h` now", 30)
    assert line == "Run…" and "`" not in line
