"""Content files as YAML written the way people write them by hand: `|` blocks, indented lists."""

from __future__ import annotations

from typing import Any

import yaml


class _BlockStyleDumper(yaml.SafeDumper):
    """Writes multi-line text as `|` blocks and indents lists, the way content files are
    written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockStyleDumper.add_representer(str, _represent_str)


def to_yaml(topic_file: dict[str, Any]) -> str:
    """One topic file as YAML in the content format."""
    text: str = yaml.dump(
        _literal_safe(topic_file), Dumper=_BlockStyleDumper, sort_keys=False,
        allow_unicode=True, width=1000,
    )
    return text


def _literal_safe(value: Any) -> Any:
    # YAML cannot keep trailing spaces or tabs in a `|` block; drop them so every body stays one.
    if isinstance(value, str):
        return "\n".join(line.rstrip().replace("\t", "    ") for line in value.split("\n"))
    if isinstance(value, dict):
        return {k: _literal_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_safe(v) for v in value]
    return value
