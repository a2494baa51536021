"""A pack with any problem is refused whole: the import reports the problem and
leaves the database and the pack's files as they were."""

from __future__ import annotations

import pytest

from study.extensions import db
from study.packs import PackError
from study.packs.importer import import_packs
from tests.packs import test_content_problems, test_pack_problems
from tests.packs.demo import write_pack
from tests.packs.stored import database_state, files_in

BROKEN = [*test_pack_problems.CASES, *test_content_problems.CASES]


def test_every_broken_pack_imports_nothing(ctx, tmp_path):
    """Each broken demo pack fails to import with its problem, over a good import
    of the same pack, and neither the database nor the files change."""
    [report] = import_packs(db.session, write_pack(tmp_path / "good", {}))
    assert report.cards == 5 and report.questions == 5
    before = database_state(db.session)
    for name, files, expected in BROKEN:
        folder = write_pack(tmp_path / name, files)
        on_disk = files_in(folder)
        with pytest.raises(PackError) as refused:
            import_packs(db.session, folder)
        lines = [str(problem) for problem in refused.value.problems]
        assert any(expected in line for line in lines), (name, lines)
        assert database_state(db.session) == before, name
        assert files_in(folder) == on_disk, name
