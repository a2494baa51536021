"""The good example pack loads into exactly the cards and questions it describes."""

from __future__ import annotations

import pytest

from study.packs import (
    Card,
    ExamSettings,
    Option,
    Question,
    Topic,
    find_pack_dirs,
    load_pack,
    validate,
)
from tests.packs.demo import GOOD

NOTE = "notes/shell-basics.md"
TABLE = "tables/signals.yaml"


@pytest.fixture(scope="module")
def pack():
    """Load the good example pack once."""
    return load_pack(GOOD)


def test_good_pack_has_no_problems():
    """The example pack validates clean."""
    assert validate(GOOD) == []


def test_pack_settings(pack):
    """pack.yaml's fields, topics in order and exam settings are read."""
    assert (pack.id, pack.title, pack.version) == ("good", "Good example", 2)
    assert pack.description.startswith("A small pack")
    assert pack.topics == (
        Topic("shell", "The shell", 1, 60),
        Topic("signals", "Signals", 2, 40),
    )
    assert pack.exam == ExamSettings(questions=10, minutes=15, pass_mark=70)
    assert pack.root == GOOD
    assert pack.topic("signals").weight == 40
    assert pack.topic("nope") is None


def test_notes_lose_their_cards_and_cloze_markers(pack):
    """A note's body keeps the reading text, clozes shown as text."""
    assert [n.id for n in pack.notes] == ["shell-basics", "signals"]
    note = pack.note("shell-basics")
    assert (note.topic, note.title, note.order, note.source) == (
        "shell",
        "Shell basics",
        1,
        NOTE,
    )
    assert note.body == (
        "The shell reads a command line and runs it.\n\n"
        "## Moving around\n\n"
        "The root user has user ID 0.\n\n"
        "### Listing\n\n"
        "Only `ls -a` shows hidden files, whose names\nstart with a dot.\n\n"
        "```sh\nls -a\nQ[not-a-card]: this line is code\n```"
    )


def test_card_ids_in_pack_order(pack):
    """Cards come by topic, then by turn among their siblings (a cloze's gaps,
    a table row's questions), then note and file; IDs follow the format."""
    table = "good:table:signals:"
    assert [card.id for card in pack.cards] == [
        "good:note:shell-basics:pwd",
        "good:note:shell-basics:cd-home",
        "good:note:shell-basics:root-uid:c1",
        "good:note:shell-basics:hidden:c1",
        "good:note:shell-basics:root-uid:c2",
        "good:note:shell-basics:hidden:c2",
        "good:note:signals:kill-sends",
        *(
            table + suffix
            for suffix in [
                "sigterm:meaning",
                "sigkill:meaning",
                "sighup:meaning",
                "sigstop:meaning",
                "sigtstp:meaning",
                "sigterm:send",
                "sigkill:send",
                "sighup:send",
                "sigtstp:catch",
                "sigterm:catch",
                "sigkill:also-called",
                "sighup:catch",
                "sigterm:also-called",
            ]
        ),
    ]
    assert [card.position for card in pack.cards] == list(range(20))


def test_question_and_answer_card(pack):
    """A Q/A block spanning lines becomes one card."""
    assert pack.card("good:note:shell-basics:cd-home") == Card(
        id="good:note:shell-basics:cd-home",
        pack="good",
        topic="shell",
        note="shell-basics",
        kind="qa",
        front="What does `cd` with no argument do?",
        back="It changes to your home directory,\nthe one in `$HOME`.",
        source=NOTE,
        position=1,
    )


def test_cloze_cards_hide_one_number_at_a_time(pack):
    """Clozes of one number hide together, with hints; the answer is bold."""
    first = pack.card("good:note:shell-basics:hidden:c1")
    second = pack.card("good:note:shell-basics:hidden:c2")
    assert first.kind == second.kind == "cloze"
    assert first.front == (
        "Only [...] shows [which files?], whose names\nstart with a dot."
    )
    assert first.back == (
        "Only **`ls -a`** shows **hidden files**, whose names\nstart with a dot."
    )
    assert second.front == (
        "Only `ls -a` shows hidden files, whose names\nstart with [...]."
    )
    assert second.back == (
        "Only `ls -a` shows hidden files, whose names\nstart with **a dot**."
    )


def test_table_cards_fill_templates(pack):
    """Templates insert row values; bools print yes/no, lists join with commas."""
    catch = pack.card("good:table:signals:sigterm:catch")
    assert catch == Card(
        id="good:table:signals:sigterm:catch",
        pack="good",
        topic="signals",
        note="signals",
        kind="table",
        front="How does a program handle `SIGTERM`?",
        back="It installs a handler; `SIGTERM` can be caught: yes.",
        source=TABLE,
        position=16,
    )
    assert pack.card("good:table:signals:sigkill:also-called").back == "KILL, 9"
    # `when: catchable` skips rows where the bool is false
    assert pack.card("good:table:signals:sigkill:catch") is None
    # a template using a column the row leaves out is skipped
    assert pack.card("good:table:signals:sigstop:send") is None


def test_question_ids_in_pack_order(pack):
    """Questions come by topic, then note, then tables before question files."""
    table = "good:table:signals:"
    assert [q.id for q in pack.questions] == [
        "good:question:print-directory",
        "good:question:hidden-files",
        "good:question:root-is-zero",
        "good:question:type-list-all",
        "good:question:type-home",
        "good:question:match-signals",
        *(
            table + suffix
            for suffix in [
                "sigterm:which-signal",
                "sigterm:can-catch",
                "sigterm:type-send",
                "sigkill:which-signal",
                "sigkill:can-catch",
                "sigkill:type-send",
                "sighup:which-signal",
                "sighup:can-catch",
                "sighup:type-send",
                "sigstop:which-signal",
                "sigstop:can-catch",
                "sigtstp:which-signal",
                "sigtstp:can-catch",
                "match-send",
            ]
        ),
    ]
    assert [q.position for q in pack.questions] == list(range(20))


def test_table_choice_question(pack):
    """A choice row gets every eligible distractor and pick=3."""
    question = pack.question("good:table:signals:sighup:which-signal")
    assert question == Question(
        id="good:table:signals:sighup:which-signal",
        pack="good",
        topic="signals",
        note="signals",
        kind="single",
        prompt="Which signal tells a daemon to reload its configuration?",
        options=(
            Option("SIGHUP", True),
            Option("SIGTERM"),
            Option("SIGKILL"),
            Option("SIGSTOP"),
            Option("SIGTSTP"),
        ),
        pick=3,
        explanation="`SIGHUP` tells a daemon to reload its configuration.",
        cards=(
            "good:table:signals:sighup:meaning",
            "good:table:signals:sighup:send",
            "good:table:signals:sighup:catch",
        ),
        source=TABLE,
        position=12,
    )


def test_rows_asking_the_same_are_not_distractors(pack):
    """SIGSTOP and SIGTSTP both 'pause a process': neither is the other's decoy."""
    stop = pack.question("good:table:signals:sigstop:which-signal")
    assert stop.prompt == "Which signal pauses a process?"
    assert [o.text for o in stop.options] == ["SIGSTOP", "SIGTERM", "SIGKILL", "SIGHUP"]
    tstp = pack.question("good:table:signals:sigtstp:which-signal")
    assert "SIGSTOP" not in [o.text for o in tstp.options]


def test_table_truefalse_typed_and_matching(pack):
    """Bool answers become truth; command columns become command answers."""
    catch = pack.question("good:table:signals:sigkill:can-catch")
    assert (catch.kind, catch.truth, catch.prompt) == (
        "truefalse",
        False,
        "A process can catch `SIGKILL`.",
    )
    assert catch.explanation == "Can `SIGKILL` be caught? no."
    typed = pack.question("good:table:signals:sigkill:type-send")
    assert (typed.kind, typed.answers, typed.answer_type) == (
        "typed",
        ("kill -9 <pid>",),
        "command",
    )
    match = pack.question("good:table:signals:match-send")
    assert match.kind == "matching"
    # A command column's values are code: `<pid>` stays, as written.
    assert match.pairs == (
        ("SIGTERM", "`kill <pid>`"),
        ("SIGKILL", "`kill -9 <pid>`"),
        ("SIGHUP", "`kill -HUP <pid>`"),
    )
    assert match.pick == 3
    assert match.cards[0] == "good:table:signals:sigterm:meaning"


def test_hand_written_questions(pack):
    """Every kind of hand-written question keeps its answer key."""
    single = pack.question("good:question:print-directory")
    assert single.options == (Option("`pwd`", True), Option("`cd`"), Option("`ls`"))
    assert single.cards == ("good:note:shell-basics:pwd",)
    assert single.pick is None
    multiple = pack.question("good:question:hidden-files")
    assert [o.correct for o in multiple.options] == [True, True, False, False]
    # a reference to a cloze key names every cloze card of the paragraph
    assert multiple.cards == (
        "good:note:shell-basics:hidden:c1",
        "good:note:shell-basics:hidden:c2",
    )
    truth = pack.question("good:question:root-is-zero")
    assert (truth.truth, truth.cards) == (True, ("good:note:shell-basics:root-uid:c2",))
    typed = pack.question("good:question:type-list-all")
    assert (typed.answers, typed.answer_type) == (("ls -a", "ls --all"), "command")
    home = pack.question("good:question:type-home")
    assert (home.answers, home.answer_type) == (("HOME",), "text")
    assert home.cards == ("good:note:shell-basics:cd-home",)


def test_question_topic_can_differ_from_its_note(pack):
    """`topic:` overrides the note's topic."""
    match = pack.question("good:question:match-signals")
    assert (match.topic, match.note) == ("signals", "shell-basics")
    assert match.pairs[0] == ("SIGTERM", "asks a process to stop")
    assert match.cards == (
        "good:table:signals:sigterm:meaning",
        "good:note:signals:kill-sends",
    )


def test_find_pack_dirs(tmp_path):
    """A pack folder is itself; a folder of packs gives the packs inside."""
    assert find_pack_dirs(GOOD) == [GOOD]
    assert find_pack_dirs(GOOD.parent) == [GOOD]
    assert find_pack_dirs(tmp_path) == []
    assert find_pack_dirs(tmp_path / "missing") == []


def test_validate_a_folder_of_packs(tmp_path):
    """validate checks every pack under a folder."""
    assert validate(GOOD.parent) == []
