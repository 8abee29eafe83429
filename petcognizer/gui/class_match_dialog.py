"""See and change what a class name means in ImageNet terms.

petcognizer matches each class name to a WordNet concept with ImageNet outputs
(:func:`petcognizer.core.prior.match_class_name`), so a class called "cat"
starts from everything the pretrained network knows about cats. The user can
override the match (``project.class_matches[name] = [wnid, ...]``), clear it
(an empty list) or go back to the automatic match (no entry). This module
holds the dialog, the helper that resolves a class's current match, and the
undo command for a change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core import classnames as prior
from petcognizer.gui.undo import ProjectCommand
from petcognizer.gui.i18n import translate

__all__ = [
    'AUTOMATIC',
    'ClassMatchCommand',
    'ClassMatchDialog',
    'current_match',
    'describe_match',
]

#: :attr:`ClassMatchDialog.choice` meaning "remove the override, match automatically".
AUTOMATIC = None
_WnidRole = Qt.ItemDataRole.UserRole + 1


def current_match(name: str, overrides: dict[str, list[str]] | None) -> tuple[Any, bool]:
    """The match a class uses now, and whether it is the user's override.

    Args:
        name: the class name.
        overrides: ``project.class_matches`` (class -> list of wnids; [] = cleared).

    Returns:
        (:class:`~petcognizer.core.prior.ClassMatch` or None, overridden).
    """
    overrides = overrides or {}
    if name not in overrides:
        return prior.match_class_name(name), False
    parts = []
    for wnid in overrides[name]:
        try:
            parts.append(prior.synset(wnid))
        except ValueError:
            continue  # an id from another WordNet version: ignored, like the core does not
    if not parts:
        return None, True
    if len(parts) == 1:
        return parts[0], True
    outputs = tuple(sorted({i for p in parts for i in p.outputs}))
    return prior.ClassMatch('+'.join(p.wnid for p in parts), ' + '.join(p.name for p in parts), outputs), True


def _outputs_text(n: int) -> str:
    return translate('class_match_dialog', '%n ImageNet output(s)', None, n)


def describe_match(name: str, overrides: dict[str, list[str]] | None) -> str:
    """Short text for the class list: "→ domestic cat" or "no match"."""
    match, _ = current_match(name, overrides)
    return f'→ {match.name}' if match is not None else translate('class_match_dialog', 'no match')


class ClassMatchCommand(ProjectCommand):
    """A class's ImageNet match changed; undo puts the previous override (or none) back.

    Args:
        name: the class.
        old: its previous override (None: there was none, it matched automatically).
        new: its new override (None: automatic; []: cleared; [wnid, ...]).
    """

    def __init__(
        self, project: Any, name: str, old: list[str] | None, new: list[str] | None, **kwargs: Any
    ) -> None:
        super().__init__(translate('class_match_dialog', "Change the ImageNet match of '{name}'").format(name=name), project, **kwargs)
        self.name = name
        self.old = None if old is None else list(old)
        self.new = None if new is None else list(new)

    @staticmethod
    def apply(project: Any, name: str, wnids: list[str] | None) -> None:
        """Write ``wnids`` as the override of ``name`` (None removes it) and save."""
        matches = dict(project.class_matches)
        if wnids is None:
            matches.pop(name, None)
        else:
            matches[name] = list(wnids)
        project.class_matches = matches
        project.save()

    def _do(self) -> None:
        self.apply(self.project, self.name, self.new)

    def _undo(self) -> None:
        self.apply(self.project, self.name, self.old)


class ClassMatchDialog(QDialog):
    """Pick the ImageNet concept a class means, clear it, or go back to automatic.

    After ``exec()`` returns Accepted, :attr:`choice` holds the new override:
    a list of wnids, ``[]`` (no match) or :data:`AUTOMATIC` (``None``).

    Args:
        name: the class.
        overrides: the project's ``class_matches``.
    """

    def __init__(
        self, name: str, overrides: dict[str, list[str]] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate('class_match_dialog', "ImageNet match of '{name}'").format(name=name))
        self.setObjectName('ClassMatchDialog')
        self.resize(460, 440)
        self.name = name
        self.choice: list[str] | None = AUTOMATIC
        match, overridden = current_match(name, overrides)
        self._current_wnid = match.wnid if match is not None else None
        auto = prior.match_class_name(name)

        why = QLabel(
            translate('class_match_dialog', 'petcognizer uses what the pretrained network knows about '
                                              "'{name}' when you have few photos. Pick the concept this "
                                              'class means, or clear it if none fits.').format(name=name)
        )
        why.setWordWrap(True)
        why.setObjectName('HintLabel')
        self.current_label = QLabel()
        self.current_label.setWordWrap(True)
        self.current_label.setTextFormat(Qt.TextFormat.RichText)
        if match is None:
            now = translate('class_match_dialog', '<b>no match</b> (the photos alone decide)')
        else:
            now = translate('class_match_dialog', '<b>{name}</b> ({outputs_text})').format(name=match.name, outputs_text=_outputs_text(len(match.outputs)))
        where = translate('class_match_dialog', 'your choice') if overridden else translate('class_match_dialog', 'automatic, from the name')
        self.current_label.setText(translate('class_match_dialog', 'Current match: {now}, {where}.').format(now=now, where=where))

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(translate('class_match_dialog', 'Search ImageNet concepts, e.g. "retriever", "tabby"…'))
        self.search_edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAlternatingRowColors(True)
        self.status_label = QLabel()
        self.status_label.setObjectName('KeysLabel')

        self.use_button = QPushButton(translate('class_match_dialog', 'Use'))
        self.use_button.setObjectName('PrimaryButton')
        self.use_button.setToolTip(translate('class_match_dialog', 'Use the selected concept for this class'))
        self.use_button.setEnabled(False)
        self.clear_button = QPushButton(translate('class_match_dialog', 'Clear match'))
        self.clear_button.setToolTip(translate('class_match_dialog', 'This class means nothing ImageNet knows: let the photos alone decide'))
        self.automatic_button = QPushButton(translate('class_match_dialog', 'Automatic'))
        auto_text = auto.name if auto is not None else translate('class_match_dialog', 'no match')
        self.automatic_button.setToolTip(translate('class_match_dialog', 'Forget your choice and match '
                                                                           'from the name ({auto_text})').format(auto_text=auto_text))
        self.automatic_button.setEnabled(overridden)
        self.cancel_button = QPushButton(translate('class_match_dialog', 'Cancel'))

        buttons = QHBoxLayout()
        buttons.addWidget(self.automatic_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(why)
        layout.addWidget(self.current_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.search_edit.textChanged.connect(self._on_search_edit_textChanged)
        self.results.currentItemChanged.connect(self._on_results_currentItemChanged)
        self.results.itemDoubleClicked.connect(self._on_results_itemDoubleClicked)
        self.use_button.clicked.connect(self._on_use_clicked)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.automatic_button.clicked.connect(self._on_automatic_clicked)
        self.cancel_button.clicked.connect(self.reject)
        # Start from the class name: its senses are the likeliest picks.
        self.search_edit.setText(name)
        self.search()

    def search(self, text: str | None = None) -> None:
        """List the concepts matching ``text`` (default: the search box)."""
        text = self.search_edit.text() if text is None else text
        self.results.clear()
        found = prior.search_synsets(text) if text.strip() else []
        for m in found:
            text = f'{m.name}  ·  {_outputs_text(len(m.outputs))}'
            if m.wnid == self._current_wnid:
                text += translate('class_match_dialog', '  (current)')
            item = QListWidgetItem(text)
            item.setData(_WnidRole, m.wnid)
            item.setToolTip(translate('class_match_dialog', 'WordNet {wnid}: {len_outputs} of the 1,000 '
                                                              'ImageNet outputs').format(wnid=m.wnid, len_outputs=len(m.outputs)))
            self.results.addItem(item)
        if not text.strip():
            self.status_label.setText(translate('class_match_dialog', 'Type a word to search.'))
        elif not found:
            self.status_label.setText(translate('class_match_dialog', 'Nothing in ImageNet is called '
                                                                        '"{strip}".').format(strip=text.strip()))
        else:
            self.status_label.setText(translate('class_match_dialog', 'Double-click a concept, or select it and click Use.'))
        if found:
            self.results.setCurrentRow(0)
        self.use_button.setEnabled(bool(found))

    def selected_wnid(self) -> str | None:
        item = self.results.currentItem()
        return item.data(_WnidRole) if item is not None else None

    # -- slots ----------------------------------------------------------------
    def _on_search_edit_textChanged(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        self.search()

    def _on_results_currentItemChanged(self, current, _previous) -> None:
        self.use_button.setEnabled(current is not None)

    def _on_results_itemDoubleClicked(self, _item) -> None:
        self._on_use_clicked()

    def _on_use_clicked(self) -> None:
        wnid = self.selected_wnid()
        if wnid is None:
            return
        self.choice = [wnid]
        self.accept()

    def _on_clear_clicked(self) -> None:
        self.choice = []
        self.accept()

    def _on_automatic_clicked(self) -> None:
        self.choice = AUTOMATIC
        self.accept()
