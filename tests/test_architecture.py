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
        for p in sorted(CORE.glob('*.py'))
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
