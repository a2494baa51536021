"""`python -m study.packs DIR` prints problems and sets the exit status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from study.packs.__main__ import main
from tests.packs.demo import GOOD

ROOT = Path(__file__).parents[2]


def test_good_pack_prints_counts(capsys):
    """A good pack prints a summary and exits 0."""
    assert main([str(GOOD)]) == 0
    assert capsys.readouterr().out == "ok: 20 cards, 20 questions in pack good\n"


def test_problems_are_printed_and_exit_1(demo, capsys):
    """Each problem is printed as path:line: message; the exit status is 1."""
    folder = demo({"notes/readme.txt": "hi"})
    assert main([str(folder)]) == 1
    output = capsys.readouterr()
    assert output.out == (
        f"{folder.as_posix()}/notes/readme.txt:1: files in notes/ must end in .md\n"
    )
    assert "1 problem in" in output.err


def test_folder_without_packs(tmp_path, capsys):
    """A folder without packs is an error too."""
    assert main([str(tmp_path)]) == 1
    assert "no pack.yaml" in capsys.readouterr().out


def test_runs_as_a_module():
    """The module runs with `python -m` from the project root."""
    result = subprocess.run(
        [sys.executable, "-m", "study.packs", str(GOOD)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: 20 cards")
