"""The "New project" dialog: a name, typed in the window; the folder it makes is shown and changeable.

Never a save-file dialog: the user types a name ("My pets"); the project goes
into the default location (:func:`petcognizer.core.settings.default_projects_dir`,
``~/petcognizer`` or the folder chosen last), shown under the name with a
"Change…" button. An existing folder is never used: "My pets 2" is picked
instead, and the dialog says so before anything is made.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from petcognizer.core.settings import folder_name, free_project_path
from petcognizer.gui.i18n import translate

__all__ = ['NewProjectDialog']


def _home_short(path: Path) -> str:
    """``~/petcognizer/My pets`` rather than ``/home/anna/petcognizer/My pets``."""
    try:
        return '~/' + path.relative_to(Path.home()).as_posix()
    except ValueError:
        return str(path)


def wrap_path(text: str, fm: QFontMetrics, width: int) -> str:
    """Break a long path after its separators into lines of at most ``width`` pixels (never elided)."""
    parts = text.split('/')
    lines, line = [], ''
    for i, part in enumerate(parts):
        piece = part + ('/' if i < len(parts) - 1 else '')
        if line and fm.horizontalAdvance(line + piece) > width:
            lines.append(line)
            line = ''
        while fm.horizontalAdvance(piece) > width and len(piece) > 1:  # one very long folder name
            cut = len(piece)
            while cut > 1 and fm.horizontalAdvance(piece[:cut]) > width:
                cut -= 1
            lines.append(piece[:cut])
            piece = piece[cut:]
        line += piece
    lines.append(line)
    return '\n'.join(lines)


class NewProjectDialog(QDialog):
    """Asks for a project name; :meth:`target` is the new folder (never an existing one).

    Args:
        location: the folder new projects go into.
        name: the suggested name (selected, so typing replaces it).
    """

    def __init__(self, location: Path, name: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('NewProjectDialog')
        self.setWindowTitle(translate('new_project', 'New project'))
        self.location = Path(location)
        title = QLabel(translate('new_project', 'Name your project'))
        title.setObjectName('DialogTitle')
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        self.name_edit = QLineEdit(translate('new_project', 'My pets') if name is None else name)
        self.name_edit.setObjectName('ProjectName')
        self.name_edit.setPlaceholderText(translate('new_project', 'For example: My pets'))
        self.name_edit.setToolTip(translate('new_project', 'The project is a folder of this name; your photos are copied into it'))
        self.name_edit.selectAll()
        self.where_label = QLabel()
        self.where_label.setObjectName('ProjectWhere')
        self.where_label.setWordWrap(True)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_button = QPushButton(translate('new_project', 'Change…'))
        self.change_button.setToolTip(translate('new_project', 'Choose another folder to keep your projects in (remembered)'))
        self.change_button.setAutoDefault(False)  # Enter in the name field creates, never browses
        self.note_label = QLabel()
        self.note_label.setObjectName('ProjectNote')
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet('color: #8a5a00;')
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(translate('new_project', 'Create'))
        self.create_button.setDefault(True)
        where = QHBoxLayout()
        where.addWidget(self.where_label, 1)
        where.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setSpacing(8)
        lay.addWidget(title)
        lay.addWidget(self.name_edit)
        lay.addLayout(where)
        lay.addWidget(self.note_label)
        lay.addSpacing(6)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.name_edit.textChanged.connect(self._update)
        self.change_button.clicked.connect(self._on_change_clicked)
        self.buttons.accepted.connect(self._on_accepted)
        self.name_edit.returnPressed.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)
        self._update()

    def target(self) -> Path | None:
        """The folder "Create" will make (``name 2`` if ``name`` exists), or None without a usable name."""
        try:
            return free_project_path(self.location, self.name_edit.text())
        except ValueError:
            return None

    def set_location(self, folder: Path) -> None:
        self.location = Path(folder)
        self._update()

    def _update(self) -> None:
        target = self.target()
        self.create_button.setEnabled(target is not None)
        if target is None:
            self.where_label.setText(translate('new_project', 'In {folder}').format(folder=_home_short(self.location)))
            self.note_label.setText(translate('new_project', 'Type a name (letters or numbers).'))
            self.note_label.show()
            return
        width = max(200, self.where_label.contentsRect().width() if self.where_label.width() > 100 else 340)
        path = wrap_path(_home_short(target), QFontMetrics(self.where_label.font()), width - 4)
        self.where_label.setText(translate('new_project', 'Will be made at\n{path}').format(path=path) if '\n' in path or len(path) > 40
                                 else translate('new_project', 'Will be made at {path}').format(path=path))
        self.where_label.setToolTip(str(target))
        typed = folder_name(self.name_edit.text())
        if target.name != typed:
            self.note_label.setText(
                translate('new_project', "A folder '{typed}' exists there already; it is left alone and "
                                           "the new project is '{name}'.").format(typed=typed, name=target.name)
            )
            self.note_label.show()
        else:
            self.note_label.hide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update()

    def _on_change_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, translate('new_project', 'Where to keep your projects'), str(self.location))
        if folder:
            self.set_location(Path(folder))

    def _on_accepted(self) -> None:
        if self.target() is not None:
            self.accept()
