"""Static checks of the container files: no Docker engine is needed.

The Dockerfile is read with a small parser (comments skipped, `\\` continuations
joined, each line split into instruction and arguments); compose.yaml with
yaml.safe_load.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY", re.IGNORECASE)
ROOT_USERS = {"root", "0"}
INTERPOLATION = re.compile(r"\$\{[^}]*\}")  # ${VAR}, ${VAR:-default}, ${VAR:?error}


def parse_dockerfile(text: str) -> list[tuple[str, str]]:
    """Return (INSTRUCTION, arguments) for every instruction in a Dockerfile."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            instruction, _, args = line.partition(" ")
            instructions.append((instruction.upper(), args.strip()))
    if pending.strip():
        instruction, _, args = pending.strip().partition(" ")
        instructions.append((instruction.upper(), args.strip()))
    return instructions


def split_stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group instructions by build stage; each stage starts with its FROM."""
    stages: list[list[tuple[str, str]]] = []
    for instruction in instructions:
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def from_image(args: str) -> str:
    """The image of a FROM line, without flags such as --platform or `AS name`."""
    return next(word for word in args.split() if not word.startswith("--"))


def assignments(instruction: str, args: str) -> list[tuple[str, str]]:
    """The (name, value) pairs that an ENV, ARG or LABEL line defines."""
    words = shlex.split(args)
    if instruction == "ENV" and words and "=" not in words[0]:
        name, _, value = args.partition(" ")
        return [(name, value.strip())]
    return [(word.partition("=")[0], word.partition("=")[2]) for word in words]


def index_of(stage: list[tuple[str, str]], instruction: str, pattern: str) -> int:
    """Position of the first `instruction` whose arguments match `pattern`."""
    for position, (name, args) in enumerate(stage):
        if name == instruction and re.search(pattern, args):
            return position
    raise AssertionError(f"no {instruction} matching {pattern!r}")


def is_source_copy(args: str) -> bool:
    """Say whether a COPY line copies the whole build context (the source)."""
    words = [word for word in args.split() if not word.startswith("--")]
    return len(words) >= 2 and words[0] in {".", "./"}


@pytest.fixture(scope="module")
def stages() -> list[list[tuple[str, str]]]:
    return split_stages(parse_dockerfile((ROOT / "Dockerfile").read_text()))


@pytest.fixture(scope="module")
def final(stages) -> list[tuple[str, str]]:
    return stages[-1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_parser_joins_continuations_and_skips_comments():
    text = "# syntax\nFROM a:1 AS b\nRUN x \\\n  # note\n  && y\n\nUSER app\n"
    assert parse_dockerfile(text) == [
        ("FROM", "a:1 AS b"),
        ("RUN", "x && y"),
        ("USER", "app"),
    ]


def test_build_has_a_builder_and_a_final_stage(stages):
    assert len(stages) >= 2


def test_final_base_is_small_and_pinned_by_tag(final):
    image = from_image(final[0][1])
    name, _, tag = image.partition(":")
    assert "slim" in tag or "alpine" in tag or "alpine" in name
    assert tag and tag != "latest"


def test_requirements_are_installed_before_the_source_is_copied(stages):
    stage = next(s for s in stages if any("requirements" in a for _, a in s))
    copied = index_of(stage, "COPY", r"requirements\.txt")
    installed = index_of(stage, "RUN", r"pip install .*requirements")
    sources = [i for i, (n, a) in enumerate(stage) if n == "COPY" and is_source_copy(a)]
    assert copied < installed
    assert all(installed < source for source in sources)


def test_final_stage_copies_the_source(final):
    assert any(name == "COPY" and is_source_copy(args) for name, args in final)


def test_final_stage_takes_dependencies_from_the_builder(final):
    assert any(name == "COPY" and "--from=" in args for name, args in final)


def test_final_stage_installs_no_build_tools(final):
    runs = " ".join(args for name, args in final if name == "RUN")
    assert not re.search(r"build-essential|\bgcc\b|\bg\+\+|\bmake\b", runs)


def test_final_stage_runs_as_a_non_root_user_before_cmd(final):
    users = [i for i, (name, _) in enumerate(final) if name == "USER"]
    cmd = index_of(final, "CMD", r".")
    assert users and users[-1] < cmd
    user = final[users[-1]][1].partition(":")[0]
    assert user not in ROOT_USERS


def test_sets_a_workdir(final):
    assert any(name == "WORKDIR" for name, _ in final)


def test_python_does_not_buffer_or_write_bytecode(final):
    env = dict(pair for n, a in final if n == "ENV" for pair in assignments(n, a))
    assert env.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert env.get("PYTHONUNBUFFERED") == "1"


def test_healthcheck_probes_healthz(final):
    assert "/healthz" in final[index_of(final, "HEALTHCHECK", r"CMD")][1]


def test_exposes_port_8000(final):
    assert "8000" in final[index_of(final, "EXPOSE", r".")][1].split()


def test_cmd_runs_gunicorn_with_its_config(final):
    cmd = final[index_of(final, "CMD", r".")][1]
    assert "gunicorn" in cmd and "gunicorn.conf.py" in cmd and "app:app" in cmd
    assert "--no-control-socket" in cmd


def test_no_secret_is_baked_into_the_image(stages):
    baked = [
        (name, value)
        for stage in stages
        for instruction, args in stage
        if instruction in {"ENV", "ARG", "LABEL"}
        for name, value in assignments(instruction, args)
        if SECRET_NAME.search(name) and value
    ]
    assert baked == []


def test_entrypoint_execs_the_command():
    script = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert re.search(r'^\s*exec "\$@"', script, re.MULTILINE)
    assert "db upgrade" in script and "content import" in script


@pytest.mark.parametrize("pattern", [".git", ".venv", "instance", ".env"])
def test_dockerignore_excludes(pattern):
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    assert pattern in {line.strip().strip("/") for line in lines}


def test_compose_has_no_version_key(compose):
    assert "version" not in compose


@pytest.mark.parametrize("service", ["app", "db", "redis"])
def test_compose_service_has_a_healthcheck(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


def test_compose_app_waits_for_healthy_db_and_redis(compose):
    depends = compose["services"]["app"]["depends_on"]
    for service in ("db", "redis"):
        assert depends[service]["condition"] == "service_healthy"


def test_compose_keeps_the_database_in_a_named_volume(compose):
    volumes = compose["services"]["db"]["volumes"]
    sources = {str(volume).partition(":")[0] for volume in volumes}
    assert sources & set(compose["volumes"])


def test_compose_services_share_a_user_defined_network(compose):
    for service in ("app", "db", "redis"):
        assert set(compose["services"][service]["networks"]) & set(compose["networks"])


def test_compose_holds_no_literal_secret(compose):
    literal = []
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.partition("=")[::2] for item in environment)
        for key, value in environment.items():
            value = INTERPOLATION.sub("\0", str(value))
            password = re.search(r"://[^:/@]+:([^@]+)@", value)
            if SECRET_NAME.search(key) and value and value != "\0":
                literal.append((name, key))
            if password and password.group(1) != "\0":
                literal.append((name, key))
    assert literal == []
