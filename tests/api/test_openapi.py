"""The OpenAPI document describes the API that is served: schemathesis fuzzes the
app under gunicorn and finds no server error and no response off the schema."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from study.api.openapi import document_for
from tests.servers import app_env, fresh_database, gunicorn, prepare

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = """
# Long enough scenarios to start, answer and submit a quiz through the links.
[phases.stateful]
max-steps = 20

# A request line longer than gunicorn reads (4 KiB) is refused by gunicorn
# itself with 414 URI Too Long: a rejection, like the other statuses listed.
[checks.negative_data_rejection]
expected-statuses = [
  "400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428",
  "429", "5xx",
]

# Valid topics depend on the pack, and a valid answer on the question (one of
# its option ids, ...), which a schema cannot say: they are refused with 400.
[[operations]]
include-operation-id = ["quiz_start", "quiz_save_answer", "quiz_submit"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "404", "409"]
"""


def test_every_api_route_is_documented(app):
    document = document_for(app)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        methods = rule.methods - {"HEAD", "OPTIONS"}
        documented = set(document["paths"].get(path, {}))
        assert {m.lower() for m in methods} <= documented, rule.rule


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["openapi"].startswith("3.1")
    assert body["servers"] == [{"url": "/api/v1"}]
    assert "bearerAuth" in body["components"]["securitySchemes"]


def test_schemathesis_finds_no_server_error_or_schema_violation(tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    with fresh_database(tmp_path) as url:
        token = prepare(url, ["fuzz@example.com"])["fuzz@example.com"]
        with gunicorn(app_env(url)) as base:
            result = subprocess.run(
                [
                    *(str(SCHEMATHESIS), "--no-color", "--config-file", str(config)),
                    *("run", f"{base}/api/v1/openapi.json", "--max-examples", "30"),
                    *("-H", f"Authorization: Bearer {token}"),
                    # It would revoke the very token it authenticates with (it
                    # learns token ids from GET /tokens); test_tokens_api covers it.
                    *("--exclude-operation-id", "tokens_revoke"),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
