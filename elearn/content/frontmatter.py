"""YAML front matter with the line number of every key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import N_, Problem


@dataclass
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)
    #: Line (1-based, in the file) of each key.
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    #: Line of the file on which the body starts.
    body_line: int = 1
    end_line: int = 1


def split_front_matter(text: str, file: str) -> tuple[FrontMatter, list[Problem]]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return FrontMatter(body=text), [
            Problem(file, 1, N_("the file must start with front matter between '---' lines"))
        ]
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        return FrontMatter(body=""), [
            Problem(file, 1, N_("front matter is not closed with a '---' line"))
        ]
    yaml_text = "\n".join(lines[1:end])
    fm = FrontMatter(body="\n".join(lines[end + 1:]), body_line=end + 2, end_line=end + 1)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 2 + (mark.line if mark else 0)
        reason = (exc.problem or "invalid YAML").strip()
        return fm, [Problem(file, line, N_("invalid YAML: %(reason)s"), {"reason": reason})]
    if data is None:
        return fm, []
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return fm, [Problem(file, 2, N_("front matter must be 'key: value' lines"))]
    problems = []
    for key_node, _value in node.value:
        key = key_node.value
        line = 2 + key_node.start_mark.line
        if key in fm.lines:
            problems.append(Problem(file, line, N_("duplicate key '%(key)s'"), {"key": key}))
        fm.lines[key] = line
    fm.data = {str(k): v for k, v in data.items()}
    return fm, problems
