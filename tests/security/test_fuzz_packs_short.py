"""A short run of the pack-validator mutation fuzz (bench/fuzz_packs.py).

The full run is `python bench/fuzz_packs.py --count 10000`; this one takes a
few seconds and uses a different seed on each day so the inputs keep changing.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "bench" / "fuzz_packs.py"


def _fuzz_module():
    spec = importlib.util.spec_from_file_location("fuzz_packs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_validator_survives_mutated_packs(tmp_path):
    seed = date.today().toordinal()
    counts = _fuzz_module().run(count=400, seed=seed, keep=tmp_path)
    assert counts["inputs"] == 400
    assert counts["failures"] == 0, f"seed {seed}: see {tmp_path}"
    assert counts["inputs with problems"] > 300  # the mutations do break packs
