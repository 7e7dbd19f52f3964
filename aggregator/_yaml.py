"""feeds.yaml read fast: libyaml (PyYAML's CSafeLoader) into plain dicts, lists and scalars.

ruamel's round-trip loader is the reference (YAML 1.2, exact lines for error messages, the
tree that `feedsfile` edits) but reads a 500-feed file in ~90 ms of pure Python; libyaml
takes ~5 ms. The two must never disagree, so this loader only answers when its answer is the
one ruamel would give, and raises `Doubt` otherwise (the caller then asks ruamel):

- plain scalars resolve by YAML 1.2's core rules, restricted to spellings both libraries
  read alike (`true`, `42`, `1.5`, `null`...); anything else ruamel might read as a number,
  a date, a YAML 1.1 boolean or a merge key (`0x1F`, `1_000`, `+.5`, `2024-01-01`, `yes`,
  `<<`) is a doubt, not a string;
- explicit tags, anchors and aliases (ruamel gives tagged or anchored scalars other types),
  duplicate keys (ruamel refuses them), non-text keys and directives (`%YAML 1.1` changes
  the rules) are doubts;
- a syntax error is a doubt too: ruamel then names the line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from typing import Any, ClassVar

NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
FLOAT = re.compile(r"^[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?$")
# Every other plain scalar ruamel could read as something else than text (broad on purpose:
# a doubt only costs the slow path).
MAYBE_NOT_TEXT = re.compile(
    r"^(?:[-+]?[.0-9][-+.0-9_:a-fA-FoOxXtTzZ ]*"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|<<|=)$"
)
# An anchor, an alias or a tag (`&name`, `*name`, `!tag` after a space or a flow indicator:
# ruamel gives even `!!str 12` another type than str), a directive, and what the two parsers
# were seen to read apart: tabs, block scalars (`|`, `>`), and the line breaks and byte-order
# mark libyaml honours where ruamel does not (U+0085, U+2028, U+2029, U+FEFF after the start).
NOT_PLAIN = re.compile(
    r"(?:^|[\s\[{,])(?:[&*][^\s,\[\]{}]|!)|^%|\t|(?:^|\s)[|>]|[\x85\u2028\u2029]|(?<!\A)\ufeff",
    re.MULTILINE,
)

DOUBT_TAG = "tag:aggregator,2026:doubt"


class Doubt(Exception):
    """This text is not for the fast loader: read it with ruamel."""


def load_plain(text: str) -> Any:
    """The YAML document as plain Python values, exactly as ruamel's round-trip loader
    would give them; raises Doubt when that is not certain."""
    if NOT_PLAIN.search(text):
        raise Doubt("anchors, aliases, tags or directives")
    import yaml

    try:
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError as error:
        raise Doubt(str(error)) from None


def _key_start(node: Any) -> int:
    """Where a mapping node's first key starts in the text."""
    return int(node.value[0][0].start_mark.index)


@functools.cache
def _loader() -> type:
    """A CSafeLoader with YAML 1.2 core resolution and only the constructors we trust."""
    import yaml
    from yaml.constructor import ConstructorError, SafeConstructor

    core = "tag:yaml.org,2002:"

    class PlainLoader(yaml.CSafeLoader):
        # text, lists and mappings as PyYAML builds them; the other scalars below, strictly
        yaml_constructors: ClassVar[dict[Any, Any]] = {
            core + kind: SafeConstructor.yaml_constructors[core + kind]
            for kind in ("str", "seq", "map")
        }

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Hashable, Any]:
            if not isinstance(node, yaml.MappingNode):
                raise ConstructorError(None, None, "expected a mapping", node.start_mark)
            if node.flow_style and node.value and node.start_mark.index == _key_start(node):
                # `[a: b]`, a one-pair mapping written inside a flow list: libyaml and
                # ruamel read its corners apart (`["":]`)
                raise Doubt("a one-pair mapping inside a flow list")
            mapping: dict[Hashable, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, str) or key in mapping:
                    raise Doubt(f"key {key!r}: not text, or given twice")
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    def strict(pattern: re.Pattern[str], convert: Any) -> Any:
        def construct(loader: Any, node: Any) -> Any:
            value = loader.construct_scalar(node)
            if not pattern.match(value):
                raise Doubt(f"{value!r}")
            return convert(value)

        return construct

    def doubt(loader: Any, node: Any) -> Any:
        raise Doubt(f"{node.tag} {node.value!r}")

    PlainLoader.yaml_implicit_resolvers = {}  # YAML 1.2 core, not PyYAML's 1.1
    PlainLoader.add_implicit_resolver(core + "null", NULL, ["~", "n", "N", ""])
    PlainLoader.add_implicit_resolver(core + "bool", BOOL, list("tTfF"))
    PlainLoader.add_implicit_resolver(core + "int", INT, list("-+0123456789"))
    PlainLoader.add_implicit_resolver(core + "float", FLOAT, list("-+0123456789"))
    PlainLoader.add_implicit_resolver(DOUBT_TAG, MAYBE_NOT_TEXT, None)

    PlainLoader.add_constructor(core + "null", strict(NULL, lambda _: None))
    PlainLoader.add_constructor(core + "bool", strict(BOOL, lambda v: v.lower() == "true"))
    PlainLoader.add_constructor(core + "int", strict(INT, int))
    PlainLoader.add_constructor(core + "float", strict(FLOAT, float))
    PlainLoader.add_constructor(None, doubt)
    return PlainLoader
