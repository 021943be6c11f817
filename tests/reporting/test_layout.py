"""elearn/reporting is domain code: no request machinery, small files and functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "elearn" / "reporting"
MODULES = sorted(PACKAGE.glob("*.py"))
#: Names that tie code to a request, an application or a blueprint.
REQUEST_MACHINERY = {"request", "url_for", "current_app", "session", "g", "Blueprint",
                     "current_user", "gettext", "lazy_gettext", "ngettext"}


def imported_names(tree: ast.AST) -> set[tuple[str, str]]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {(node.module or "", alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {(alias.name, "") for alias in node.names}
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_reporting_imports_no_request_machinery(path):
    names = imported_names(ast.parse(path.read_text()))
    assert not {(m, n) for m, n in names
                if m.split(".")[0] in ("flask", "flask_login", "flask_babel")
                or n in REQUEST_MACHINERY}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_reporting_files_and_functions_stay_small(path):
    source = path.read_text()
    assert len(source.splitlines()) <= 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno - node.lineno + 1 <= 60, node.name
