"""The core stays Qt-free, and importing the package stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import petcognizer

CORE = Path(petcognizer.__file__).parent / 'core'
FORBIDDEN = ('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph', 'petcognizer.gui', 'qtpy')


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding='utf-8'))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_never_imports_qt():
    offenders = [
        f'{p.name}: {name}'
        for p in sorted(CORE.rglob('*.py'))
        for name in _imports(p)
        if any(name == f or name.startswith(f + '.') for f in FORBIDDEN)
    ]
    assert not offenders, 'petcognizer.core must stay Qt-free: ' + ', '.join(offenders)


def test_importing_the_core_loads_no_qt():
    code = (
        'import sys; import petcognizer.core.training, petcognizer.core.predict, '
        'petcognizer.core.project, petcognizer.cli; '
        'print(sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "pyqtgraph"}))'
    )
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'


def test_package_import_is_light():
    code = 'import sys, petcognizer; print("torch" in sys.modules, "PySide6" in sys.modules)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ['False', 'False']


# --- Layering, cycles and module size (issue 8) -------------------------------------------------

ROOT = Path(petcognizer.__file__).parent
REPO = ROOT.parent
#: Modules allowed over MAX_LINES, each with the reason.
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 600


def test_import_linter_contracts_hold():
    """The contracts in pyproject.toml ([tool.importlinter]): Qt-free core, a window without torch,
    the layer order of petcognizer and of its core, and no import cycles between sibling modules."""
    out = subprocess.run(
        [sys.executable, '-c', 'import sys; from importlinter.cli import lint_imports; '
         'sys.exit(lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True))'],
        cwd=REPO, capture_output=True, text=True, timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_import_cycles():
    """No module reaches itself through its imports (function-body imports count too)."""
    import grimp

    graph = grimp.build_graph('petcognizer')
    modules = sorted(graph.modules)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def strongconnect(v, counter=[0]):  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.find_modules_directly_imported_by(v)):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            # a package importing its own submodules (re-exports) is not a cycle
            if len(component) > 1 and not _is_package_reexport(component):
                cycles.append(sorted(component))

    for m in modules:
        if m not in index:
            strongconnect(m)
    assert not cycles, 'import cycles: ' + '; '.join(' <-> '.join(c) for c in cycles)


def _is_package_reexport(component: list[str]) -> bool:
    """``pkg/__init__`` re-exporting ``pkg.sub`` while ``pkg.sub`` imports ``pkg.sibling``
    shows up as pkg <-> pkg.sub in grimp; every member is then inside one package."""
    shortest = min(component, key=len)
    return all(m == shortest or m.startswith(shortest + '.') for m in component) and \
        not any(m != shortest and _imports_parent(m, shortest) for m in component)


def _imports_parent(module: str, parent: str) -> bool:
    path = ROOT.parent / (module.replace('.', '/') + '.py')
    if not path.exists():
        return False
    return any(name == parent for name in _imports(path))


def test_no_module_is_too_long():
    long = {
        str(p.relative_to(ROOT.parent)): n
        for p in sorted(ROOT.rglob('*.py'))
        if (n := len(p.read_text(encoding='utf-8').splitlines())) > MAX_LINES
        and str(p.relative_to(ROOT.parent)) not in LONG_MODULES
    }
    assert not long, f'modules over {MAX_LINES} lines (split them): {long}'
