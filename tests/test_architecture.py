"""The layers of docs/architecture.md hold: domain code never reaches for the web.

Domain packages take their settings as arguments; only blueprints and CLI
commands read the request, build URLs or look at the running app. And code
stays in pieces a reader can hold: no file over 400 lines, no function over 60.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ELEARN = Path(__file__).resolve().parent.parent / "elearn"

#: Packages and modules that hold the rules (docs/architecture.md, "Domain").
DOMAIN = ["content", "courses", "people", "learning", "certificates", "reporting", "models",
          "vocabulary.py", "errors.py", "text.py", "demo.py"]
#: Inside a domain package, the web layer of that area (a blueprint's routes).
WEB_INSIDE_DOMAIN = {"certificates/routes.py"}
#: What domain code must not import: the request machinery and the web layer.
FORBIDDEN_NAMES = {
    "flask": {"request", "url_for", "current_app", "session", "g", "Blueprint", "redirect",
              "render_template", "abort", "flash"},
    "flask_login": {"current_user", "login_required"},
}
FORBIDDEN_MODULES = ("elearn.auth", "elearn.learn", "elearn.author", "elearn.admin",
                     "elearn.main", "elearn.cli", "elearn.certificates.routes", "elearn.web",
                     "elearn.error_pages")
#: Domain parts that use no web framework at all (not even Flask-Babel): plain Python.
FRAMEWORK_FREE = ["content", "learning", "reporting", "certificates/issue.py", "vocabulary.py",
                  "errors.py", "text.py"]
WEB_FRAMEWORKS = ("flask", "flask_login", "flask_babel", "flask_wtf", "werkzeug")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _domain_files() -> list[Path]:
    files = []
    for name in DOMAIN:
        path = ELEARN / name
        assert path.exists(), f"elearn/{name} is named in the architecture but missing"
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if f.relative_to(ELEARN).as_posix() not in WEB_INSIDE_DOMAIN]


def _absolute(module: str | None, level: int, file: Path) -> str:
    """The absolute dotted name of an import made in ``file``."""
    if level == 0:
        return module or ""
    package = file.relative_to(ELEARN.parent).with_suffix("").parts[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _violations(file: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, file)
            names = {alias.name for alias in node.names}
            bad = names & FORBIDDEN_NAMES.get(module, set())
            if bad:
                found.append(f"line {node.lineno}: from {module} import {', '.join(sorted(bad))}")
            targets = [module] + [f"{module}.{n}" for n in names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            if any(target == m or target.startswith(m + ".") for m in FORBIDDEN_MODULES):
                found.append(f"line {node.lineno}: imports {target}")
                break
    return found


@pytest.mark.parametrize("file", _domain_files(), ids=lambda f: f.relative_to(ELEARN).as_posix())
def test_domain_code_never_imports_the_request_machinery_or_a_blueprint(file):
    assert _violations(file) == []


def test_the_architecture_test_catches_what_it_forbids():
    """The check itself can fail: a domain file importing current_app or a blueprint."""
    fake = ELEARN / "people" / "_architecture_probe.py"
    fake.write_text("from flask import current_app, url_for\nfrom ..learn import routes\n"
                    "import elearn.admin.routes\nfrom flask_login import current_user\n")
    try:
        found, frameworks = _violations(fake), _frameworks_imported(fake)
    finally:
        fake.unlink()
    assert len(found) == 4, found
    assert frameworks == {"flask", "flask_login"}


def _framework_free_files() -> list[Path]:
    files = []
    for name in FRAMEWORK_FREE:
        path = ELEARN / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _frameworks_imported(file: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found |= {m for m in modules if m.split(".")[0] in WEB_FRAMEWORKS}
    return found


@pytest.mark.parametrize("file", _framework_free_files(),
                         ids=lambda f: f.relative_to(ELEARN).as_posix())
def test_plain_domain_code_imports_no_web_framework(file):
    assert _frameworks_imported(file) == set()


def test_importing_the_services_loads_no_view():
    """Completing a course and issuing its certificate load no blueprint."""
    code = ("import sys, elearn.learning.completion, elearn.learning.quiz, "
            "elearn.learning.catalog, elearn.learning.assignments, elearn.reporting.queries, "
            "elearn.reporting.exports, elearn.people.staff_import; "
            "print(sorted(m for m in sys.modules if m.endswith('.routes')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ELEARN.parent)
    assert out.stdout.strip() == "[]"


def _python_files() -> list[Path]:
    return sorted(ELEARN.rglob("*.py"))


def test_no_file_in_elearn_is_longer_than_400_lines():
    long = {f.relative_to(ELEARN).as_posix(): n for f in _python_files()
            if (n := len(f.read_text().splitlines())) > MAX_FILE_LINES}
    assert long == {}


def test_no_function_in_elearn_is_longer_than_60_lines():
    long = {}
    for file in _python_files():
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{file.relative_to(ELEARN).as_posix()}:{node.name}"] = length
    assert long == {}


def test_no_check_in_elearn_is_an_assert():
    """Production workers run with PYTHONOPTIMIZE=2 (`make run`, bench.server), which
    drops assert statements: every check the app relies on must be explicit."""
    asserts = [f"{file.relative_to(ELEARN).as_posix()}:{node.lineno}" for file in _python_files()
               for node in ast.walk(ast.parse(file.read_text(), str(file)))
               if isinstance(node, ast.Assert)]
    assert asserts == []
