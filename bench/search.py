"""Time searches across the Docker pack's notes and cards, in-process.

Usage: .venv/bin/python bench/search.py
Prints the median and slowest time per query over 20 runs, on SQLite.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUERIES = [
    "docker",
    "cap_net_admin",
    "docker ps -a",
    "overlay2",
    "healthcheck interval",
    "zz",
]


def main() -> None:
    """Import the Docker pack and time each query through the search page."""
    folder = tempfile.mkdtemp(prefix="shipshape-bench-")
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from study import create_app
    from study.extensions import db
    from study.packs.importer import import_packs

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        import_packs(db.session, ROOT / "content" / "docker")
    client = app.test_client()
    for query in QUERIES:
        times = []
        for _ in range(20):
            began = time.perf_counter()
            response = client.get("/search", query_string={"q": query})
            times.append(time.perf_counter() - began)
            assert response.status_code == 200
        print(
            f"{query!r:>24}: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
