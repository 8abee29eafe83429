"""The Train page's result card: how good a run's model is, in words, per class, and where it errs.

Everything comes from ``RunRecord.evaluation`` (see the issue-10 contract in
:mod:`petcognizer.core.runs`): the summary sentence ("About 96% right (90-99%),
measured on photos each model had not seen"), how it was measured, per-class
accuracy with its interval, calibration, and the confusion matrix. A run made
before evaluations were recorded shows what it has: its best validation accuracy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.confusion import ConfusionMatrixWidget
from petcognizer.gui.formatting import accuracy_text
from petcognizer.gui.i18n import language, translate

__all__ = ['ResultCard', 'fit_height', 'interval_text', 'method_text', 'mistakes_of', 'percent']


def percent(x: Any) -> str:
    """0.956 -> '96%'."""
    return f'{float(x) * 100:.0f}%'


def interval_text(low: Any, high: Any) -> str:
    """0.9, 0.99 -> '90–99%'."""
    return f'{float(low) * 100:.0f}–{float(high) * 100:.0f}%'


def method_text(ev: dict) -> str:
    """How the figures were measured, in words."""
    n = int(ev.get('n') or 0)
    photos = translate('result_card', '%n photo(s)', None, n)
    if ev.get('method') == 'cross-validation':
        folds = ev.get('folds')
        if folds and int(folds) >= n > 0:
            how = translate('result_card', 'leave-one-out cross-validation')
        elif folds:
            how = translate('result_card', '{int_folds}-fold cross-validation').format(int_folds=int(folds))
        else:
            how = 'cross-validation'
        return (translate('result_card', 'Measured by {how} on {photos}: each photo was judged by a model '
                                           'trained without it.').format(how=how, photos=photos))
    return translate('result_card', 'Measured on {photos} kept aside for validation (the model never '
                                      'trained on them).').format(photos=photos)


def fit_height(table: QTableWidget, max_rows: int = 12) -> None:
    """Make ``table`` as tall as its rows (up to ``max_rows``; it scrolls beyond)."""
    rows = sum(table.rowHeight(r) for r in range(min(table.rowCount(), max_rows)))
    header = 0 if table.horizontalHeader().isHidden() else table.horizontalHeader().sizeHint().height()
    table.setFixedHeight(rows + header + 2 * table.frameWidth() + 2)
    # and at least as wide as its columns' contents: no elided "100% …"
    table.resizeColumnsToContents()
    hdr = table.horizontalHeader()
    width = sum(max(hdr.sectionSize(c), hdr.sectionSizeHint(c)) for c in range(table.columnCount()))
    table.setMinimumWidth(width + 2 * table.frameWidth() + 4)


def mistakes_of(ev: dict) -> list[dict]:
    """The wrong predictions, most confidently wrong first."""
    wrong = [p for p in ev.get('predictions') or [] if p.get('true') != p.get('predicted')]
    return sorted(wrong, key=lambda p: -float(p.get('confidence') or 0.0))


class ResultCard(QFrame):
    """The figures of one run.

    Signals:
        cell_clicked(str, str): a confusion cell (true, predicted) was clicked.
        mistakes_requested(): "Browse mistakes…" was clicked.
    """

    cell_clicked = Signal(str, str)
    mistakes_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ResultCard')
        self.setStyleSheet('QFrame#ResultCard { background: white; border: 1px solid #dde; border-radius: 6px; }')
        self.record: Any = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(6)
        self.summary_label = QLabel()
        self.summary_label.setObjectName('ResultSummary')
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() + 3)
        font.setBold(True)
        self.summary_label.setFont(font)
        lay.addWidget(self.summary_label)
        self.method_label = QLabel()
        self.method_label.setWordWrap(True)
        self.method_label.setStyleSheet('color: #555;')
        lay.addWidget(self.method_label)
        self.calibration_label = QLabel()
        self.calibration_label.setWordWrap(True)
        self.calibration_label.setStyleSheet('color: #555;')
        lay.addWidget(self.calibration_label)

        # the tables keep their natural size and scroll together when the window is small
        # (side by side they are wider than the Train page's column at 1024 px)
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName('ResultBody')
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setStyleSheet('QScrollArea#ResultBody, QWidget#ResultBodyInside '
                                       '{ background: transparent; border: none; }')
        inside = QWidget()
        inside.setObjectName('ResultBodyInside')
        body = QHBoxLayout(inside)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(16)
        left = QVBoxLayout()
        head = QLabel(translate('result_card', '<b>Per class</b>'))
        left.addWidget(head)
        self.class_table = QTableWidget(0, 3)
        self.class_table.setHorizontalHeaderLabels([translate('result_card', 'Class'), translate('result_card', 'Photos'), translate('result_card', 'Right (range)')])
        self.class_table.verticalHeader().hide()
        self.class_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.class_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.class_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        hdr = self.class_table.horizontalHeader()
        hdr.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hdr.setStretchLastSection(True)
        left.addWidget(self.class_table)
        left.addStretch(1)
        body.addLayout(left, 2)
        right = QVBoxLayout()
        self.confusion_head = QLabel(translate('result_card', '<b>What it said</b> (click a number to see those photos)'))
        self.confusion_head.setWordWrap(True)
        right.addWidget(self.confusion_head)
        self.confusion = ConfusionMatrixWidget()
        self.confusion.cell_clicked.connect(self.cell_clicked)
        right.addWidget(self.confusion)
        right.addStretch(1)
        body.addLayout(right, 3)
        self.body_scroll.setWidget(inside)
        lay.addWidget(self.body_scroll, 1)

        bar = QHBoxLayout()
        bar.addStretch(1)
        self.mistakes_button = QPushButton(translate('result_card', 'Browse mistakes…'))
        self.mistakes_button.setToolTip(translate('result_card', 'Every wrong answer, most confidently wrong first, with one-click fixes.'))
        self.mistakes_button.clicked.connect(self.mistakes_requested)
        bar.addWidget(self.mistakes_button)
        lay.addLayout(bar)
        self.set_record(None)

    def evaluation(self) -> dict:
        ev = getattr(self.record, 'evaluation', None)
        return dict(ev) if isinstance(ev, dict) else {}

    def set_record(self, record: Any) -> None:
        """Show the figures of ``record`` (a RunRecord; None: no run)."""
        self.record = record
        ev = self.evaluation()
        has_eval = bool(ev.get('per_class') or ev.get('summary'))
        self.class_table.setVisible(has_eval)
        self.confusion.setVisible(bool(ev.get('confusion')))
        self.confusion_head.setVisible(bool(ev.get('confusion')))
        if record is None:
            self.summary_label.setText(translate('result_card', 'No run yet'))
            self.method_label.setText(translate('result_card', 'Train a model: its accuracy, measured honestly, appears here.'))
            self.calibration_label.hide()
            self.mistakes_button.hide()
            return
        if not has_eval:
            acc = accuracy_text(getattr(record, 'best_val_acc', None), '')
            self.summary_label.setText(translate('result_card', 'Best validation accuracy: {acc}').format(acc=acc) if acc else translate('result_card', 'Accuracy not measured'))
            self.method_label.setText(
                translate('result_card', 'This run was made before accuracy was measured on unseen photos, so there is no '
                'interval, per-class accuracy or confusion matrix. Train again to get them.')
                if acc else
                translate('result_card', 'This run had no validation photos and was made before accuracy was measured by '
                'cross-validation. Train again to see how good the model is.')
            )
            self.calibration_label.hide()
            self.mistakes_button.hide()
            return
        # the run's own summary is English (core): in another language the window writes it
        summary = (ev.get('summary') if language() == 'en' else None) or (
            translate('result_card', 'About {percent} right ({interval})').format(
                percent=percent(ev.get('accuracy', 0)), interval=interval_text(ev.get('low', 0), ev.get('high', 0)))
        )
        self.summary_label.setText(summary)
        self.method_label.setText(method_text(ev))
        ece = ev.get('ece')
        if isinstance(ece, (int, float)):
            quality = translate('result_card', 'well calibrated') if ece <= 0.05 else translate('result_card', 'roughly calibrated') if ece <= 0.1 else translate('result_card', 'not well calibrated')
            self.calibration_label.setText(
                translate('result_card', 'Its confidence is {quality}: on average a stated confidence is '
                                           'off by {value:.1f} points (expected calibration error).').format(quality=quality, value=ece * 100)
            )
            self.calibration_label.show()
        else:
            self.calibration_label.hide()
        self._fill_classes(ev)
        self.confusion.set_matrix(ev.get('classes') or [], ev.get('confusion') or [])
        fit_height(self.confusion)
        n_wrong = len(mistakes_of(ev))
        self.mistakes_button.setText(
            translate('result_card', 'Browse %n mistake(s)…', None, n_wrong) if n_wrong else translate('result_card', 'No mistakes to browse')
        )
        self.mistakes_button.setEnabled(bool(n_wrong))
        self.mistakes_button.show()

    def _fill_classes(self, ev: dict) -> None:
        per = ev.get('per_class') or {}
        names = [c for c in ev.get('classes') or [] if c in per] + [c for c in per if c not in (ev.get('classes') or [])]
        table = self.class_table
        table.setRowCount(len(names))
        for row, name in enumerate(names):
            d = per[name]
            n = int(d.get('n') or 0)
            right = (f'{percent(d.get("accuracy", 0))}  ({interval_text(d.get("low", 0), d.get("high", 0))})'
                     if n else translate('result_card', '— (no photo measured)'))
            cells = [name, str(n), right]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 2:
                    item.setToolTip(
                        translate('result_card', "Right on {percent} of the {n} photos of '{name}'; with 95% "
                                                 'confidence between {interval}.').format(
                            percent=percent(d.get('accuracy', 0)), n=n, name=name,
                            interval=interval_text(d.get('low', 0), d.get('high', 0)))
                    )
                table.setItem(row, col, item)
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        fit_height(table)
