"""The project package: torch-free, no import cycles inside it, small modules, the old names still import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import petcognizer.core.project as project_pkg

PACKAGE = Path(project_pkg.__file__).parent
PREFIX = 'petcognizer.core.project'


def test_importing_the_project_loads_no_torch_and_no_qt():
    code = ('import sys, petcognizer.core.project; '
            'print("torch" in sys.modules, any(m.split(".")[0] == "PySide6" for m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['False', 'False']


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(package modules imported at module level, imports found inside functions)."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    top: set[str] = set()
    nested: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested += [ast.unparse(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PREFIX + '.'):
            top.add(node.module[len(PREFIX) + 1:])
    return top, nested


def test_no_import_cycles_and_no_imports_in_functions():
    graph = {}
    for path in sorted(PACKAGE.glob('*.py')):
        top, nested = _imports(path)
        assert not nested, f'{path.name} imports inside a function: {nested}'
        if path.stem != '__init__':
            graph[path.stem] = top
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(module: str, chain: list[str]) -> None:
        if state.get(module) == 'done':
            return
        assert state.get(module) != 'open', 'import cycle: ' + ' -> '.join([*chain, module])
        state[module] = 'open'
        for dep in sorted(graph[module]):
            visit(dep, [*chain, module])
        state[module] = 'done'
        order.append(module)

    for module in graph:
        visit(module, [])
    assert set(order) == set(graph)


def test_modules_are_small():
    sizes = {p.name: len(p.read_text(encoding='utf-8').splitlines()) for p in PACKAGE.glob('*.py')}
    assert max(sizes.values()) <= 500, sizes


def test_public_names_still_import():
    from petcognizer.core.project import (  # noqa: F401
        PALETTE,
        AddReport,
        Progress,
        Project,
        ProjectError,
        ProjectEvents,
        TrashEntry,
        locate_by_digest,
        natural_key,
        validate_class_name,
    )

    assert set(project_pkg.__all__) >= {'Project', 'ProjectError', 'AddReport', 'TrashEntry', 'natural_key',
                                         'validate_class_name', 'ProjectEvents', 'locate_by_digest'}
    assert Project.FILE_NAME == 'project.json' and Project.SCHEMA_VERSION == 1
