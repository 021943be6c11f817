"""The learning services and certificate issuing are plain functions: no Flask here."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ELEARN = Path(__file__).resolve().parents[2] / "elearn"
DOMAIN_FILES = sorted((ELEARN / "learning").rglob("*.py")) + [ELEARN / "certificates" / "issue.py"]
WEB_MODULES = ("flask", "flask_login", "flask_babel", "flask_wtf", "werkzeug")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ELEARN)))
def test_domain_code_imports_no_web_framework(path):
    web = {m for m in _imported_modules(path) if m.split(".")[0] in WEB_MODULES}
    assert web == set(), f"{path.name} imports {sorted(web)}"


def test_importing_the_services_registers_no_blueprint():
    """Issuing a certificate from the learning services does not load any view."""
    code = ("import sys, elearn.learning.completion, elearn.learning.quiz, "
            "elearn.learning.catalog, elearn.learning.assignments; "
            "print(sorted(m for m in sys.modules if m.endswith('.routes')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ELEARN.parent)
    assert out.stdout.strip() == "[]"
