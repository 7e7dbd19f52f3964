"""Editing the `feeds:` list of a YAML document's text in place.

Line edits first: ruamel attaches a comment that follows a feed to that feed's last key, so
appending or removing through its tree would move comments to the wrong feed; the lines are
edited where ruamel says each feed sits. The tree edit is the fallback for layouts a line edit
cannot handle (a flow-style list `[a, b]`). Callers check that the result parses to what they
expect before it replaces anything.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

Lines = list[str]
LineEdit = Callable[[Lines, CommentedMap], Lines | None]
TreeEdit = Callable[[CommentedMap], Any]


def join_lines(lines: Lines) -> str:
    return "\n".join(lines) + "\n"


def split_lines(text: str) -> Lines:
    return text.splitlines()


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    return yaml


# --- line edits ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the block-style feeds list sits in the text (0-based lines and columns)."""

    key_line: int
    key_col: int
    dash_col: int
    content_col: int
    starts: tuple[int, ...]
    """The line of each item's dash."""
    ends: tuple[int, ...]
    """The last line of each item that is not a comment or blank."""


def _layout(lines: Lines, document: CommentedMap) -> _Layout | None:
    feeds = document.get("feeds")
    if not isinstance(feeds, CommentedSeq) or feeds.fa.flow_style() or not len(feeds):
        return None
    key_line, key_col = document.lc.key("feeds")
    dash_col = feeds.lc.col
    starts = []
    for index in range(len(feeds)):
        line = feeds.lc.item(index)[0]
        while line > key_line and not _is_dash(lines[line], dash_col):
            line -= 1
        if line <= key_line:
            return None
        starts.append(line)
    region_end = _region_end(lines, starts[-1], dash_col)
    ends = [
        _last_content(lines, start, stop - 1)
        for start, stop in zip(starts, [*starts[1:], region_end + 1], strict=True)
    ]
    content_col = feeds.lc.item(0)[1] if feeds.lc.item(0)[0] == starts[0] else dash_col + 2
    return _Layout(key_line, key_col, dash_col, content_col, tuple(starts), tuple(ends))


def _is_dash(line: str, col: int) -> bool:
    return (
        len(line) > col
        and line[:col].strip() == ""
        and line[col] == "-"
        and line[col + 1 : col + 2] in ("", " ")
    )


def _is_blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _region_end(lines: Lines, last_start: int, dash_col: int) -> int:
    """The last line of the list: before the next key at the list's level or less."""
    end = last_start
    for number in range(last_start + 1, len(lines)):
        line = lines[number]
        if _is_blank_or_comment(line):
            continue
        if _indent(line) < dash_col or (_indent(line) == dash_col and not _is_dash(line, dash_col)):
            break
        end = number
    return end


def _last_content(lines: Lines, start: int, stop: int) -> int:
    """The item's own last line: trailing comments and blank lines belong to what follows."""
    while stop > start and _is_blank_or_comment(lines[stop]):
        stop -= 1
    return stop


def append_lines(
    lines: Lines, document: CommentedMap, items: Sequence[CommentedMap]
) -> Lines | None:
    layout = _layout(lines, document)
    if layout is not None:
        offset = layout.dash_col - layout.key_col
        sequence = layout.content_col - layout.key_col
        block = _item_lines(items, layout.key_col, offset, sequence)
        at = layout.ends[-1] + 1
        return lines[:at] + block + lines[at:]
    feeds_node = document.get("feeds")
    if not isinstance(feeds_node, CommentedSeq) or len(feeds_node):
        return None
    key_line, key_col = document.lc.key("feeds")
    emptied = re.sub(r"^(\s*feeds:)\s*\[\s*\]", r"\1", lines[key_line])
    if emptied == lines[key_line]:
        return None  # `feeds:` with `[]` on a later line: leave it to the tree edit
    block = _item_lines(items, key_col, 2, 4)
    return [*lines[:key_line], emptied.rstrip(), *block, *lines[key_line + 1 :]]


def _item_lines(items: Sequence[CommentedMap], key_col: int, offset: int, sequence: int) -> Lines:
    """The new items as YAML (quoted as needed by ruamel), indented under the `feeds:` key."""
    yaml = round_trip_yaml()
    yaml.indent(mapping=2, sequence=max(sequence, offset + 2), offset=offset)
    out = io.StringIO()
    yaml.dump(list(items), out)
    return [" " * key_col + line if line else line for line in out.getvalue().splitlines()]


def remove_lines(lines: Lines, document: CommentedMap, index: int) -> Lines | None:
    layout = _layout(lines, document)
    if layout is None:
        return None
    start, end = layout.starts[index], layout.ends[index]
    remaining = lines[:start] + lines[end + 1 :]
    if len(layout.starts) == 1:  # the list is now empty: say so, or `feeds:` would be null
        line = remaining[layout.key_line]
        remaining[layout.key_line] = re.sub(
            r"^(\s*feeds:)(\s*)(#.*)?$",
            lambda m: f"{m[1]} []" + (f"  {m[3]}" if m[3] else ""),
            line,
        )
    return remaining


def set_enabled_lines(
    lines: Lines, document: CommentedMap, index: int, enabled: bool
) -> Lines | None:
    layout = _layout(lines, document)
    if layout is None:
        return None
    item = document["feeds"][index]
    start, end = layout.starts[index], layout.ends[index]
    value = "true" if enabled else "false"
    if isinstance(item, str):
        line, col = document["feeds"].lc.item(index)
        if line != start:
            return None
        edited = lines[:]
        edited[line] = edited[line][:col] + "url: " + edited[line][col:]
        return [*edited[: end + 1], " " * col + f"enabled: {value}", *edited[end + 1 :]]
    if not isinstance(item, CommentedMap) or item.fa.flow_style():
        return None
    if "enabled" in item:
        line = item.lc.key("enabled")[0]
        if enabled and re.fullmatch(r"\s*enabled:\s*\S+\s*", lines[line]):
            return lines[:line] + lines[line + 1 :]  # back to the default, as before `disable`
        edited = lines[:]
        edited[line] = re.sub(r"(enabled:\s*)[^\s#]+", rf"\g<1>{value}", edited[line], count=1)
        return edited
    col = item.lc.col
    return [*lines[: end + 1], " " * col + f"enabled: {value}", *lines[end + 1 :]]


# --- tree edits (the fallback) -----------------------------------------------------------


def tree_edit(text: str, change: TreeEdit) -> str:
    yaml = round_trip_yaml()
    document = yaml.load(text)
    mapping, sequence, offset = _guess_indent(document)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    change(document)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _guess_indent(document: CommentedMap) -> tuple[int, int, int]:
    mapping = 2
    for key, value in document.items():
        if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
            mapping = value.lc.col - document.lc.key(key)[1]
            break
    feeds = document.get("feeds")
    if isinstance(feeds, CommentedSeq) and len(feeds) and not feeds.fa.flow_style():
        key_col = document.lc.key("feeds")[1]
        offset = feeds.lc.col - key_col
        return mapping, max(feeds.lc.item(0)[1] - key_col, offset + 2), offset
    return mapping, mapping + 2, mapping


def append_tree(document: CommentedMap, items: Sequence[CommentedMap]) -> None:
    node = document["feeds"]
    if not len(node):
        node.fa.set_block_style()
    for mapping in items:
        if node.fa.flow_style():
            mapping.fa.set_flow_style()
        node.append(mapping)


def set_enabled_tree(document: CommentedMap, index: int, enabled: bool) -> None:
    node = document["feeds"]
    item = node[index]
    if isinstance(item, str):
        item = CommentedMap([("url", item)])
        node[index] = item
    if enabled:
        item.pop("enabled", None)
    else:
        item["enabled"] = False
