"""The Docker pack's content: enough scenario questions in every topic, wrong
options explained, every seed section taught, exam weights that add up, and the
fact-check's corrections taught (with the notes saying what changed).

Runs on the pack's files only, without the database.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from study.packs import Option, Pack, Question, load_pack
from study.packs.order import family

ROOT = Path(__file__).parents[2]
DOCKER = ROOT / "content" / "docker"
SEED = ROOT.parent / "shared" / "seed" / "docker-notes.txt"
MIN_SCENARIOS = 60
MIN_SCENARIOS_PER_TOPIC = 4
SCENARIO_WORDS = 15  # a prompt this long sets a scene rather than asking a definition
EXPLANATION_WORDS = 20


@pytest.fixture(scope="module")
def pack() -> Pack:
    """Load the Docker pack once."""
    return load_pack(DOCKER)


def written(pack: Pack) -> list[Question]:
    """Return the hand-written questions (questions/*.yaml)."""
    return [q for q in pack.questions if q.id.startswith("docker:question:")]


def flat(text: str) -> str:
    """Return text with every run of whitespace made one space."""
    return " ".join(text.split())


def table(name: str) -> dict:
    """Return a table file of the pack as plain YAML."""
    return yaml.safe_load((DOCKER / "tables" / f"{name}.yaml").read_text("utf-8"))


# --- scenario questions and their explanations ---------------------------------


def test_scenario_questions_cover_every_topic(pack):
    """At least 60 hand-written choice questions that describe a situation, and
    a few in every topic."""
    scenarios = [
        q
        for q in written(pack)
        if q.kind in ("single", "multiple") and len(q.prompt.split()) >= SCENARIO_WORDS
    ]
    assert len(scenarios) >= MIN_SCENARIOS
    per_topic = Counter(q.topic for q in scenarios)
    thin = {
        topic.id: per_topic[topic.id]
        for topic in pack.topics
        if per_topic[topic.id] < MIN_SCENARIOS_PER_TOPIC
    }
    assert not thin, thin


def test_every_explanation_is_substantial(pack):
    """No hand-written question gets away with a one-line explanation."""
    short = [
        q.id for q in written(pack) if len(q.explanation.split()) < EXPLANATION_WORDS
    ]
    assert not short


STOPWORDS = frozenset(
    "the and for are its this that with from not but then than you your can does"
    " which what when who will would any all each every into out use used uses"
    " using own has have same other more most also just them they there their"
    " these those was were been being less new must may might should could about"
    " because only how why where".split()
)
NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
NUMBERS |= {"six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
TOKEN = re.compile(r"/[\w./-]*|-*[a-z0-9][\w.-]*")
# An option that only leaves something out of the right answer is answered by
# saying what is missing.
SAYS_WHAT_IS_MISSING = re.compile(r"\b(without|plain|alone|missing)\b", re.IGNORECASE)


def tokens(text: str) -> set[str]:
    """Return the words that identify what a text talks about: paths, flags,
    numbers and names whole, other words by their first four letters."""
    found = set()
    for raw in TOKEN.findall(text.lower()):
        if raw.startswith("/"):
            found.add(raw.rstrip("."))
            continue
        word = NUMBERS.get(raw.strip(".-_"), raw.strip(".-_"))
        if not word.isalpha():
            found.add(word)
        elif raw.startswith("-") or (len(word) >= 3 and word not in STOPWORDS):
            found.add(word[:4])
    return found


def unexplained_options(question: Question) -> list[str]:
    """Return the wrong options the explanation says nothing about."""
    explained = tokens(question.explanation)
    plain_explanation = flat(question.explanation.replace("`", "")).lower()
    right = set().union(*(tokens(o.text) for o in question.options if o.correct))
    missing = []
    for option in question.options:
        if option.correct:
            continue
        own = tokens(option.text) - right
        quoted = flat(option.text.replace("`", "")).lower().rstrip(".")
        if own & explained or quoted in plain_explanation:
            continue
        if not own and SAYS_WHAT_IS_MISSING.search(question.explanation):
            continue
        missing.append(option.text)
    return missing


def test_explanations_address_every_wrong_option(pack):
    """Each wrong option of a choice question is named in its explanation by
    something only that option says (a word, a flag, a path or a number)."""
    choice = [q for q in written(pack) if q.kind in ("single", "multiple")]
    unexplained = {q.id: unexplained_options(q) for q in choice}
    assert not {name: left for name, left in unexplained.items() if left}


def test_the_option_check_catches_an_explanation_of_the_right_answer_only():
    """The check above fails an explanation that ignores the wrong options."""
    question = Question(
        id="docker:question:x",
        pack="docker",
        topic="cli",
        note="cli-containers",
        kind="single",
        prompt="Which command lists stopped containers too?",
        options=(
            Option("`docker ps -a`", True),
            Option("`docker images`"),
            Option("`docker stats`"),
        ),
        explanation="`docker ps -a` lists every container, stopped ones too.",
    )
    assert unexplained_options(question) == ["`docker images`", "`docker stats`"]


# --- the seed's sections --------------------------------------------------------

# Each top-level section of the seed notes, and the notes that teach it.
SEED_SECTIONS = {
    "Containers": ["containers"],
    "Containers vs VM's": ["containers-vs-vms"],
    "Images vs. Containers": ["images-vs-containers"],
    "Dockerfile Basics": ["dockerfile-instructions", "dockerfile-layers"],
    "Dockerfile Optimization": ["build-cache", "dockerfile-optimization"],
    "Docker CLI Commands": [
        "cli-basics",
        "cli-images",
        "cli-containers",
        "registries",
        "compose",
        "cli-volumes",
        "custom-networks",
    ],
    "Exceptions": ["root-user"],
    "Multi-Stage Builds in docker": ["multi-stage-builds"],
    "Docker networking": ["network-drivers", "custom-networks", "network-security"],
    "Docker security": [
        "namespaces",
        "cgroups",
        "capabilities",
        "security-profiles",
        "image-security",
        "hardening",
    ],
    "Docker Volumes": ["volumes", "cli-volumes", "volume-backups", "storage-drivers"],
    "Docker Troubleshooting": ["troubleshooting", "resource-limits"],
}
# The seed's subsections, each with the note teaching it and a phrase it uses.
SEED_SUBSECTIONS = [
    ("Isolation", "containers", "## Isolation"),
    ("Portability", "containers", "## Portability"),
    ("Lightweight", "containers", "## Lightweight"),
    ("Image-Based", "containers", "writable layer"),
    ("Architecture", "containers-vs-vms", "hypervisor"),
    ("Resource Usage", "containers-vs-vms", "## Resource usage"),
    ("Performance", "containers-vs-vms", "## Performance"),
    ("Management", "containers-vs-vms", "## Management"),
    ("Order Dockerfile Instructions", "dockerfile-optimization", "stable to volatile"),
    ("Minimize the Number of Layers", "dockerfile-optimization", "same `RUN`"),
    ("Copy Dependencies Separately", "dockerfile-optimization", "requirements.txt"),
    ("Use .dockerignore", "dockerfile-optimization", ".dockerignore"),
    ("Use Multi-Stage Builds", "dockerfile-optimization", "multi-stage"),
    ("General Commands", "cli-basics", "docker info"),
    ("Data root and daemon.json", "cli-basics", "daemon.json"),
    ("Docker Images", "cli-images", "docker tag"),
    ("Docker Containers", "cli-containers", "docker ps -a"),
    ("Docker Networks", "custom-networks", "docker network ls"),
    ("Docker Volumes (CLI)", "cli-volumes", "docker volume ls"),
    ("Docker Compose", "compose", "docker compose up"),
    ("Docker Registries", "registries", "docker push"),
    ("Option 1: switch users", "root-user", "USER root"),
    ("Option 2: run as root", "root-user", "--user root"),
    ("Option 3: exec as root", "root-user", "exec -u root"),
    ("Multi-stage benefits", "multi-stage-builds", "Benefits"),
    ("Advanced Use Cases", "multi-stage-builds", "language"),
    ("Networking Modes", "network-drivers", "macvlan"),
    ("Custom Docker networks", "custom-networks", "docker network connect"),
    ("Network Security", "network-security", "encrypted"),
    ("Network Scopes", "network-security", "scope"),
    ("Namespace Isolation", "namespaces", "UTS"),
    ("Control Groups", "cgroups", "memory"),
    ("Capabilities and Privileges", "capabilities", "--cap-drop=ALL"),
    ("Security Profiles", "security-profiles", "AppArmor"),
    ("Image Security", "image-security", "Trivy"),
    ("Container Hardening", "hardening", "--read-only"),
    ("Audit and Monitoring", "hardening", "Docker Bench"),
    ("Access Control", "hardening", "least privilege"),
    ("Notary and Content Trust", "image-security", "DOCKER_CONTENT_TRUST"),
    ("Regular Updates", "hardening", "patch"),
    ("Types of Volumes", "volumes", "anonymous"),
    ("Mounting Volumes", "volumes", "--mount"),
    ("Persistent Data Storage", "volume-backups", "backup.tar"),
    ("Storage Drivers", "storage-drivers", "copy-on-write"),
    ("Accessing and monitoring logs", "troubleshooting", "journalctl"),
    ("Limiting CPU and memory usage", "resource-limits", "--memory-swap"),
]
SEED_HEADING = re.compile(r"^- (?P<title>.*?)[\s:-]*$")


def test_seed_headings_are_the_mapped_sections():
    """The seed's top-level headings are exactly the sections mapped above."""
    if not SEED.is_file():
        pytest.skip("the seed notes are not next to the project")
    headings = [
        match["title"]
        for line in SEED.read_text("utf-8").splitlines()
        if (match := SEED_HEADING.match(line))
    ]
    assert headings == list(SEED_SECTIONS)


def test_every_note_teaches_a_seed_section(pack):
    """Every mapped note exists, and every note of the pack is mapped."""
    mapped = {note for notes in SEED_SECTIONS.values() for note in notes}
    assert mapped == {note.id for note in pack.notes}


@pytest.mark.parametrize(
    ("note", "phrase"),
    [pytest.param(note, phrase, id=name) for name, note, phrase in SEED_SUBSECTIONS],
)
def test_seed_subsection_is_taught(pack, note, phrase):
    """Each subsection of the seed is covered by the note it maps to."""
    assert phrase.lower() in pack.note(note).body.lower()


# --- exam weights -----------------------------------------------------------------


def test_topic_weights_are_exam_shares(pack):
    """Every topic counts in a mock exam, and the shares add up to 100."""
    assert all(topic.weight > 0 for topic in pack.topics)
    assert sum(topic.weight for topic in pack.topics) == 100


# --- corrections from docker-fact-check.md ---------------------------------------

DEFAULT_CAPABILITIES = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}
# (correction, note, what the note says changed, card, what the card teaches)
CORRECTIONS = [
    (
        "compose-v2",
        "compose",
        ["The original notes used `docker-compose up`", "`docker compose up`"],
        "compose:v2-command",
        ["`docker compose`", "Compose V2", "retired"],
    ),
    (
        "compose-down-keeps-volumes",
        "compose",
        ["The original notes said `down` removes volumes too; it does not"],
        "compose:seed-down-correction",
        ["removes containers and networks only", "`-v`"],
    ),
    (
        "default-capabilities",
        "capabilities",
        ["A correction to the original notes", "**already granted** by default"],
        "capabilities:default-count",
        ["14:", *(f"`{name}`" for name in sorted(DEFAULT_CAPABILITIES))],
    ),
    (
        "layers",
        "dockerfile-layers",
        [
            "The original notes answered both questions wrongly",
            "`ARG`, `SHELL`, `ONBUILD`",
            "changes only the image's metadata",
            "`FROM` adds no layer",
        ],
        "dockerfile-layers:which-add-layers",
        ["`RUN`, `COPY` and `ADD`", "`WORKDIR` when it has to create"],
    ),
    (
        "user-namespaces-off",
        "namespaces",
        ["The original notes listed the USER namespace", "**not enabled by default**"],
        "namespaces:userns-default",
        ["No.", "`userns-remap`"],
    ),
    (
        "dns-on-user-defined-networks",
        "network-drivers",
        ["The original notes said that containers on a bridge network"],
        "network-drivers:default-bridge-dns",
        ["No.", "only on user-defined networks"],
    ),
    (
        "rm-force",
        "cli-containers",
        ["The original notes said a container must be stopped"],
        "cli-containers:seed-rm-correction",
        ["`docker rm -f` kills and removes"],
    ),
    (
        "restore-strip-components",
        "volume-backups",
        ["The original notes restore it like this", "--strip-components 2"],
        "volume-backups:restore-fix-strip",
        ["--strip-components 2"],
    ),
    (
        "scout-replaces-scan",
        "image-security",
        ['The original notes recommended "Docker Security Scanning"'],
        "image-security:docker-scan-retired",
        ["`docker scout cves", "retired"],
    ),
]


@pytest.mark.parametrize(
    ("note", "changed", "card", "taught"),
    [pytest.param(*case[1:], id=case[0]) for case in CORRECTIONS],
)
def test_correction_is_taught(pack, note, changed, card, taught):
    """The note says what the original notes got wrong; a card teaches the fix."""
    body = flat(pack.note(note).body)
    assert [phrase for phrase in changed if phrase not in body] == []
    [found] = [c for c in pack.cards if c.id == f"docker:note:{card}"]
    text = flat(f"{found.front} {found.back}")
    assert [phrase for phrase in taught if phrase not in text] == []


def test_capability_table_grants_exactly_the_default_set():
    """The capability table marks the 14 defaults, and only those, as granted."""
    rows = table("capabilities")["rows"]
    granted = {row["name"] for row in rows if row["granted_by_default"]}
    assert granted == DEFAULT_CAPABILITIES
    withheld = {row["name"] for row in rows if not row["granted_by_default"]}
    assert {"SYS_ADMIN", "NET_ADMIN", "SYS_TIME", "SYS_PTRACE", "IPC_LOCK"} <= withheld


def test_only_run_copy_and_add_always_add_a_layer():
    """The instruction table fixes the seed's "creates a layer" column."""
    rows = {row["name"]: row for row in table("instructions")["rows"]}
    adds = {name for name, row in rows.items() if row.get("adds_layer") is True}
    assert adds == {"RUN", "COPY", "ADD"}
    assert "adds_layer" not in rows["WORKDIR"]  # only when it creates the folder
    for name in ("ENV", "USER", "LABEL", "ARG", "SHELL", "ONBUILD", "FROM"):
        assert rows[name]["adds_layer"] is False, name


def test_compose_v1_commands_appear_only_as_history(pack):
    """A card naming a `docker-compose` command says it is the retired V1."""
    v1_command = re.compile(r"docker-compose (up|down|build|logs|exec|ps|run)\b")
    untaught = [
        card.id
        for card in pack.cards
        if v1_command.search(card.front + card.back)
        and not re.search(r"retired|V1|original notes", card.front + card.back)
    ]
    assert untaught == []
    assert any("`docker compose up" in card.back for card in pack.cards)


def test_siblings_are_never_next_to_each_other(pack):
    """A table row's second question, or a cloze's second gap, would give
    away the first: in the new-card order they come a topic's turn later, and
    never right after each other."""
    cards = pack.cards
    families = [family(card) for card in cards]
    assert len(set(families)) < len(families)  # the pack has siblings
    for one, other in zip(families, families[1:], strict=False):
        assert one != other
    by_family: dict[str, list[int]] = {}
    for card in cards:
        by_family.setdefault(family(card), []).append(card.position)
    gaps = [
        later - earlier
        for spots in by_family.values()
        for earlier, later in zip(spots, spots[1:], strict=False)
    ]
    assert sorted(gaps)[len(gaps) // 2] >= 20  # most a day's new cards apart


def test_placeholders_survive_into_every_question(pack):
    """`<container>` in a command is text, not an HTML tag to strip: each
    rendered prompt, option and pair keeps every placeholder its source has,
    and no question offers two options that read the same."""
    from study.packs.importer import render_inline

    placeholder = re.compile(r"<([a-z][a-z0-9-]*)>")
    for question in pack.questions:
        texts = [o.text for o in question.options]
        texts += [side for pair in question.pairs for side in pair]
        rendered = [render_inline(text) for text in texts]
        for text, html in zip(texts, rendered, strict=True):
            for name in placeholder.findall(text):
                assert f"&lt;{name}&gt;" in html, (question.id, text, html)
        options = [render_inline(o.text) for o in question.options]
        assert len(set(options)) == len(options), question.id
