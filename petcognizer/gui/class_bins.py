"""The classes of the Data page as cards, all in view: name, count, a few sample photos.

:class:`ClassCards` lays out one :class:`ClassCard` per class (Unlabelled
first) and an :class:`AddClassCard` in rows that wrap with the window's width;
it scrolls when there are more than fit. Every card is a drop target:

* files or folders from the file manager, pictures and file links from a web
  browser (read by :func:`petcognizer.gui.mimedrop.read_mime`): added to that
  class (``mime_dropped``);
* photos dragged from the grid (internal mime type
  :data:`~petcognizer.gui.thumbnails.PATHS_MIME`): relabelled (``photos_dropped``).

Clicking a card (or Enter/Space on it) shows its photos below; arrow keys move
between cards; the context-menu key or a right click opens its menu.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from petcognizer.gui.mimedrop import has_photos, read_mime
from petcognizer.gui.thumbnails import PATHS_MIME, ThumbnailLoader, decode_paths_mime
from petcognizer.gui.widgets import FlowLayout
from petcognizer.gui.core_text import class_need_text
from petcognizer.gui.i18n import translate

__all__ = ['CARD_WIDTH', 'N_SAMPLES', 'AddClassCard', 'ClassCard', 'ClassCards', 'key_for_index']

#: Width of a card, in pixels (the height follows its text).
CARD_WIDTH = 184
#: Sample photos shown on a card.
N_SAMPLES = 4
_SAMPLE = 36
_KEYS = '123456789'


def key_for_index(i: int) -> str:
    """The number key of the i-th class (0-based): '1'..'9', then '' (use "Label as…", Ctrl+L)."""
    return _KEYS[i] if i < len(_KEYS) else ''


class _DropFrame(QFrame):
    """A rounded card that draws its own border: normal, selected, drop target, focused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selected = False
        self.drop_target = False
        self.dashed = False

    def set_drop_target(self, on: bool) -> None:
        if on != self.drop_target:
            self.drop_target = on
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
        if self.drop_target:
            pen, fill = QPen(QColor('#2f6fde'), 2.5, Qt.PenStyle.DashLine), QColor('#dbe8fb')
        elif self.selected:
            pen, fill = QPen(QColor('#2f6fde'), 2.5), QColor('#eaf1fd')
        elif self.dashed:
            pen, fill = QPen(QColor('#aeb6c0'), 1.5, Qt.PenStyle.DashLine), QColor('#fafbfc')
        else:
            pen, fill = QPen(QColor('#d9dde3'), 1.2), QColor('#ffffff')
        if self.hasFocus() and not self.drop_target:
            pen = QPen(QColor('#1a56c4'), 3)
        p.setPen(pen)
        p.setBrush(fill)
        p.drawRoundedRect(rect, 8, 8)
        p.end()


class ClassCard(_DropFrame):
    """One class (or Unlabelled, ``name`` None): swatch, name, key, count, what it needs, samples.

    Signals:
        clicked(object): the card was clicked or Enter/Space pressed (its name).
        mime_dropped(object, object): files/pictures dropped (a MimePhotos, the name).
        photos_dropped(list, object): photos dragged from the grid (paths, the name).
        menu_requested(object, QPoint): right click or the menu key (name, global position).
        move_focus(object, int): an arrow key (the card, -1 back / +1 forward).
    """

    clicked = Signal(object)
    mime_dropped = Signal(object, object)
    photos_dropped = Signal(list, object)
    menu_requested = Signal(object, QPoint)
    move_focus = Signal(object, int)

    def __init__(self, name: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName('ClassCard')
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(CARD_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.count = 0
        self.sample_paths: list[Path] = []

        self.swatch = QLabel()
        self.swatch.setFixedSize(12, 12)
        self.name_label = QLabel(translate('class_bins', 'Unlabelled') if name is None else name)
        self.name_label.setObjectName('CardName')
        self.name_label.setWordWrap(True)
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.name_label.setFont(font)
        self.key_label = QLabel()
        self.key_label.setObjectName('CardKey')
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setStyleSheet(
            'QLabel#CardKey { color: #3c424a; background: #eef0f3; border: 1px solid #d3d7dd;'
            ' border-radius: 4px; padding: 0px 5px; }'
        )
        self.count_label = QLabel()
        self.count_label.setObjectName('CardCount')
        self.need_label = QLabel()
        self.need_label.setObjectName('CardNeed')
        self.need_label.setWordWrap(True)
        self.need_label.setStyleSheet('color: #8a5a00;')
        self.match_label = QLabel()
        self.match_label.setObjectName('CardMatch')
        self.match_label.setWordWrap(True)
        self.match_label.setStyleSheet('color: #8a9099;')
        self.match_label.hide()
        self.thumbs: list[QLabel] = []
        for _ in range(N_SAMPLES):
            t = QLabel()
            t.setFixedSize(_SAMPLE, _SAMPLE)
            t.setAlignment(Qt.AlignmentFlag.AlignCenter)
            t.setStyleSheet('background: #eef0f3; border-radius: 4px;')
            self.thumbs.append(t)
        for w in (self.swatch, self.name_label, self.key_label, self.count_label, self.need_label,
                  self.match_label, *self.thumbs):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.swatch, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.key_label, 0, Qt.AlignmentFlag.AlignTop)
        thumbs = QHBoxLayout()
        thumbs.setSpacing(4)
        for t in self.thumbs:
            thumbs.addWidget(t)
        thumbs.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.count_label)
        lay.addWidget(self.need_label)
        lay.addWidget(self.match_label)
        lay.addSpacing(2)
        lay.addLayout(thumbs)
        lay.addStretch(1)
        self.set_samples([])

    # -- contents -----------------------------------------------------------
    def set_data(self, count: int, color: str | None, key: str, match: str | None = None) -> None:
        """Show the count, colour, number key and (for a class) what it needs and its ImageNet match."""
        self.count = count
        unlabelled = self.name is None
        if unlabelled:
            self.swatch.setStyleSheet('border: 2px solid #9aa0a6; border-radius: 6px;')
        else:
            self.swatch.setStyleSheet(f'background: {color or "#9aa0a6"}; border-radius: 3px;')
        self.key_label.setText(key)
        self.key_label.setVisible(bool(key))
        self.count_label.setText(translate('class_bins', '%n photo(s)', None, count))
        if unlabelled:
            need = translate('class_bins', 'not used for training') if count else translate('class_bins', 'photos without a class')
            self.need_label.setStyleSheet('color: #6b727c;')
        else:
            need = class_need_text(count)
        self.need_label.setText(need)
        self.need_label.setVisible(bool(need))
        self.match_label.setText(match or '')
        self.match_label.setVisible(bool(match))
        name = translate('class_bins', 'Unlabelled') if unlabelled else f"'{self.name}'"
        tip = translate('class_bins', '{name}: %n photo(s). Click to see them; drop photos here to add them.', None,
                        count).format(name=name)
        if key:
            tip += (translate('class_bins', ' Select photos and press {key} to put them here.') if unlabelled else
                    translate('class_bins', ' Select photos and press {key} to put them in this class.')).format(key=key)
        elif not unlabelled:
            tip += translate('class_bins', ' Select photos and press Ctrl+L ("Label as…") to put them in this class.')
        if match:
            meaning = translate('class_bins', 'nothing ImageNet knows') if not match.startswith('→') else match.lstrip('→ ')
            tip += translate('class_bins', '\nImageNet match: {meaning}. Right-click ▸ ImageNet match… to '
                                             'change it.').format(meaning=meaning)
        self.setToolTip(tip)

    def set_selected(self, on: bool) -> None:
        if on != self.selected:
            self.selected = on
            self.update()

    def set_samples(self, paths: Sequence[Path]) -> None:
        self.sample_paths = list(paths)[:N_SAMPLES]
        for i, t in enumerate(self.thumbs):
            t.setVisible(i < len(self.sample_paths) or (i == 0 and not self.sample_paths))
            t.clear()

    def set_sample_pixmap(self, index: int, pix: QPixmap) -> None:
        if 0 <= index < len(self.thumbs):
            self.thumbs[index].setPixmap(pix)

    # -- mouse and keys -----------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.clicked.emit(self.name)
            event.accept()
            return
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menu_requested.emit(self.name, event.globalPos())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.name)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.move_focus.emit(self, -1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.move_focus.emit(self, 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        self.update()
        super().focusOutEvent(event)

    # -- drops --------------------------------------------------------------
    def _acceptable(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        return bool(mime and (mime.hasFormat(PATHS_MIME) or has_photos(mime)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._acceptable(event):
            self.set_drop_target(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._acceptable(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.set_drop_target(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.set_drop_target(False)
        mime = event.mimeData()
        moved = decode_paths_mime(mime)
        if moved:
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.photos_dropped.emit(moved, self.name)
            return
        photos = read_mime(mime)
        if photos:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.mime_dropped.emit(photos, self.name)
            return
        event.ignore()


class AddClassCard(_DropFrame):
    """The last card: "+ Add class", which turns into a name field (Enter adds, Esc cancels).

    Signals:
        name_entered(str): a name typed and Enter pressed.
    """

    name_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('AddClassCard')
        self.dashed = True
        self.setFixedWidth(CARD_WIDTH)
        self.button = QPushButton(translate('class_bins', '+  Add class'))
        self.button.setObjectName('AddClassButton')
        self.button.setToolTip(translate('class_bins', 'Add a class: a kind of photo to recognize, e.g. "cat" (Ctrl+Shift+N)'))
        self.button.setFlat(True)
        self.button.setMinimumHeight(40)
        self.edit = QLineEdit()
        self.edit.setObjectName('NewClassName')
        self.edit.setPlaceholderText(translate('class_bins', 'Name, then Enter'))
        self.edit.setToolTip(translate('class_bins', 'The name of the new class, e.g. "cat". Enter adds it, Esc cancels.'))
        self.edit.hide()
        self.note = QLabel(translate('class_bins', 'Type a name, then press Enter'))
        self.note.setObjectName('CardNeed')
        self.note.setWordWrap(True)
        self.note.setStyleSheet('color: #6b727c;')
        self.note.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(6)
        lay.addWidget(self.button)
        lay.addWidget(self.edit)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.button.clicked.connect(self.start_editing)
        self.edit.returnPressed.connect(self._on_return)
        self.edit.installEventFilter(self)

    def start_editing(self) -> None:
        """Show the name field, focused."""
        self.button.hide()
        self.edit.clear()
        self.edit.show()
        self.note.show()
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop_editing(self) -> None:
        self.edit.hide()
        self.note.hide()
        self.button.show()

    def is_editing(self) -> bool:
        return not self.edit.isHidden()

    def _on_return(self) -> None:
        name = self.edit.text().strip()
        if name:
            self.name_entered.emit(name)

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.edit and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape):
            self.stop_editing()
            return True
        return super().eventFilter(obj, event)


class ClassCards(QScrollArea):
    """Every class as a card, in rows that wrap; scrolls when they do not fit in ``max_height``.

    Signals:
        bin_selected(object): a card was clicked (class name, None for Unlabelled).
        mime_dropped(object, object): files or pictures dropped on a card (MimePhotos, name).
        photos_dropped(list, object): photos from the grid dropped on a card (relabel).
        context_menu_requested(object, QPoint): a card's menu (name, global position).
        add_class_requested(str): a name typed into the "Add class" card.
    """

    bin_selected = Signal(object)
    mime_dropped = Signal(object, object)
    photos_dropped = Signal(list, object)
    context_menu_requested = Signal(object, QPoint)
    add_class_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName('ClassCards')
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inner = QWidget()
        self.inner.setObjectName('ClassCardsInner')
        self.flow = FlowLayout(self.inner, spacing=10)
        self.flow.setContentsMargins(2, 2, 2, 2)
        self.setWidget(self.inner)
        self.add_card = AddClassCard()
        self.add_card.name_entered.connect(self.add_class_requested)
        self._cards: dict[str | None, ClassCard] = {}
        self._order: list[str | None] = []
        self._current: str | None = None
        #: Tallest the cards area may grow before it scrolls (the page sets it from its height).
        self.max_height = 260
        self.loader = ThumbnailLoader(max_threads=1, parent=self)
        self.loader.thumbnail_ready.connect(self._on_thumbnail_ready)
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()

    # -- contents -----------------------------------------------------------
    def set_cache_dir(self, cache_dir: Path | None) -> None:
        self.loader.clear_pending()
        self.loader.cache_dir = cache_dir
        self._pixmaps.clear()

    def clear(self) -> None:
        self.set_bins([], {}, {}, 0, None)

    def set_bins(
        self,
        classes: Sequence[str],
        counts: dict[str, int],
        colors: dict[str, str],
        n_unlabelled: int,
        current: str | None,
        matches: dict[str, str] | None = None,
        samples: dict[str | None, Sequence[Path]] | None = None,
    ) -> None:
        """Show these classes (cards are kept and updated, so a drop in progress survives)."""
        matches = matches or {}
        samples = samples or {}
        order: list[str | None] = [None, *classes]
        focused = next((n for n, c in self._cards.items() if c.hasFocus()), ...)
        while self.flow.count():
            self.flow.takeAt(0)
        for name in list(self._cards):
            if name not in order:
                card = self._cards.pop(name)
                card.hide()
                card.deleteLater()
        for i, name in enumerate(order):
            card = self._cards.get(name)
            if card is None:
                card = ClassCard(name, self.inner)
                card.clicked.connect(self._on_card_clicked)
                card.mime_dropped.connect(self.mime_dropped)
                card.photos_dropped.connect(self.photos_dropped)
                card.menu_requested.connect(self.context_menu_requested)
                card.move_focus.connect(self._on_move_focus)
                self._cards[name] = card
            if name is None:
                card.set_data(n_unlabelled, None, '0')
            else:
                card.set_data(counts.get(name, 0), colors.get(name), key_for_index(i - 1), matches.get(name))
            self._set_card_samples(card, samples.get(name, ()))
            self.flow.addWidget(card)
            card.show()
        self.flow.addWidget(self.add_card)
        self.add_card.show()
        self._order = order
        self.select_bin(current)
        if focused is not ... and focused in self._cards:
            self._cards[focused].setFocus()
        self.inner.updateGeometry()
        self.fit()

    def _set_card_samples(self, card: ClassCard, paths: Sequence[Path]) -> None:
        paths = list(paths)[:N_SAMPLES]
        if paths and [os.fspath(p) for p in paths] == [os.fspath(p) for p in card.sample_paths]:
            return
        card.set_samples(paths)
        for i, p in enumerate(paths):
            key = os.fspath(p)
            pix = self._pixmaps.get(key)
            if pix is not None:
                card.set_sample_pixmap(i, pix)
            else:
                self.loader.request(key)

    def _on_thumbnail_ready(self, key: str, image: QImage) -> None:
        dpr = max(1.0, self.devicePixelRatioF())  # crisp at 200 %: as many pixels as the screen has
        side = round(_SAMPLE * dpr)
        scaled = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                              Qt.TransformationMode.SmoothTransformation)
        pix = QPixmap.fromImage(scaled.copy((scaled.width() - side) // 2, (scaled.height() - side) // 2, side, side))
        pix.setDevicePixelRatio(dpr)
        self._pixmaps[key] = pix
        while len(self._pixmaps) > 400:
            self._pixmaps.popitem(last=False)
        for card in self._cards.values():
            for i, p in enumerate(card.sample_paths):
                if os.fspath(p) == key:
                    card.set_sample_pixmap(i, pix)

    def fit(self) -> None:
        """Be as tall as the cards need at this width, up to ``max_height`` (then scroll)."""
        width = max(self.viewport().width(), CARD_WIDTH + 4)
        need = self.flow.heightForWidth(width)
        self.setFixedHeight(max(60, min(need + 2 * self.frameWidth(), self.max_height)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        return self.loader.shutdown(timeout_ms)

    # -- selection and lookup -----------------------------------------------
    def select_bin(self, name: str | None) -> None:
        """Mark ``name``'s card as the one shown (no signal)."""
        self._current = name if name in self._cards else None
        for n, card in self._cards.items():
            card.set_selected(n == self._current)

    def current(self) -> str | None:
        return self._current

    def card(self, name: str | None) -> ClassCard:
        """The card of a class (None: Unlabelled). KeyError if there is none."""
        return self._cards[name]

    def cards(self) -> list[ClassCard]:
        return [self._cards[n] for n in self._order if n in self._cards]

    def count(self) -> int:
        """Cards, Unlabelled included (not the "Add class" card)."""
        return len(self._order)

    def row_of(self, name: str | None) -> int:
        """Position of a card (Unlabelled is 0), or -1."""
        return self._order.index(name) if name in self._order else -1

    def bin_at_row(self, row: int) -> str | None:
        return self._order[row] if 0 <= row < len(self._order) else None

    def has_card_focus(self) -> bool:
        return any(c.hasFocus() for c in self._cards.values())

    def focused_name(self) -> str | None:
        return next((n for n, c in self._cards.items() if c.hasFocus()), None)

    @property
    def drop_row(self) -> int:
        """Position of the card drawn as a drop target, or -1."""
        return next((i for i, n in enumerate(self._order) if self._cards[n].drop_target), -1)

    # -- slots --------------------------------------------------------------
    def _on_card_clicked(self, name: str | None) -> None:
        self.select_bin(name)
        self.ensureWidgetVisible(self._cards[name])
        self.bin_selected.emit(name)

    def _on_move_focus(self, card: ClassCard, delta: int) -> None:
        i = self._order.index(card.name) + delta
        if 0 <= i < len(self._order):
            nxt = self._cards[self._order[i]]
            nxt.setFocus(Qt.FocusReason.TabFocusReason)
            self.ensureWidgetVisible(nxt)
        elif i == len(self._order):
            self.add_card.button.setFocus(Qt.FocusReason.TabFocusReason)
