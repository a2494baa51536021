"""Fixtures for pack tests: the demo pack written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.packs.demo import write_pack


@pytest.fixture
def demo(tmp_path: Path):
    """Return a function writing the demo pack with some files replaced."""
    return lambda files=None: write_pack(tmp_path, files or {})
