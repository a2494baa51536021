"""Grade a typed Docker CLI command by meaning, not by spelling.

A command line is parsed the way the Docker CLI parses it (cobra/pflag rules
for short, long and combined flags) into a canonical command path, options
and positional arguments, so `docker ps -a` = `docker container ls --all`.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple


class Flag(NamedTuple):
    """An option as the grader knows it: canonical name, whether it takes a value."""

    name: str
    takes_value: bool


FlagTable = dict[str, Flag]
Path = tuple[str, ...]


def flag_table(spec: str) -> FlagTable:
    """Map every spelling in a spec such as `a/all f/filter= network|net=` to a Flag."""
    table: FlagTable = {}
    for item in spec.split():
        short, _, longs = item.removesuffix("=").rpartition("/")
        names = longs.split("|")
        flag = Flag(names[0], item.endswith("="))
        table.update({f"--{name}": flag for name in names})
        if short:
            table[f"-{short}"] = flag
    return table


# Spec syntax: `s/long` has a short and a long spelling, `long|alias` more long
# spellings (the first is canonical), a trailing `=` means the flag takes a value.
_CONTAINER_CONFIG = (
    "a/attach= add-host= annotation= blkio-weight= blkio-weight-device= cap-add= "
    "cap-drop= cgroup-parent= cgroupns= cidfile= c/cpu-shares= cpu-period= "
    "cpu-quota= cpu-rt-period= cpu-rt-runtime= cpus= cpuset-cpus= cpuset-mems= "
    "device= device-cgroup-rule= device-read-bps= device-read-iops= "
    "device-write-bps= device-write-iops= disable-content-trust dns= "
    "dns-option|dns-opt= dns-search= domainname= entrypoint= e/env= env-file= "
    "expose= gpus= group-add= health-cmd= health-interval= health-retries= "
    "health-start-interval= health-start-period= health-timeout= h/hostname= init "
    "i/interactive ip= ip6= ipc= isolation= kernel-memory= l/label= label-file= "
    "link= link-local-ip= log-driver= log-opt= mac-address= m/memory= "
    "memory-reservation= memory-swap= memory-swappiness= mount= name= "
    "network|net= network-alias|net-alias= no-healthcheck oom-kill-disable "
    "oom-score-adj= pid= pids-limit= platform= privileged p/publish= "
    "P/publish-all pull= q/quiet read-only restart= rm runtime= security-opt= "
    "shm-size= stop-signal= stop-timeout= storage-opt= sysctl= tmpfs= t/tty "
    "ulimit= u/user= use-api-socket userns= uts= v/volume= volume-driver= "
    "volumes-from= w/workdir="
)
_BUILD = (
    "add-host= allow= annotation= attest= build-arg= build-context= builder= "
    "cache-from= cache-to= call= cgroup-parent= check compress f/file= force-rm "
    "iidfile= isolation= label= load m/memory= memory-swap= metadata-file= "
    "network= no-cache no-cache-filter= o/output= platform= progress= provenance= "
    "pull push q/quiet rm sbom= secret= shm-size= squash ssh= t/tag= target= ulimit="
)
_STOP = "s/signal= t/timeout|time="
_PRUNE = "a/all filter= f/force"

FLAG_SPECS: dict[Path, str] = {
    ("container", "run"): _CONTAINER_CONFIG + " d/detach detach-keys= sig-proxy",
    ("container", "create"): _CONTAINER_CONFIG,
    ("container", "exec"): (
        "d/detach detach-keys= e/env= env-file= i/interactive privileged t/tty "
        "u/user= w/workdir="
    ),
    ("container", "ls"): (
        "a/all f/filter= format= n/last= l/latest no-trunc q/quiet s/size"
    ),
    ("container", "rm"): "f/force l/link v/volumes",
    ("container", "logs"): "details f/follow since= n/tail= t/timestamps until=",
    ("container", "stop"): _STOP,
    ("container", "restart"): _STOP,
    ("container", "kill"): "s/signal=",
    ("container", "start"): (
        "a/attach checkpoint= checkpoint-dir= detach-keys= i/interactive"
    ),
    ("container", "stats"): "a/all format= no-stream no-trunc",
    ("container", "inspect"): "f/format= s/size",
    ("container", "attach"): "detach-keys= no-stdin sig-proxy",
    ("container", "cp"): "a/archive L/follow-link q/quiet",
    ("container", "commit"): "a/author= c/change= m/message= p/pause",
    ("container", "export"): "o/output=",
    ("container", "prune"): "filter= f/force",
    ("container", "update"): (
        "blkio-weight= cpu-period= cpu-quota= c/cpu-shares= cpus= cpuset-cpus= "
        "cpuset-mems= m/memory= memory-reservation= memory-swap= pids-limit= "
        "restart="
    ),
    ("inspect",): "f/format= s/size type=",
    ("image", "build"): _BUILD,
    ("image", "ls"): "a/all digests f/filter= format= no-trunc q/quiet tree",
    ("image", "rm"): "f/force no-prune platform=",
    ("image", "pull"): "a/all-tags disable-content-trust platform= q/quiet",
    ("image", "push"): "a/all-tags disable-content-trust platform= q/quiet",
    ("image", "history"): "format= H/human no-trunc platform= q/quiet",
    ("image", "save"): "o/output= platform=",
    ("image", "load"): "i/input= platform= q/quiet",
    ("image", "import"): "c/change= m/message= platform=",
    ("image", "inspect"): "f/format= platform=",
    ("image", "prune"): _PRUNE,
    ("network", "create"): (
        "attachable aux-address= config-from= config-only d/driver= gateway= "
        "ingress internal ip-range= ipam-driver= ipam-opt= ipv4 ipv6 label= o/opt= "
        "scope= subnet="
    ),
    ("network", "ls"): "f/filter= format= no-trunc q/quiet",
    ("network", "rm"): "f/force",
    ("network", "connect"): "alias= driver-opt= ip= ip6= link= link-local-ip=",
    ("network", "disconnect"): "f/force",
    ("network", "inspect"): "f/format= v/verbose",
    ("network", "prune"): "filter= f/force",
    ("volume", "create"): "d/driver= label= o/opt=",
    ("volume", "ls"): "cluster f/filter= format= q/quiet",
    ("volume", "rm"): "f/force",
    ("volume", "inspect"): "f/format=",
    ("volume", "prune"): _PRUNE,
    ("system", "df"): "format= v/verbose",
    ("system", "prune"): _PRUNE + " volumes",
    ("system", "info"): "f/format=",
    ("system", "events"): "f/filter= format= since= until=",
    ("builder", "prune"): _PRUNE + " keep-storage=",
    ("login",): "p/password= password-stdin u/username=",
    ("search",): "f/filter= format= limit= no-trunc",
    ("version",): "f/format=",
    ("compose", "up"): (
        "abort-on-container-exit always-recreate-deps attach= build d/detach "
        "exit-code-from= force-recreate no-attach= no-build no-color no-deps "
        "no-log-prefix no-recreate no-start pull= quiet-pull remove-orphans "
        "V/renew-anon-volumes scale= t/timeout= timestamps wait wait-timeout= "
        "w/watch y/yes"
    ),
    ("compose", "down"): "remove-orphans rmi= t/timeout= v/volumes",
    ("compose", "logs"): (
        "f/follow index= no-color no-log-prefix since= n/tail= t/timestamps until="
    ),
    ("compose", "ps"): "a/all filter= format= no-trunc q/quiet services status=",
    ("compose", "build"): (
        "build-arg= builder= m/memory= no-cache pull push q/quiet ssh= "
        "with-dependencies"
    ),
    ("compose", "exec"): (
        "d/detach e/env= index= i/interactive privileged T/no-TTY t/tty u/user= "
        "w/workdir="
    ),
    ("compose", "run"): (
        "build cap-add= cap-drop= d/detach entrypoint= e/env= i/interactive "
        "l/label= name= T/no-TTY no-deps p/publish= pull= quiet-pull "
        "remove-orphans rm service-ports t/tty use-aliases u/user= v/volume= "
        "w/workdir="
    ),
    ("compose", "rm"): "f/force s/stop v/volumes",
    ("compose", "stop"): "t/timeout=",
    ("compose", "restart"): "no-deps t/timeout=",
    ("compose", "kill"): "remove-orphans s/signal=",
    ("compose", "pull"): "ignore-pull-failures include-deps policy= q/quiet",
    ("compose", "push"): "ignore-push-failures include-deps q/quiet",
    ("compose", "config"): (
        "format= hash= images no-interpolate o/output= profiles q/quiet "
        "resolve-image-digests services volumes"
    ),
    ("compose", "ls"): "a/all filter= format= q/quiet",
}
FLAGS: dict[Path, FlagTable] = {path: flag_table(s) for path, s in FLAG_SPECS.items()}
DOCKER_GLOBALS = flag_table(
    "config= c/context= D/debug H/host= l/log-level= tls tlscacert= tlscert= "
    "tlskey= tlsverify v/version"
)
COMPOSE_GLOBALS = flag_table(
    "all-resources ansi= compatibility dry-run env-file= f/file= no-ansi "
    "parallel= profile= progress= project-directory= p/project-name= verbose"
)
_INSPECT_ANY = flag_table("f/format=")

_MANAGEMENT = frozenset(
    "builder buildx checkpoint compose config container context image manifest "
    "network node plugin scout secret service stack swarm system trust volume".split()
)
_CONTAINER_VERBS = frozenset(
    "attach commit cp create diff exec export kill logs pause port rename restart "
    "rm run start stats stop top unpause update wait".split()
)
_IMAGE_VERBS = frozenset("build history import load pull push save tag".split())
_INSPECTABLE = frozenset(
    "config container image network node plugin secret service volume".split()
)
_SUBCOMMAND_ALIASES = {"list": "ls", "remove": "rm"}
_PATH_ALIASES: dict[Path, Path] = {
    ("ps",): ("container", "ls"),
    ("container", "ps"): ("container", "ls"),
    ("images",): ("image", "ls"),
    ("rmi",): ("image", "rm"),
    ("buildx", "build"): ("image", "build"),
    ("buildx", "b"): ("image", "build"),
    ("builder", "build"): ("image", "build"),
    ("buildx", "prune"): ("builder", "prune"),
    ("info",): ("system", "info"),
    ("events",): ("system", "events"),
}
# These stop reading options at the first argument: the rest is the command
# to run in the container (cobra's SetInterspersed(false)).
TRAILING_COMMAND: frozenset[Path] = frozenset(
    {
        ("container", "run"),
        ("container", "create"),
        ("container", "exec"),
        ("container", "top"),
        ("compose", "run"),
        ("compose", "exec"),
    }
)

_PLACEHOLDER = re.compile(r"<[^<>]+>")
_ENV_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_LINE_CONTINUATION = re.compile(r"\\\r?\n")
_PROMPTS = frozenset({"$", "sudo"})
_BOOL_WORDS = {
    **dict.fromkeys(("1", "t", "T", "true", "TRUE", "True"), True),
    **dict.fromkeys(("0", "f", "F", "false", "FALSE", "False"), False),
}
_MAX_LENGTH = 2000


@dataclass
class _Section:
    """Options and arguments read from one stretch of a command line."""

    switches: dict[str, bool] = field(default_factory=dict)
    values: list[tuple[str, str]] = field(default_factory=list)
    args: list[str] = field(default_factory=list)

    def switched_on(self) -> set[str]:
        """Return the names of the on/off options that are on."""
        return {name for name, on in self.switches.items() if on}


class _Command(NamedTuple):
    """A parsed command line: environment, canonical path, option sections."""

    env: list[tuple[str, str]]
    path: Path
    sections: list[_Section]


def same_command(expected: str, given: str) -> bool:
    """Tell whether the given command line does what the expected one does."""
    if not isinstance(expected, str) or not isinstance(given, str):
        return False
    if len(given) > _MAX_LENGTH:
        return False
    want, got = _parse_command(expected), _parse_command(given)
    if want is None or got is None or len(want.sections) != len(got.sections):
        return False
    tail = want.path in TRAILING_COMMAND
    return (
        _same_path(want.path, got.path)
        and _values_match(want.env, got.env)
        and all(
            _section_matches(mine, theirs, tail)
            for mine, theirs in zip(want.sections, got.sections, strict=True)
        )
    )


def _tokens(text: str) -> list[str] | None:
    """Split a command line like a POSIX shell; None when its quoting is broken."""
    text = _LINE_CONTINUATION.sub(" ", text).strip()
    if len(text) > 2 and text[0] == text[-1] == "`":
        text = text[1:-1]
    try:
        tokens = shlex.split(text)
    except ValueError:
        return None
    while tokens and tokens[0] in _PROMPTS:
        tokens.pop(0)
    return tokens


def _parse_command(text: str) -> _Command | None:
    """Parse a command line into its canonical form; None if it cannot be parsed."""
    tokens = _tokens(text)
    env: list[tuple[str, str]] = []
    while tokens and _ENV_ASSIGNMENT.match(tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        env.append((name, value))
    if not tokens:
        return None
    program, *rest = tokens
    if program == "docker-compose":
        rest = ["compose", *rest]
    elif program in _SYSTEMD:
        return _Command(env, (program,), [_Section(args=_systemd_args(program, rest))])
    elif program != "docker":
        return _Command(env, (program,), [_Section(args=rest)])
    return _parse_docker(env, rest)


# systemd's tools take a service's name with or without `.service`, and
# journalctl's unit option comes as -u NAME, -uNAME, --unit NAME, --unit=NAME.
_SYSTEMD = frozenset({"journalctl", "systemctl"})


def _systemd_args(program: str, rest: list[str]) -> list[str]:
    """Return the arguments of a journalctl or systemctl line in one spelling."""
    args: list[str] = []
    words = iter(rest)
    for word in words:
        unit = _unit_option(word, words) if program == "journalctl" else None
        if unit is not None:
            args += ["--unit", unit.removesuffix(".service")]
        else:
            args.append(word.removesuffix(".service"))
    return args


def _unit_option(word: str, words: Iterator[str]) -> str | None:
    if word in ("-u", "--unit"):
        return next(words, "")
    if word.startswith("--unit="):
        return word.removeprefix("--unit=")
    if word.startswith("-u") and len(word) > 2:
        return word[2:]
    return None


def _parse_docker(env: list[tuple[str, str]], rest: list[str]) -> _Command | None:
    """Parse what follows `docker`: global options, command path, the rest."""
    head = _parse_section(rest, DOCKER_GLOBALS, trailing=True)
    if head is None:
        return None
    sections = [head]
    if head.args[:1] == ["compose"]:
        compose = _parse_section(head.args[1:], COMPOSE_GLOBALS, trailing=True)
        if compose is None:
            return None
        head.args = []
        sections.append(compose)
    words, rest = _split_path(sections)
    path = _canonical_path(words)
    body = _parse_section(rest, _flags_for(path), trailing=path in TRAILING_COMMAND)
    if body is None:
        return None
    return _Command(env, path, [*sections, body])


def _split_path(sections: list[_Section]) -> tuple[Path, list[str]]:
    """Take the command words off the arguments left after the global options."""
    last = sections[-1]
    args, last.args = last.args, []
    if len(sections) == 2:
        return ("compose", *args[:1]), args[1:]
    if args[:1] and args[0] in _MANAGEMENT and args[1:2] and args[1][:1] != "-":
        return tuple(args[:2]), args[2:]
    return tuple(args[:1]), args[1:]


def _canonical_path(words: Path) -> Path:
    """Map a command path to one spelling: `ps` and `container list` to ls."""
    if len(words) == 1 and words[0] in _CONTAINER_VERBS:
        words = ("container", words[0])
    elif len(words) == 1 and words[0] in _IMAGE_VERBS:
        words = ("image", words[0])
    elif len(words) == 2 and words[0] != "compose":
        words = (words[0], _SUBCOMMAND_ALIASES.get(words[1], words[1]))
    return _PATH_ALIASES.get(words, words)


def _flags_for(path: Path) -> FlagTable:
    """Return the flag table of a canonical command path."""
    default = _INSPECT_ANY if path[-1:] == ("inspect",) else {}
    return FLAGS.get(path, default)


def _parse_section(
    tokens: list[str], table: FlagTable, trailing: bool
) -> _Section | None:
    """Read options and arguments with pflag's rules; None on a missing value."""
    out = _Section()
    rest = iter(tokens)
    for arg in rest:
        if arg == "--":
            out.args.extend(rest)
        elif arg.startswith("--"):
            if not _parse_long(arg, rest, table, out):
                return None
        elif arg.startswith("-") and arg != "-":
            if not _parse_short(arg, rest, table, out):
                return None
        else:
            out.args.append(arg)
            if trailing:
                out.args.extend(rest)
    return out


def _parse_long(arg: str, rest: Iterator[str], table: FlagTable, out: _Section) -> bool:
    """Read `--name`, `--name=value` or `--name value`; keep unknown ones as typed."""
    name, equals, value = arg.partition("=")
    flag = table.get(name)
    if flag is None:
        out.switches[arg] = True
        return True
    if flag.takes_value and not equals:
        value = next(rest, None)
        if value is None:
            return False
    return _record(flag, value if equals or flag.takes_value else None, out)


def _parse_short(
    arg: str, rest: Iterator[str], table: FlagTable, out: _Section
) -> bool:
    """Read a short group (`-it`, `-p80:80`, `-e=X`, `-itp 80:80`) as pflag does."""
    found: list[tuple[Flag, str | None]] = []
    letters = arg[1:]
    while letters:
        flag = table.get("-" + letters[0])
        if flag is None:
            out.switches[arg] = True  # unknown letters: compare the group as typed
            return True
        value, letters = _short_value(flag, letters)
        if value is None and flag.takes_value:
            value = next(rest, None)
            if value is None:
                return False
        found.append((flag, value))
    return all(_record(flag, value, out) for flag, value in found)


def _short_value(flag: Flag, letters: str) -> tuple[str | None, str]:
    """Split off the value attached to the first letter of a short group."""
    if len(letters) > 2 and letters[1] == "=":
        return letters[2:], ""
    if flag.takes_value:
        return letters[1:] or None, ""
    return None, letters[1:]


def _record(flag: Flag, value: str | None, out: _Section) -> bool:
    """Store one option; False for an on/off option given a non-boolean value."""
    if flag.takes_value:
        same = _SAME_VALUE.get(flag.name)
        out.values.append((flag.name, same(value or "") if same else value or ""))
        return True
    state = True if value is None else _BOOL_WORDS.get(value)
    if state is None:
        return False
    out.switches[flag.name] = state
    return True


def _mount_value(value: str) -> str:
    """`--mount` fields in one order and spelling: `src`=`source`,
    `dst`=`destination`=`target`, `ro`=`readonly`, and `type=volume` (the
    default) left out."""
    fields = []
    for part in value.split(","):
        key, equals, setting = part.partition("=")
        key = _MOUNT_KEYS.get(key.strip().lower(), key.strip().lower())
        if key == "readonly":
            if equals and _BOOL_WORDS.get(setting.strip().lower()) is False:
                continue
            fields.append("readonly")
        elif not (key == "type" and setting == "volume"):
            fields.append(f"{key}={setting}" if equals else key)
    return ",".join(sorted(fields))


def _security_value(value: str) -> str:
    """`--security-opt` with `=` (the old `:` spelling too), and
    `no-new-privileges` the same with or without `=true`."""
    if "=" not in value and ":" in value:
        value = value.replace(":", "=", 1)
    key, equals, setting = value.partition("=")
    if key == "no-new-privileges" and (
        not equals or _BOOL_WORDS.get(setting.lower()) is True
    ):
        return key
    return value


def _capability(value: str) -> str:
    """A capability in any case, with or without its `CAP_` prefix."""
    name = value.upper()
    return name.removeprefix("CAP_") if _PLACEHOLDER.search(value) is None else value


def _user(value: str) -> str:
    """`root` is user 0 (and group 0)."""
    return ":".join("0" if part == "root" else part for part in value.split(":"))


_MOUNT_KEYS = {
    "src": "source",
    "dst": "target",
    "destination": "target",
    "ro": "readonly",
}
# Options whose values say the same thing in more than one way.
_SAME_VALUE = {
    "mount": _mount_value,
    "security-opt": _security_value,
    "cap-add": _capability,
    "cap-drop": _capability,
    "user": _user,
}


def _same_path(want: Path, got: Path) -> bool:
    """Compare paths; bare `docker inspect` works on every kind of object."""
    generic = ("inspect",)
    if want == got:
        return True
    if generic not in (want, got):
        return False
    other = got if want == generic else want
    return len(other) == 2 and other[0] in _INSPECTABLE and other[1] == "inspect"


def _section_matches(want: _Section, got: _Section, tail: bool) -> bool:
    """Compare one section: switches as sets, values as multisets, args in order."""
    return (
        want.switched_on() == got.switched_on()
        and _values_match(want.values, got.values)
        and _args_match(want.args, got.args, tail)
    )


def _args_match(patterns: Sequence[str], args: Sequence[str], tail: bool) -> bool:
    """Compare positional arguments in order, placeholders included."""
    if tail and len(patterns) >= 2 and len(args) > len(patterns):
        if _PLACEHOLDER.fullmatch(patterns[-1]):
            # A trailing `<command>` stands for the whole command to run.
            cut = len(patterns) - 1
            args = [*args[:cut], shlex.join(args[cut:])]
    return len(patterns) == len(args) and all(map(_token_matches, patterns, args))


def _values_match(want: list[tuple[str, str]], got: list[tuple[str, str]]) -> bool:
    """Compare option values per option name, as multisets."""
    if Counter(name for name, _ in want) != Counter(name for name, _ in got):
        return False
    return all(
        _multiset_match(
            [value for n, value in want if n == name],
            [value for n, value in got if n == name],
        )
        for name in {name for name, _ in want}
    )


def _multiset_match(patterns: list[str], values: list[str]) -> bool:
    """Pair every pattern with its own value; literals first, then placeholders."""
    left = Counter(values)
    wild = []
    for pattern in patterns:
        if _PLACEHOLDER.search(pattern):
            wild.append(pattern)
        elif left[pattern] > 0:
            left[pattern] -= 1
        else:
            return False
    return _perfect_matching(wild, list(left.elements()))


def _perfect_matching(patterns: list[str], values: list[str]) -> bool:
    """Find a one-to-one pairing of patterns and values (Kuhn's algorithm)."""
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        """Give pattern i a value, moving earlier patterns to others if need be."""
        for j, value in enumerate(values):
            if j not in seen and _token_matches(patterns[i], value):
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return len(patterns) == len(values) and all(
        assign(i, set()) for i in range(len(patterns))
    )


def _token_matches(pattern: str, value: str) -> bool:
    """Match one token; a `<placeholder>` stands for any non-empty text."""
    regex = _placeholder_regex(pattern)
    if regex is None:
        return pattern == value
    if _PLACEHOLDER.match(pattern) and value.startswith("-"):
        return False  # a placeholder is never filled by a flag
    return regex.fullmatch(value) is not None


@lru_cache(maxsize=1024)
def _placeholder_regex(pattern: str) -> re.Pattern[str] | None:
    """Compile `<image>:<tag>` into a regex; None when there is no placeholder."""
    parts = _PLACEHOLDER.split(pattern)
    if len(parts) == 1:
        return None
    return re.compile(".+".join(map(re.escape, parts)), re.DOTALL)
