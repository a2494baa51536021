"""Mutation fuzz of the pack validator: broken copies of real packs, never a crash.

Usage: .venv/bin/python bench/fuzz_packs.py [--count 10000] [--seed 8]
                                           [--keep-failures DIR]

Each input is a copy of content/docker or tests/fixtures/content/starter with
one to three mutations: line edits (delete, duplicate, swap, insert junk),
character edits (YAML and Markdown punctuation, tabs, NUL, a BOM, invalid
UTF-8), truncation, edits of the parsed YAML tree (values of the wrong type,
keys dropped or renamed, lists emptied), and file edits (deleted, emptied,
renamed, replaced by a folder or by binary). `study.packs.validate` must
return problems as `path:line: message`, and must neither raise nor report an
"internal error" (how it reports a bug it caught). Most Docker inputs are a
slice of the pack (pack.yaml, the mutated file and a few others) so 10,000
inputs take minutes; every 25th is the whole pack. Exit status 1 on any failure.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from study.packs import validate  # noqa: E402 - after the path is set up

PACKS = {
    "docker": ROOT / "content" / "docker",
    "starter": ROOT / "tests" / "fixtures" / "content" / "starter",
}
FULL_EVERY = 25
JUNK = [
    ":", ": ", "- ", "-", "{", "}", "[", "]", "'", '"', "\t", "\x00", "\ufeff",
    "---", "...", "|", ">", "&a", "*a", "!!python/object:os.system", "!!binary",
    "#", "%YAML 1.1", "? ", "Q[", "A:", "Q[x]: ", "{{c1::", "}}", "^key", " ^",
    "```", "~~~", "\\", "\r", "\u2028", "\U0001f600", "é", "0x10", "1e400", "-1",
    "null", "~", "yes", "no", "<<: *a", "{column}", "{", "%", "\x1b[31m",
]  # fmt: skip
WRONG_VALUES = [
    None, True, False, 0, -1, 10**30, 1.5, float("inf"), "", " ", "x" * 3000,
    [], {}, [None], {"a": 1}, ["x", 1, None], "{missing}", "é\x00", "2024-01-01",
]  # fmt: skip


def read_pack(folder: Path) -> dict[str, bytes]:
    """Return every file of a pack by its path inside the pack."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- mutations: each takes (rng, files, target) and changes files in place ----


def _text(files, target) -> str:
    return files[target].decode("utf-8", errors="replace")


def edit_lines(rng, files, target) -> str:
    """Delete, duplicate, swap or insert lines."""
    lines = _text(files, target).split("\n")
    at = rng.randrange(len(lines))
    kind = rng.choice(["delete", "duplicate", "swap", "insert", "indent", "dedent"])
    if kind == "delete":
        del lines[at : at + rng.randint(1, 5)]
    elif kind == "duplicate":
        lines[at:at] = lines[at : at + rng.randint(1, 4)]
    elif kind == "swap":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "insert":
        lines.insert(at, "".join(rng.choices(JUNK, k=rng.randint(1, 4))))
    elif kind == "indent":
        lines[at] = " " * rng.choice([1, 2, 3, 4, 8]) + lines[at]
    else:
        lines[at] = lines[at].lstrip()
    files[target] = "\n".join(lines).encode()
    return f"lines:{kind}"


def edit_characters(rng, files, target) -> str:
    """Insert, replace or delete characters at random places."""
    text = _text(files, target)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(text) + 1)
        kind = rng.choice(["insert", "replace", "delete"])
        piece = rng.choice(JUNK)
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "replace":
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            text = text[:at] + text[at + rng.randint(1, 20) :]
    files[target] = text.encode("utf-8", errors="surrogatepass")
    return "characters"


def edit_bytes(rng, files, target) -> str:
    """Flip bytes (invalid UTF-8 included) or cut the file short."""
    data = bytearray(files[target])
    if rng.random() < 0.4 or not data:
        files[target] = bytes(data[: rng.randrange(len(data) + 1)])
        return "bytes:truncate"
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    files[target] = bytes(data)
    return "bytes:flip"


def _mutate_tree(rng, node, depth=0):
    if isinstance(node, dict) and node:
        key = rng.choice(list(node))
        roll = rng.random()
        if roll < 0.25:
            del node[key]
        elif roll < 0.4:
            node[rng.choice(["id", "topic", "kind", "x", f"{key}s", 7, None])] = (
                node.pop(key)
            )
        elif roll < 0.7 or depth > 6:
            node[key] = rng.choice(WRONG_VALUES)
        else:
            child = _mutate_tree(rng, node[key], depth + 1)
            node[key] = child  # (YAML aliases can make the child the node itself)
        return node
    if isinstance(node, list) and node:
        at = rng.randrange(len(node))
        roll = rng.random()
        if roll < 0.2:
            node.clear()
        elif roll < 0.4:
            node.append(node[at] if rng.random() < 0.5 else rng.choice(WRONG_VALUES))
        elif roll < 0.6 or depth > 6:
            node[at] = rng.choice(WRONG_VALUES)
        else:
            child = _mutate_tree(rng, node[at], depth + 1)
            if at < len(node):  # an alias of this very list may have shrunk it
                node[at] = child
        return node
    return rng.choice(WRONG_VALUES)


def edit_yaml_tree(rng, files, target) -> str:
    """Parse the YAML (or a note's front matter), change its tree, write it back."""
    text = _text(files, target)
    front = None
    if target.endswith(".md") and text.startswith("---\n") and "\n---" in text[4:]:
        end = text.index("\n---", 4)
        front, text = text[4:end], text[end:]
    try:
        tree = yaml.safe_load(front if front is not None else text)
    except yaml.YAMLError:
        return edit_characters(rng, files, target)
    for _ in range(rng.randint(1, 3)):
        tree = _mutate_tree(rng, tree)
    dumped = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    files[target] = (f"---\n{dumped}{text}" if front is not None else dumped).encode()
    return "yaml-tree"


def edit_files(rng, files, target) -> str:
    """Remove, empty, rename, copy or replace a file."""
    kind = rng.choice(["delete", "empty", "rename", "copy", "binary", "folder"])
    data = files.pop(target)
    folder, _, name = target.rpartition("/")
    if kind == "empty":
        files[target] = b""
    elif kind == "rename":
        stem = name.rsplit(".", 1)[0]
        new = rng.choice([f"{stem}.txt", f"{stem}.yml", f".{name}", f"{stem} 2.md"])
        files[f"{folder}/{new}" if folder else new] = data
    elif kind == "copy":
        files[target] = data
        files[f"{folder}/copy-{name}" if folder else f"copy-{name}"] = data
    elif kind == "binary":
        files[target] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
    elif kind == "folder":
        files[f"{target}/inside.md"] = data
    return f"file:{kind}"


MUTATIONS = [edit_lines, edit_characters, edit_bytes, edit_yaml_tree, edit_files]
WEIGHTS = [3, 3, 1, 3, 1]


def make_input(rng, base: dict[str, bytes], whole: bool):
    """Return a mutated copy of a pack (maybe a slice of it) and what was done."""
    names = sorted(base)
    target = rng.choice(names)
    keep = set(names) if whole else {"pack.yaml", target, *rng.sample(names, 3)}
    files = {name: base[name] for name in names if name in keep}
    done = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if target not in files:
            target = rng.choice(sorted(files)) if files else None
        if target is None:
            break
        mutation = rng.choices(MUTATIONS, WEIGHTS)[0]
        done.append(mutation(rng, files, target))
    return files, done


def write(folder: Path, files: dict[str, bytes]) -> None:
    """Write a pack's files into an empty folder."""
    for name, data in files.items():
        path = folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            pass  # a "folder" mutation clashed with a file of the same name


def check(folder: Path) -> tuple[str | None, int]:
    """Validate one input; return what went wrong (or None) and its problems."""
    try:
        problems = validate(folder)
    except Exception:  # the point is to catch any crash, whatever it is
        return "exception:\n" + traceback.format_exc(), 0
    for problem in problems:
        text = str(problem)
        if "internal error" in problem.message:
            return f"internal error: {text}", len(problems)
        if problem.line < 1 or not problem.message:
            return f"malformed problem: {text!r}", len(problems)
    return None, len(problems)


def run(count: int, seed: int, keep: Path | None = None) -> Counter:
    """Fuzz `count` inputs; return counts (`failures` must be 0)."""
    rng = random.Random(seed)
    bases = {name: read_pack(path) for name, path in PACKS.items()}
    counts: Counter = Counter()
    scratch = Path(tempfile.mkdtemp(prefix="shipshape-fuzz-"))
    try:
        for number in range(count):
            name = "docker" if number % 2 else "starter"
            whole = name == "starter" or number % (2 * FULL_EVERY) == 1
            files, done = make_input(rng, bases[name], whole)
            folder = scratch / f"{number}" / name
            folder.mkdir(parents=True)
            write(folder, files)
            failure, problems = check(folder)
            counts["inputs"] += 1
            counts["inputs with problems"] += bool(problems)
            counts["problems reported"] += problems
            counts[f"base:{name}{'' if whole else '-slice'}"] += 1
            counts.update(f"mutation:{d.split(':')[0]}" for d in done)
            if failure:
                counts["failures"] += 1
                print(f"input {number} ({', '.join(done)}): {failure}")
                if keep:
                    shutil.copytree(folder, keep / str(number), dirs_exist_ok=True)
            shutil.rmtree(scratch / f"{number}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return counts


def main() -> None:
    """Parse the options, fuzz, print the counts, fail on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--keep-failures", type=Path)
    options = parser.parse_args()
    started = time.monotonic()
    counts = run(options.count, options.seed, options.keep_failures)
    took = time.monotonic() - started
    for key in sorted(counts):
        print(f"{key:28} {counts[key]}")
    print(
        f"{counts['inputs']} inputs validated in {took:.0f} s, "
        f"{counts['failures']} failures"
    )
    sys.exit(1 if counts["failures"] else 0)


if __name__ == "__main__":
    main()
