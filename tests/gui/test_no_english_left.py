"""In Russian and Chinese, no English words are left in the window's own texts (a text not wrapped in translate()).

Walks every widget of the window (the Start page, then a project with a run and predictions: Data,
Train with Expert settings open, Predict), the menus, and the Export, New project and shortcuts
dialogs, and collects each text, tooltip and placeholder. Words that are names (classes, files,
backbones, formats) or come from the core's run-time messages (English by design, docs/I18N.md)
are allowed; any other English word of three letters or more is reported with its widget.
"""

from __future__ import annotations

import re

from layoutcheck import with_results


#: Words that stay English: names of things, technical terms, and the test project's classes.
ALLOWED = set('''
petcognizer imagenet onnx runtime onnxruntime pytorch torchscript safetensors efficientnet lite lite0 lite1 lite2
json csv png jpeg jpg webp bmp gif tiff tif heic adamw batchnorm dropout cutout grad cam cuda mps nvidia apple gpu
cpu backbone softmax wordnet top apache tiny test red green blue photo photos new project wnid fold ensemble
cat dog tabby retriever ctrl shift alt del esc tab enter pip export
tiny tests epoch
'''.split())
#: Widget texts produced at run time by the core or the engine (English by design).
CORE = re.compile(r'Class-name prior|threads|tiny_test|not an image petcognizer can read')


def _texts(widget):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QTabBar

    out = []
    if isinstance(widget, (QLabel, QAbstractButton)):
        out.append(widget.text())
    if isinstance(widget, QLineEdit):
        out.append(widget.placeholderText())
    if isinstance(widget, QGroupBox):
        out.append(widget.title())
    if isinstance(widget, QComboBox):
        out += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QTabBar):
        out += [widget.tabText(i) for i in range(widget.count())]
    out.append(widget.toolTip())
    return [t for t in out if t]


def _english(text: str) -> list[str]:
    from layoutcheck import _plain

    plain = _plain(text)
    if CORE.search(plain):
        return []
    words = re.findall(r'(?<![\w./\\-])[A-Za-z]{3,}(?![\w./\\-])', plain)
    return [w for w in words if w.lower() not in ALLOWED]


def test_no_english_words_left_in_the_window(qtbot, translated, layout_window, trained, tmp_path, make_solid_photo):
    from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItemIterator, QWidget

    from petcognizer.gui.export_dialog import ExportDialog
    from petcognizer.gui.new_project import NewProjectDialog
    from petcognizer.gui.shortcuts import ShortcutsDialog

    win = layout_window
    found: dict[str, str] = {}

    def collect(root, where):
        for w in [root, *root.findChildren(QWidget)]:
            for text in _texts(w):
                bad = _english(text)
                if bad:
                    found.setdefault(f'{where}: {type(w).__name__} {text[:80]!r}', ', '.join(bad))

    collect(win, 'Start')
    project, record = trained
    with_results(qtbot, win, project, tmp_path, make_solid_photo)
    win.train_page.expert_toggle.setChecked(True)
    for index in range(win.tabs.count()):
        win.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        collect(win, win.tabs.tabText(index))
    for menu_action in win.menuBar().actions():
        for act in [menu_action, *menu_action.menu().actions()]:
            for text in (act.text(), act.toolTip()):
                bad = _english(text)
                if bad:
                    found.setdefault(f'menu: {text!r}', ', '.join(bad))
    keys = ShortcutsDialog(win)
    keys.show_for(win)
    for dialog, name in ((ExportDialog(project.root / record.model_path, run=record, default_dir=tmp_path), 'Export'),
                         (NewProjectDialog(tmp_path), 'New project'), (keys, 'Shortcuts')):
        qtbot.addWidget(dialog)
        collect(dialog, name)
        for tree in dialog.findChildren(QTreeWidget):
            it = QTreeWidgetItemIterator(tree)
            while it.value():
                for col in range(tree.columnCount()):
                    bad = _english(it.value().text(col))
                    if bad:
                        found.setdefault(f'{name}: {it.value().text(col)!r}', ', '.join(bad))
                it += 1
    assert not found, f'{translated}:\n' + '\n'.join(f'{k}: {v}' for k, v in sorted(found.items()))
