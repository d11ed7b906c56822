"""The dependency direction of docs/architecture.md: ``cases → education → clinic``.

Read from the source (every import statement, function-level ones included), so an import
against the direction fails here before it can make the core depend on an app.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# app: the apps it must never import
FORBIDDEN = {
    "clinic": {"education", "cases", "interop"},
    "education": {"cases", "interop"},
    "cases": {"interop"},
}


def imported_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def modules_of(app):
    return [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_that_stand_on_it(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in modules_of(app)
        for package, line in imported_packages(path)
        if package in FORBIDDEN[app]
    ]
    assert wrong == []


def test_the_check_sees_an_import_against_the_direction(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def view():\n    from cases import dashboard\n")
    assert ("cases", 2) in set(imported_packages(module))
