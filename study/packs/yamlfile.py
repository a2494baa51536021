"""Read YAML with a safe loader that remembers the line of every key and item."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

import yaml
from yaml.constructor import ConstructorError

TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LineDict(dict):
    """A mapping read from YAML; `lines[key]` is the line the key is on."""

    line: int = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}


class LineList(list):
    """A list read from YAML; `lines[i]` is the line item i starts on."""

    line: int = 1

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int] = []


class YamlTrouble(Exception):
    """A YAML file that cannot be read at all."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# libyaml is about ten times faster; its nesting limit also guards recursion.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader building LineDict/LineList."""

    def __init__(self, text: str, first_line: int) -> None:
        super().__init__(text)
        self.first_line = first_line
        self.duplicates: list[tuple[int, str]] = []

    def line_of(self, node: yaml.Node) -> int:
        """Return the file line a node starts on."""
        return node.start_mark.line + self.first_line

    def read(self) -> Any:
        """Return the one document, refusing aliases (they can blow up its size)."""
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return self.construct_document(node)


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise at the first node met twice, walking in document order."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, yaml.Mark]] = [(root, root.start_mark)]
    while stack:
        node, mark = stack.pop()
        if id(node) in seen:
            message = "anchors and aliases (*name) are not allowed"
            raise ConstructorError(None, None, message, mark)
        seen.add(id(node))
        children: list[tuple[yaml.Node, yaml.Mark]] = []
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                children += [(key, key.start_mark), (value, key.start_mark)]
        elif isinstance(node, yaml.SequenceNode):
            children += [(item, node.start_mark) for item in node.value]
        stack.extend(reversed(children))


# Dates stay text: authors mean the characters they typed, not a datetime.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


def _construct_mapping(
    loader: _LineLoader, node: yaml.MappingNode
) -> Iterator[LineDict]:
    data = LineDict()
    data.line = loader.line_of(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        if not isinstance(key, Hashable):
            raise ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        line = loader.line_of(key_node)
        if key in data:
            first = data.lines[key]
            loader.duplicates.append(
                (line, f"duplicate key '{key}' (first on line {first})")
            )
        data[key] = loader.construct_object(value_node, deep=False)
        data.lines[key] = line


def _construct_sequence(
    loader: _LineLoader, node: yaml.SequenceNode
) -> Iterator[LineList]:
    data = LineList()
    data.line = loader.line_of(node)
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)
    data.lines = [loader.line_of(child) for child in node.value]


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load_yaml(text: str, first_line: int = 1) -> tuple[Any, list[tuple[int, str]]]:
    """Parse one YAML document; return it with (line, message) warnings.

    Raise YamlTrouble when the text is not valid YAML.
    """
    loader = None
    try:
        loader = _LineLoader(text, first_line)
        return loader.read(), loader.duplicates
    except yaml.MarkedYAMLError as error:
        raise _trouble(error, first_line, len(text)) from None
    except yaml.YAMLError as error:
        line = _line_at(text, getattr(error, "position", 0)) + first_line - 1
        problem = getattr(error, "reason", None) or "unreadable text"
        raise YamlTrouble(line, f"YAML error: {problem}") from None
    except RecursionError:
        raise YamlTrouble(first_line, "YAML is nested too deeply") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as error:
        raise YamlTrouble(first_line, f"YAML value cannot be read: {error}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _trouble(error: yaml.MarkedYAMLError, first_line: int, size: int) -> YamlTrouble:
    mark, start = error.problem_mark or error.context_mark, error.context_mark
    if mark is not None and start is not None and mark.index >= size:
        mark = start  # "at the end of the file" helps less than where it began
    line = mark.line + first_line if mark else first_line
    parts = [error.context, error.problem]
    detail = ", ".join(str(part) for part in parts if part) or "unreadable"
    if start is not None and start.line + first_line != line:
        detail += f" (started on line {start.line + first_line})"
    return YamlTrouble(line, f"YAML syntax error: {detail}")


def _line_at(text: str, position: object) -> int:
    if not isinstance(position, int):
        return 1
    return text.count("\n", 0, max(position, 0)) + 1


def line_of(data: Any, *path: Any, default: int = 1) -> int:
    """Return the line of the deepest part of `path` found in `data`."""
    line = getattr(data, "line", default)
    for step in path:
        lines = getattr(data, "lines", None)
        if isinstance(data, dict) and isinstance(lines, dict) and step in lines:
            line, data = lines[step], data[step]
        elif (
            isinstance(data, list)
            and isinstance(lines, list)
            and isinstance(step, int)
            and 0 <= step < len(lines)
        ):
            line, data = lines[step], data[step]
        else:
            break
    return line
