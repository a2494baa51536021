"""The Moodle XML export, read back with an XML parser."""

import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from sqlalchemy import select

from study.exports import moodle
from study.exports.source import ExportQuestion
from study.extensions import db
from study.models import Question


def export(app, path) -> ET.Element:
    result = app.test_cli_runner().invoke(
        args=["export", "moodle", "starter", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 15 questions" in result.output
    return ET.parse(path).getroot()  # noqa: S314 - a file the test just wrote


@pytest.fixture
def quiz(app, starter, tmp_path):
    return export(app, tmp_path / "starter.xml")


@pytest.fixture
def stored(app, starter):
    with app.app_context():
        questions = db.session.scalars(select(Question)).all()
        db.session.expunge_all()
    return {q.key: q for q in questions}


def questions(quiz):
    return {
        q.findtext("idnumber"): q
        for q in quiz.iter("question")
        if q.get("type") != "category"
    }


def answers(question, correct=True):
    return [
        a.findtext("text")
        for a in question.findall("answer")
        if (float(a.get("fraction")) > 0) == correct
    ]


def test_questions_come_in_a_category_per_topic(quiz):
    categories = [
        q.findtext("category/text")
        for q in quiz.iter("question")
        if q.get("type") == "category"
    ]
    assert categories == [
        "$course$/Starter deck/Basics",
        "$course$/Starter deck/Extras",
    ]
    kinds = Counter(q.get("type") for q in quiz.iter("question"))
    assert kinds == {
        "category": 2,
        "multichoice": 6,
        "truefalse": 5,
        "shortanswer": 2,
        "matching": 2,
    }


def test_every_question_has_its_text_feedback_and_id(quiz, stored):
    found = questions(quiz)
    assert set(found) == set(stored)
    for key, question in found.items():
        assert question.find("questiontext").get("format") == "html"
        assert question.findtext("questiontext/text") == stored[key].data["prompt_html"]
        feedback = stored[key].data["explanation_html"]
        assert question.findtext("generalfeedback/text") == feedback != ""
        assert question.findtext("name/text")


def test_choice_questions_mark_the_right_options(quiz, stored):
    found = questions(quiz)
    single = found["starter:question:list-files"]
    assert single.findtext("single") == "true"
    assert answers(single) == ["<code>ls</code>"]
    assert len(answers(single, correct=False)) == 2
    several = found["starter:question:pick-two"]
    assert several.findtext("single") == "false"
    assert answers(several) == ["<code>echo</code>", "<code>cat</code>"]
    fractions = sorted(a.get("fraction") for a in several.findall("answer"))
    assert fractions == ["-50", "-50", "50", "50"]


def test_table_questions_have_the_answer_and_three_distractors(app, tmp_path, quiz):
    signals = {"SIGTERM", "SIGKILL", "SIGHUP", "SIGINT"}
    for name in signals:
        question = questions(quiz)[f"starter:table:signals:{name.lower()}:which"]
        options = [a.findtext("text") for a in question.findall("answer")]
        assert len(options) == 4 and set(options) == signals
        assert answers(question) == [name]
    again = export(app, tmp_path / "again.xml")
    assert ET.tostring(again) == ET.tostring(quiz)  # the same choice every time


def test_true_false_short_answer_and_matching_answers(quiz, stored):
    found = questions(quiz)
    for key, question in found.items():
        data = stored[key].data
        if question.get("type") == "truefalse":
            assert answers(question) == [str(data["truth"]).lower()]
        if question.get("type") == "shortanswer":
            assert answers(question) == data["answers"]
            assert question.findtext("usecase") == "0"
    pairs = {
        sub.findtext("text"): sub.findtext("answer/text")
        for sub in found["starter:question:match-commands"].findall("subquestion")
    }
    assert pairs == {
        "<code>grep</code>": "finds matching lines",
        "<code>wc</code>": "counts lines and words",
        "<code>ls</code>": "lists files",
    }
    signals = found["starter:table:signals:match"].findall("subquestion")
    assert len(signals) == 4
    assert {s.findtext("answer/text") for s in signals} >= {"is sent by Ctrl+C"}


@pytest.mark.parametrize(
    ("share", "written"),
    [(100, "100"), (50, "50"), (100 / 3, "33.3333"), (-25, "-25"), (0, "0")],
)
def test_fractions_are_ones_moodle_accepts(share, written):
    assert moodle.fraction(share).startswith(written)


def test_asterisks_are_not_wildcards_and_slashes_stay_in_category_names():
    question = ExportQuestion(
        key="k:typed",
        topic="t",
        kind="typed",
        prompt="Type `ls *`",
        data={"answers": ["ls *"], "prompt_html": "", "explanation_html": "x"},
    )
    quiz = ET.Element("quiz")
    moodle._shortanswer(quiz, question)
    assert answers(quiz.find("question")) == ["ls \\*"]
    assert moodle.category_path("CI/CD", "Builds") == "$course$/CI//CD/Builds"
