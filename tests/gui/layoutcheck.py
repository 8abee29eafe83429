"""A layout checker for tests: clipped, elided or overlapping text in a widget tree.

``check_layout(widget)`` walks every *visible* text widget under ``widget``
(QLabel, QAbstractButton, QLineEdit, QComboBox, QGroupBox titles, tab bars)
and returns one line per problem, naming the widget (class, objectName, text):

* text wider than the widget: ``QFontMetrics.horizontalAdvance`` against the
  ``contentsRect`` width (for buttons/combos, the width the style leaves for
  the label); a word-wrapped label is measured with ``boundingRect`` at its
  width, and fails when the wrapped height does not fit;
* text that is elided (contains "…" that the source text does not, or a
  tab/combobox whose text the widget would elide);
* visible siblings whose geometries overlap (two widgets in the same parent
  covering the same pixels), ignoring widgets inside a QStackedWidget's other
  pages, scroll-area viewports and windows/popups;
* a text widget whose part is outside its parent (cut by the parent's edge),
  unless the parent is the inside of a scroll area (scrolling shows it).

Use it in a test after ``widget.resize(w, h); widget.show()`` and
``qtbot.waitExposed`` (or ``QApplication.processEvents()``) so that layouts ran::

    problems = check_layout(window)
    assert not problems, '\\n'.join(problems)

``ignore`` takes widgets (and their children) to leave out, ``tolerance`` the
pixels of slack allowed (font hinting differs by a pixel or two).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QGraphicsView,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QToolButton,
    QWidget,
)

ELLIPSIS = '…'


def _name(widget: QWidget) -> str:
    text = _text_of(widget)
    name = widget.objectName()
    label = type(widget).__name__ + (f'#{name}' if name else '')
    if text:
        short = text if len(text) <= 60 else text[:57] + '...'
        label += f' {short!r}'
    parent = widget.parentWidget()
    if parent is not None:
        pname = parent.objectName()
        label += f' in {type(parent).__name__}' + (f'#{pname}' if pname else '')
    return label


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        if widget.pixmap() is not None and not widget.pixmap().isNull():
            return ''
        return widget.text()
    if isinstance(widget, QAbstractButton):
        return widget.text()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ''


def _plain(text: str) -> str:
    """Text as shown: mnemonics (&) removed, rich text reduced to its words."""
    if '<' in text and '>' in text:
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text.replace('&&', '\0').replace('&', '').replace('\0', '&')


def _is_rich(label: QLabel, text: str) -> bool:
    fmt = label.textFormat()
    if fmt == Qt.TextFormat.RichText:
        return True
    if fmt == Qt.TextFormat.PlainText:
        return False
    from PySide6 import QtGui

    return bool(QtGui.Qt.mightBeRichText(text))


def _really_visible(widget: QWidget, root: QWidget) -> bool:
    if not widget.isVisibleTo(root) and widget is not root:
        return False
    return widget.width() > 0 and widget.height() > 0


def _label_problems(label: QLabel, tol: int) -> list[str]:
    text = label.text()
    if not text.strip():
        return []
    shown = _plain(text) if _is_rich(label, text) else text
    rect = label.contentsRect()
    margin = label.margin()
    indent = label.indent()
    width = rect.width() - 2 * margin - max(indent, 0)
    height = rect.height() - 2 * margin
    if width <= 0:
        return [f'{_name(label)}: has no room ({label.width()} px wide) for its text']
    fm = QFontMetrics(label.font())
    out = []
    if label.wordWrap():
        flags = int(Qt.TextFlag.TextWordWrap) | int(label.alignment())
        need = fm.boundingRect(QRect(0, 0, width, 100000), flags, shown)
        # a single word longer than the line cannot wrap (Chinese and Japanese wrap between any two characters)
        longest = max((fm.horizontalAdvance(w) for w in _words(shown)), default=0)
        if longest > width + tol:
            out.append(f'{_name(label)}: word {longest} px wide in a {width} px label')
        if _is_rich(label, text):
            # rich text lays out with its own document margins; measure it that way
            from PySide6.QtGui import QTextDocument

            doc = QTextDocument()
            doc.setDefaultFont(label.font())
            doc.setDocumentMargin(0)
            doc.setHtml(text)
            doc.setTextWidth(width)
            need_h = int(doc.size().height())
        else:
            need_h = need.height()
        if need_h > height + tol:
            out.append(f'{_name(label)}: wrapped text needs {need_h} px height, has {height}')
    else:
        lines = shown.split('\n')
        need_w = max(fm.horizontalAdvance(line) for line in lines)
        if need_w > width + tol:
            out.append(f'{_name(label)}: text {need_w} px wide in a {width} px label')
        need_h = fm.height() * len(lines)
        if need_h > height + tol + 2:
            out.append(f'{_name(label)}: {len(lines)} line(s) need {need_h} px height, has {height}')
    out.extend(_elided(label, shown))
    return out


#: A CJK character (or full-width punctuation) on its own, else a run of anything but spaces and CJK.
_WORD = re.compile(r'[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+')


def _words(text: str) -> list[str]:
    """The pieces a line cannot break inside: words, and each CJK character by itself."""
    return _WORD.findall(text)


def _word_char(c: str) -> bool:
    """A character Qt's middle elision cuts between (letters, digits, path parts), not punctuation."""
    return c.isalnum() or c in '/\\_-'


def _elided(widget: QWidget, shown: str) -> list[str]:
    """Text cut short with "…": in the middle of the text, or the start of a longer tooltip.

    "Add to class…" (a command that asks for more) and "Reading photos… 3 of 9" are
    not elided; "Labrador Retr…" with the tooltip "Labrador Retriever" is, and so is
    "/home/…/photo.jpg" (Qt's ElideMiddle cuts between letters or path parts; "“Add…” / …"
    with a quote or a space beside the mark is prose).
    """
    if ELLIPSIS not in shown and '...' not in shown:
        return []
    mark = ELLIPSIS if ELLIPSIS in shown else '...'
    if widget.property('elided_from'):
        return [f'{_name(widget)}: text is elided']
    stripped = shown.strip()
    head, _, tail = stripped.partition(mark)
    if tail.strip() and head.strip() and _word_char(head[-1]) and _word_char(tail[0]):
        return [f'{_name(widget)}: text is elided in the middle']
    tip = _plain(widget.toolTip() or '')
    head = head.strip()
    if head and tip.startswith(head) and len(tip.strip()) > len(head) and not tip[len(head):].startswith(mark):
        return [f'{_name(widget)}: text is elided (the tooltip has the rest)']
    return []


def _button_problems(button: QAbstractButton, tol: int) -> list[str]:
    text = _plain(button.text())
    if not text.strip():
        return []
    fm = QFontMetrics(button.font())
    need = max(fm.horizontalAdvance(line) for line in text.split('\n'))
    style = button.style()
    if isinstance(button, (QCheckBox, QRadioButton)):
        is_check = isinstance(button, QCheckBox)
        ind = style.pixelMetric(
            QStyle.PixelMetric.PM_IndicatorWidth if is_check else QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
            None, button)
        spacing = style.pixelMetric(
            QStyle.PixelMetric.PM_CheckBoxLabelSpacing if is_check else QStyle.PixelMetric.PM_RadioButtonLabelSpacing,
            None, button)
        icon = 0 if button.icon().isNull() else button.iconSize().width() + 4
        avail = button.width() - ind - spacing - icon
    elif isinstance(button, QPushButton):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)
        contents = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button)
        icon = 0 if button.icon().isNull() else button.iconSize().width() + 4
        menu = 0
        if button.menu() is not None:
            menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, button)
        avail = contents.width() - icon - menu
    elif isinstance(button, QToolButton):
        icon = 0
        if not button.icon().isNull() and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon:
            icon = button.iconSize().width() + 4
        avail = button.contentsRect().width() - icon - 6
    else:
        avail = button.contentsRect().width()
    out = _elided(button, text)
    if need > avail + tol:
        out.append(f'{_name(button)}: text {need} px wide, {avail} px room')
    return out


def _lineedit_problems(edit: QLineEdit, tol: int) -> list[str]:
    # A line edit scrolls its text by design: only a placeholder that does not fit is a problem.
    if edit.text() or not edit.placeholderText():
        return []
    fm = QFontMetrics(edit.font())
    need = fm.horizontalAdvance(edit.placeholderText())
    avail = edit.contentsRect().width() - 8  # frame + text margins
    if need > avail + tol:
        return [f'{_name(edit)}: placeholder {need} px wide, {avail} px room']
    return []


def _combo_problems(combo: QComboBox, tol: int) -> list[str]:
    text = combo.currentText()
    if not text:
        return []
    opt = QStyleOptionComboBox()
    combo.initStyleOption(opt)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, combo)
    fm = QFontMetrics(combo.font())
    need = fm.horizontalAdvance(text)
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    if need > field.width() + tol:
        return [f'{_name(combo)}: text {need} px wide, {field.width()} px room (elided)']
    return []


def _groupbox_problems(box: QGroupBox, tol: int) -> list[str]:
    title = _plain(box.title())
    if not title:
        return []
    fm = QFontMetrics(box.font())
    need = fm.horizontalAdvance(title) + (20 if box.isCheckable() else 0)
    if need > box.width() - 8 + tol:
        return [f'{_name(box)}: title {need} px wide in a {box.width()} px box']
    return []


def _tabbar_problems(bar: QTabBar, tol: int) -> list[str]:
    out = []
    if bar.count():
        # a bar too narrow for its tabs scrolls them (arrows) and hides the first or last ones
        need = sum(bar.tabRect(i).width() for i in range(bar.count()))
        if need > bar.width() + tol:
            out.append(f'{_name(bar)}: its tabs need {need} px, it has {bar.width()} (scroll arrows)')
    fm = QFontMetrics(bar.font())
    for i in range(bar.count()):
        text = _plain(bar.tabText(i))
        rect = bar.tabRect(i)
        need = fm.horizontalAdvance(text) + 8
        if not bar.tabIcon(i).isNull():
            need += bar.iconSize().width() + 4
        if need > rect.width() + tol:
            out.append(f'{_name(bar)}: tab {text!r} needs {need} px, has {rect.width()} (elided)')
    return out


def _graphics_problems(view: QGraphicsView, tol: int) -> list[str]:
    """A plot (pyqtgraph) whose layout is wider or taller than its view is cut at the view's edge."""
    scene = view.scene()
    if scene is None or view.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        return []
    items = [i for i in scene.items() if i.parentItem() is None and i.isVisible()]
    if not items:
        return []
    shown = view.viewport().rect().adjusted(-tol, -tol, tol, tol)
    out = []
    for item in items:
        rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        if rect.width() > 0 and rect.height() > 0 and not shown.contains(rect):
            out.append(f'{_name(view)}: its contents ({rect.width()}x{rect.height()} px) do not fit in '
                       f'{view.viewport().width()}x{view.viewport().height()}')
    return out


def _text_problems(widget: QWidget, tol: int) -> list[str]:
    if isinstance(widget, QGraphicsView):
        return _graphics_problems(widget, tol)
    if isinstance(widget, QLabel):
        return _label_problems(widget, tol)
    if isinstance(widget, QAbstractButton):
        return _button_problems(widget, tol)
    if isinstance(widget, QLineEdit):
        return _lineedit_problems(widget, tol)
    if isinstance(widget, QComboBox):
        return _combo_problems(widget, tol)
    if isinstance(widget, QGroupBox):
        return _groupbox_problems(widget, tol)
    if isinstance(widget, QTabBar):
        return _tabbar_problems(widget, tol)
    return []


def _is_text_widget(widget: QWidget) -> bool:
    return isinstance(widget, (QLabel, QAbstractButton, QLineEdit, QComboBox, QGroupBox, QTabBar))


def _children(widget: QWidget) -> list[QWidget]:
    return [c for c in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if not c.isWindow()]


def _scroll_inside(parent: QWidget) -> bool:
    """True for a scroll area's viewport and the widget it scrolls (their children may lie outside)."""
    p = parent
    for _ in range(2):
        if p is None:
            return False
        gp = p.parentWidget()
        if isinstance(gp, QAbstractScrollArea) and p is gp.viewport():
            return True
        p = gp
    return False


def _overlap_problems(parent: QWidget, kids: list[QWidget], tol: int) -> list[str]:
    if isinstance(parent, (QStackedWidget, QAbstractScrollArea, QComboBox, QTabBar)):
        return []
    out = []
    rects = [(k, k.geometry().adjusted(tol, tol, -tol, -tol)) for k in kids]
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if ra.intersects(rb):
                inter = ra.intersected(rb)
                if inter.width() > 0 and inter.height() > 0:
                    out.append(f'{_name(a)} overlaps {_name(b)} by {inter.width()}x{inter.height()} px')
    return out


def _outside_problems(parent: QWidget, kids: list[QWidget], tol: int) -> list[str]:
    if _scroll_inside(parent) or isinstance(parent, (QAbstractScrollArea, QStackedWidget)):
        return []
    out = []
    inside = parent.rect().adjusted(-tol, -tol, tol, tol)
    for k in kids:
        if not _is_text_widget(k) or not _text_of(k).strip():
            continue
        if not inside.contains(k.geometry()):
            g = k.geometry()
            out.append(f'{_name(k)}: cut by its parent\'s edge ({g.x()},{g.y()} {g.width()}x{g.height()} '
                       f'in {parent.width()}x{parent.height()})')
    return out


def check_layout(widget: QWidget, *, ignore: Iterable[QWidget] = (), tolerance: int = 1) -> list[str]:
    """Problems (one line each) with text and geometry of the visible widgets under ``widget``."""
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
    skip = set(map(id, ignore))
    problems: list[str] = []

    def walk(w: QWidget) -> None:
        if id(w) in skip:
            return
        problems.extend(_text_problems(w, tolerance))
        if isinstance(w, (QComboBox, QLineEdit)):
            return  # their inner parts are the style's business
        kids = [k for k in _children(w) if id(k) not in skip and _really_visible(k, widget)]
        problems.extend(_overlap_problems(w, kids, tolerance))
        problems.extend(_outside_problems(w, kids, tolerance))
        for k in kids:
            walk(k)

    if _really_visible(widget, widget):
        walk(widget)
    return problems


def elide_marked(label: QLabel, full_text: str, shown: str) -> None:
    """Mark a label whose text was elided on purpose by code (so check_layout can report it)."""
    label.setProperty('elided_from', full_text if shown != full_text else None)


def fake_predictions(paths: list[str]) -> list[dict]:
    """Answers of every kind for the photos in ``paths`` (files or folders), plus one unreadable file."""
    files = []
    for p in paths:
        p = Path(p)
        files += sorted(p.iterdir()) if p.is_dir() else [p]
    kinds = [
        ([('red', 1.0), ('green', 0.0), ('blue', 0.0)], False),
        ([('green', 0.59), ('blue', 0.41), ('red', 0.0)], False),
        ([('blue', 0.8), ('red', 0.15), ('green', 0.05)], True),
    ]
    out = []
    for i, f in enumerate(files):
        probs, unknown = kinds[i % len(kinds)]
        out.append({'path': str(f), 'label': probs[0][0], 'probabilities': probs, 'error': None,
                    'unknown': unknown, 'unknown_score': 3.0 if unknown else 0.1})
    out.append({'path': str(Path(files[0]).parent / 'holiday notes.jpg'), 'label': None, 'probabilities': [],
                'error': 'not an image petcognizer can read (JPEG, PNG, WebP, BMP, GIF or TIFF)',
                'unknown': False, 'unknown_score': 0.0})
    return out


def with_results(qtbot, win, project, tmp_path, make_solid_photo):
    """Open ``project`` in ``win`` and predict 7 new photos with the fake job (``fake_predictions``)."""
    assert win.open_project(project.root)
    new = tmp_path / 'new photos'
    for i in range(7):
        make_solid_photo(new / f'photo_{i}.png', (200, 60, 60), seed=i)
    predict = win.predict_page
    with qtbot.waitSignal(predict.predictions_finished, timeout=20000):
        assert predict.predict([new])
    qtbot.waitUntil(lambda: not predict.is_busy(), timeout=5000)


def shown_main_window(qtbot, size: tuple[int, int]):
    """A MainWindow shown at ``size``, not interactive (no dialogs wait for a click)."""
    from petcognizer.gui.main_window import MainWindow

    win = MainWindow()
    win.interactive = False
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win
