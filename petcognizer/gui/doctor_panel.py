"""The dataset doctor on the Data page: "Check my photos", findings by kind, one-click fixes.

The check runs in the engine (job ``'doctor'``, :func:`petcognizer.core.doctor.run_doctor`)
on ``project.snapshot()``, with progress and Cancel; the report lists findings
(exact and near duplicates, duplicates across training and validation, likely
mislabelled photos, small or unbalanced classes, unreadable files). Selecting a
finding shows its photos; its fix (move to a class or Unlabelled, or delete)
is one click through :class:`~petcognizer.gui.photo_fixes.PhotoFixer`, so
Edit ▸ Undo takes it back. A finding whose photos have moved since is shown
as fixed; an undo makes it fixable again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.events import StageProgress
from petcognizer.core.settings import feature_cache_root
from petcognizer.gui.data_assist import is_cancelled, stop_engine_worker
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.photo_fixes import PhotoFixer
from petcognizer.gui.photo_grid import ThumbnailGrid
from petcognizer.gui.thumbnails import ThumbnailLoader, ThumbnailModel
from petcognizer.gui.widgets import ProgressRow
from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.gui.i18n import translate

__all__ = ['DEFAULT_BACKBONE', 'KIND_TITLES', 'DoctorDialog', 'DoctorPanel', 'fix_pending', 'fix_text']

DEFAULT_BACKBONE = 'efficientnet_lite0'

#: Each kind of finding, in the order shown, as its heading.
KIND_TITLES = {
    'unreadable': QT_TRANSLATE_NOOP('doctor_panel', 'Files that cannot be read'),
    'leak': QT_TRANSLATE_NOOP('doctor_panel', 'Same photo in training and validation'),
    'duplicate': QT_TRANSLATE_NOOP('doctor_panel', 'Exact duplicates'),
    'near_duplicate': QT_TRANSLATE_NOOP('doctor_panel', 'Near duplicates'),
    'mislabelled': QT_TRANSLATE_NOOP('doctor_panel', 'Likely in the wrong class'),
    'small_class': QT_TRANSLATE_NOOP('doctor_panel', 'Classes with too few photos'),
    'imbalance': QT_TRANSLATE_NOOP('doctor_panel', 'Unbalanced classes'),
}

FindingRole = Qt.ItemDataRole.UserRole + 1


def fix_text(fix: dict | None) -> str:
    """The fix as a button's text."""
    if not fix:
        return translate('doctor_panel', 'No automatic fix')
    n = len(fix.get('paths') or [])
    if fix.get('action') == 'delete':
        return translate('doctor_panel', 'Fix: delete %n photo(s)', None, n)
    to = fix.get('to')
    if to is None:
        return translate('doctor_panel', 'Fix: move %n photo(s) to Unlabelled', None, n)
    return translate('doctor_panel', "Fix: move %n photo(s) to '{to}'", None, n).format(to=to)


def fix_pending(fix: dict | None) -> bool:
    """True while every photo the fix touches is still where the check saw it."""
    paths = (fix or {}).get('paths') or []
    return bool(paths) and all(Path(p).is_file() for p in paths)


def _backbone_of(project: Any) -> str:
    """The latest run's single backbone (its features are cached), else the default."""
    runs = sorted(getattr(project, 'runs', []) or [], key=lambda r: str(r.created), reverse=True)
    for r in runs:
        name = r.backbone or r.config.get('backbone') or ''
        if name and '+' not in name:
            return name
    return DEFAULT_BACKBONE


class DoctorPanel(QWidget):
    """Run the check, list its findings by kind, show a finding's photos and fix it."""

    def __init__(self, project_model: Any, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('DoctorPanel')
        self.project_model = project_model
        self.undo_stack = undo_stack
        self.fixer = PhotoFixer(project_model, undo_stack, self._on_fix_message)
        self._worker: EngineWorker | None = None
        self.report: dict | None = None
        self.loader = ThumbnailLoader(parent=self)
        self.model = ThumbnailModel(self.loader, parent=self)
        self._build_ui()
        project_model.project_changed.connect(self._on_project_changed)
        project_model.photos_changed.connect(self._on_photos_changed)
        self._on_project_changed(project_model.project)

    def _build_ui(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 10)
        head = QHBoxLayout()
        title = QLabel(translate('doctor_panel', '<b>Check my photos</b>'))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        title.setFont(font)
        head.addWidget(title)
        head.addStretch(1)
        self.run_button = QPushButton(translate('doctor_panel', 'Check my photos'))
        self.run_button.setObjectName('PrimaryButton')
        self.run_button.clicked.connect(self.start)
        head.addWidget(self.run_button)
        lay.addLayout(head)
        self.summary_label = QLabel(
            translate('doctor_panel', 'Finds duplicates, the same photo in training and validation, photos that look like another '
            'class, classes too small or unbalanced, and files that cannot be read.')
        )
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet('color: #555;')
        lay.addWidget(self.summary_label)
        self.progress_row = ProgressRow()
        self.progress_row.cancel_button.clicked.connect(self.cancel)
        lay.addWidget(self.progress_row)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.setMinimumWidth(280)
        self.tree.currentItemChanged.connect(self._on_current_item_changed)
        split.addWidget(self.tree)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        rv.addWidget(self.message_label)
        self.grid = ThumbnailGrid()
        self.grid.setModel(self.model)
        self.grid.setDragEnabled(False)
        self.grid.setAcceptDrops(False)
        rv.addWidget(self.grid, 1)
        bar = QHBoxLayout()
        self.fix_button = QPushButton(translate('doctor_panel', 'Fix'))
        self.fix_button.setObjectName('PrimaryButton')
        self.fix_button.clicked.connect(self._on_fix_clicked)
        bar.addWidget(self.fix_button)
        self.undo_button = QPushButton(translate('doctor_panel', 'Undo'))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_button.setEnabled(self.undo_stack.canUndo())
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        bar.addWidget(self.undo_button)
        bar.addStretch(1)
        rv.addLayout(bar)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        rv.addWidget(self.status_label)
        split.addWidget(right)
        split.setSizes([380, 500])
        lay.addWidget(split, 1)
        self._show_finding(None)

    # ------------------------------------------------------------ running

    def is_running(self) -> bool:
        return self._worker is not None

    @Slot()
    def start(self) -> bool:
        """Check the project's photos in the background; False if it cannot start now."""
        project = self.project_model.project
        if project is None or self._worker is not None:
            return False
        try:
            snapshot = project.snapshot()
        except Exception as exc:
            self.status_label.setText(translate('doctor_panel', 'Cannot check the photos: {exc}').format(exc=exc))
            return False
        if not snapshot.n_photos:
            self.summary_label.setText(translate('doctor_panel', 'No labelled photos to check yet: put photos into classes first.'))
            return False
        self._worker = worker = EngineWorker(
            'doctor', snapshot=snapshot.to_dict(), cache_root=str(feature_cache_root(project)),
            backbone=_backbone_of(project),
        )
        worker.progressed.connect(self._on_progressed)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self.run_button.setEnabled(False)
        self.progress_row.label.setText(translate('doctor_panel', 'Checking {n_photos} photos…').format(n_photos=snapshot.n_photos))
        self.progress_row.bar.setRange(0, 0)
        self.progress_row.cancel_button.show()
        self.progress_row.show()
        worker.start()
        return True

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.progress_row.label.setText(translate('doctor_panel', 'Stopping…'))

    @Slot(object)
    def _on_progressed(self, ev: Any) -> None:
        if isinstance(ev, StageProgress):
            self.progress_row.bar.setRange(0, max(1, ev.total))
            self.progress_row.bar.setValue(min(ev.done, ev.total))
            self.progress_row.label.setText(f'{ev.text or ev.stage}: {ev.done} of {ev.total}')

    @Slot(object)
    def _on_returned(self, report: Any) -> None:
        if isinstance(report, dict):
            self.show_report(report)

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        if is_cancelled(message):
            self.status_label.setText(translate('doctor_panel', 'Stopped. Click "Check my photos" to start again.'))
        else:
            self.status_label.setText(translate('doctor_panel', 'The check failed: {message}').format(message=message))

    @Slot()
    def _on_finished(self) -> None:
        self._worker = None
        self.progress_row.hide()
        self.run_button.setEnabled(self.project_model.project is not None)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        ok = stop_engine_worker(self._worker, timeout_ms)
        return self.loader.shutdown(timeout_ms) and ok

    # ------------------------------------------------------------ the report

    def show_report(self, report: dict) -> None:
        """List ``report['findings']`` by kind (the 'doctor' job's result)."""
        self.report = report
        self.run_button.setText(translate('doctor_panel', 'Check again'))
        findings = list(report.get('findings') or [])
        n = int(report.get('n_photos') or 0)
        secs = float(report.get('seconds') or 0.0)
        n_findings = len(findings)
        if findings:
            self.summary_label.setText(
                translate('doctor_panel', 'Checked {n} photos in {secs:.1f} s: %n thing(s) to look at.', None,
                          n_findings).format(n=n, secs=secs)
            )
        else:
            self.summary_label.setText(translate('doctor_panel', 'Checked {n} photos in {secs:.1f} s: '
                                                                   'nothing wrong found.').format(n=n, secs=secs))
        self.tree.clear()
        kinds = list(KIND_TITLES) + sorted({f.get('kind') for f in findings} - set(KIND_TITLES))
        first = None
        for kind in kinds:
            group = [f for f in findings if f.get('kind') == kind]
            if not group:
                continue
            top = QTreeWidgetItem([f'{translate("doctor_panel", KIND_TITLES.get(kind, kind))} ({len(group)})'])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setData(0, Qt.ItemDataRole.UserRole, kind)
            self.tree.addTopLevelItem(top)
            for finding in sorted(group, key=lambda f: -float(f.get('score') or 0.0)):
                item = QTreeWidgetItem([str(finding.get('message') or kind)])
                item.setData(0, FindingRole, finding)
                item.setToolTip(0, '\n'.join([str(finding.get('message') or kind),
                                               *(str(p) for p in finding.get('paths') or [])]))
                top.addChild(item)
                first = first or item
            top.setExpanded(True)
        self._mark_fixed()
        if first is not None:
            self.tree.setCurrentItem(first)
        else:
            self._show_finding(None)

    def finding_items(self, kind: str | None = None) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if kind is None or top.data(0, Qt.ItemDataRole.UserRole) == kind:
                out += [top.child(j) for j in range(top.childCount())]
        return out

    def current_finding(self) -> dict | None:
        item = self.tree.currentItem()
        return item.data(0, FindingRole) if item is not None else None

    def _mark_fixed(self) -> None:
        for item in self.finding_items():
            finding = item.data(0, FindingRole) or {}
            fix = finding.get('fix')
            done = bool(fix) and not fix_pending(fix)
            font = item.font(0)
            font.setStrikeOut(done)
            item.setFont(0, font)
            item.setForeground(0, Qt.GlobalColor.gray if done else Qt.GlobalColor.black)

    def _show_finding(self, finding: dict | None) -> None:
        if finding is None:
            self.message_label.setText(translate('doctor_panel', 'Select a finding to see its photos.') if self.report else '')
            self.model.set_paths([])
            self.fix_button.setEnabled(False)
            self.fix_button.setText(translate('doctor_panel', 'Fix'))
            return
        classes = ', '.join(finding.get('classes') or [])
        extra = translate('doctor_panel', '<br><span style="color:#666">Classes: {classes}</span>').format(
            classes=classes) if classes else ''
        self.message_label.setText(f'<b>{finding.get("message", "")}</b>' + extra)
        paths = [Path(p) for p in finding.get('paths') or []]
        self.model.set_paths(paths, [p.name if p.is_file() else translate('doctor_panel', '{name} (moved)').format(name=p.name) for p in paths])
        fix = finding.get('fix')
        pending = fix_pending(fix)
        self.fix_button.setText(fix_text(fix) if pending or not fix else translate('doctor_panel', 'Fixed (Undo to take it back)'))
        self.fix_button.setEnabled(pending)

    def fix_current(self) -> bool:
        """Apply the selected finding's fix, undoably."""
        finding = self.current_finding()
        fix = (finding or {}).get('fix')
        if not fix or not fix_pending(fix):
            return False
        return self.fixer.apply(fix)

    # ------------------------------------------------------------ slots

    @Slot()
    def _on_fix_clicked(self) -> None:
        self.fix_current()

    def _on_fix_message(self, text: str, error: bool) -> None:
        self.status_label.setStyleSheet('color: #b71c1c;' if error else 'color: #2e7d32;')
        self.status_label.setText(text)

    @Slot(object, object)
    def _on_current_item_changed(self, current: Any, _previous: Any) -> None:
        self._show_finding(current.data(0, FindingRole) if current is not None else None)

    @Slot(object)
    def _on_project_changed(self, project: Any) -> None:
        self.cancel()
        self.report = None
        self.tree.clear()
        self.loader.clear_pending()
        self.loader.cache_dir = (Path(project.cache_dir) / 'thumbs') if project is not None else None
        self.run_button.setEnabled(project is not None and self._worker is None)
        self._show_finding(None)

    @Slot(object)
    def _on_photos_changed(self, *_args: Any) -> None:
        self._mark_fixed()
        self._show_finding(self.current_finding())


class DoctorDialog(QDialog):
    """The doctor in its own window (not modal)."""

    def __init__(self, project_model: Any, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate('doctor_panel', 'Check my photos'))
        self.resize(900, 600)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.panel = DoctorPanel(project_model, undo_stack, self)
        lay.addWidget(self.panel)
        # Edit ▸ Undo / Redo of the main window do not reach this window: the same keys here
        QShortcut(QKeySequence.StandardKey.Undo, self, undo_stack.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, undo_stack.redo)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        return self.panel.shutdown(timeout_ms)
