"""YAML front matter with the line number of every key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .limits import MAX_FRONT_MATTER_CHARS, MAX_FRONT_MATTER_DEPTH
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
    import yaml  # here, not at import: only reading a course needs it
    fm = FrontMatter(body="\n".join(lines[end + 1:]), body_line=end + 2, end_line=end + 1)
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return fm, [Problem(file, 2, N_(
            "the front matter is longer than %(limit)d characters"),
            {"limit": MAX_FRONT_MATTER_CHARS})]
    try:
        if (problem := _unsafe_shape(yaml_text, file)) is not None:
            return fm, [problem]
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = 2 + (mark.line if mark else 0)
        reason = (exc.problem or "invalid YAML").strip()
        return fm, [Problem(file, line, N_("invalid YAML: %(reason)s"), {"reason": reason})]
    except (yaml.YAMLError, ValueError) as exc:
        # ValueError: a number of more than 4300 digits, which int() refuses.
        return fm, [Problem(file, 2, N_("invalid YAML: %(reason)s"),
                            {"reason": str(exc).strip()[:200]})]
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


def _unsafe_shape(yaml_text: str, file: str) -> Problem | None:
    """Refuse anchors and aliases (billion laughs) and deep nesting, reading events only.

    The event parser is not recursive and expands nothing, so this is linear
    and safe before the recursive composer runs.
    """
    import yaml

    depth = 0
    for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
        line = 2 + event.start_mark.line
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return Problem(file, line, N_(
                "YAML anchors and aliases (&name, *name) are not allowed"))
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONT_MATTER_DEPTH:
                return Problem(file, line, N_(
                    "the front matter is nested more than %(limit)d levels deep"),
                    {"limit": MAX_FRONT_MATTER_DEPTH})
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None
