"""Read pack.yaml: the pack's id, title, topics and exam settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from study.packs.context import PackContext
from study.packs.files import UNREADABLE, read_yaml
from study.packs.limits import PACK_FIELDS, TOPIC_FIELDS, field_problems
from study.packs.model import Topic
from study.packs.schema import PackSpec, TopicSpec, parse
from study.packs.yamlfile import line_of

SOURCE = "pack.yaml"


def read_pack_file(root: Path, context: PackContext) -> PackSpec | None:
    """Read pack.yaml; set the pack id and topics on the context."""
    if not (root / SOURCE).is_file():
        context.findings.add(SOURCE, 1, "missing pack.yaml")
        return None
    data = read_yaml(root, SOURCE, context)
    if data is UNREADABLE:
        return None
    spec, problems = parse(PackSpec, data)
    for line, message in [*problems, *_size_problems(data)]:
        context.findings.add(SOURCE, line, message)
    if spec is None:
        _salvage(data, context)
        return None
    _check_id(spec, data, root, context)
    context.topics = _topics(spec, data, context)
    return spec


def _size_problems(data: Any) -> list[tuple[int, str]]:
    """Return the values of pack.yaml and its topics too long for the database."""
    found = field_problems(data, PACK_FIELDS)
    topics = data.get("topics") if isinstance(data, dict) else None
    for item in topics if isinstance(topics, list) else []:
        found += field_problems(item, TOPIC_FIELDS, ordered=True)
    return found


def _check_id(spec: PackSpec, data: Any, root: Path, context: PackContext) -> None:
    line = line_of(data, "id")
    if not context.check_slug(SOURCE, line, "pack id", spec.id):
        return
    context.pack_id = spec.id
    folder = root.resolve().name
    if spec.id != folder:
        message = f"pack id '{spec.id}' must match its folder name '{folder}'"
        context.findings.add(SOURCE, line, message)


def _topics(spec: PackSpec, data: Any, context: PackContext) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for index, item in enumerate(spec.topics):
        line = line_of(data, "topics", index, "id")
        context.check_slug(SOURCE, line, "topic id", item.id)
        if item.id in topics:
            context.findings.add(SOURCE, line, f"duplicate topic id '{item.id}'")
            continue
        topics[item.id] = Topic(item.id, item.title, item.order, item.weight)
    total = sum(topic.weight for topic in spec.topics)
    if total != 100:
        message = f"topic weights add up to {total}, not 100"
        context.findings.add(SOURCE, line_of(data, "topics"), message)
    return topics


def _salvage(data: Any, context: PackContext) -> None:
    """Keep what can be used of a broken pack.yaml, to check the other files."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("id"), str) and data["id"]:
        context.pack_id = data["id"]
    items = data.get("topics")
    if not isinstance(items, list):
        return
    specs = [parse(TopicSpec, item)[0] for item in items]
    if all(specs):
        context.topics = {
            s.id: Topic(s.id, s.title, s.order, s.weight) for s in specs if s
        }
