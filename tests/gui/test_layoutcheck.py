"""The layout checker itself: it finds clipped, elided and overlapping text, and passes a fine layout."""

from __future__ import annotations

from layoutcheck import check_layout  # tests/gui is on sys.path (rootdir conftest)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


def _shown(qtbot, widget, w=400, h=300):
    qtbot.addWidget(widget)
    widget.resize(w, h)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_fine_layout_passes(qtbot):
    root = QWidget()
    lay = QVBoxLayout(root)
    lay.addWidget(QLabel('Photos of your pets'))
    wrapped = QLabel('A long explanation that wraps onto a few lines because the window is narrow '
                     'and the label is allowed to wrap its words.')
    wrapped.setWordWrap(True)
    lay.addWidget(wrapped)
    lay.addWidget(QPushButton('Add to class…'))
    lay.addWidget(QPushButton('OK'))
    lay.addWidget(QCheckBox('Remember this'))
    combo = QComboBox()
    combo.addItems(['Quick', 'Most accurate'])
    lay.addWidget(combo)
    edit = QLineEdit()
    edit.setPlaceholderText('Name')
    lay.addWidget(edit)
    lay.addWidget(QLabel('Reading photos… 3 of 9'))
    lay.addStretch(1)
    _shown(qtbot, root, 400, 500)
    assert check_layout(root) == []


def test_clipped_label_and_overlapping_buttons_are_reported(qtbot):
    root = QWidget()
    clipped = QLabel('This sentence is far too long for its forty-pixel label', root)
    clipped.setObjectName('Clipped')
    clipped.setGeometry(10, 10, 40, 20)
    a = QPushButton('Train', root)
    a.setGeometry(10, 50, 120, 32)
    b = QPushButton('Stop', root)
    b.setGeometry(60, 60, 120, 32)  # covers half of 'Train'
    _shown(qtbot, root)
    problems = check_layout(root)
    assert any('Clipped' in p and 'wide' in p for p in problems), problems
    assert any("'Train'" in p and 'overlaps' in p and "'Stop'" in p for p in problems), problems
    assert len(problems) == 2, problems


def test_narrow_button_wrapped_label_combo_and_elided_text(qtbot):
    root = QWidget()
    button = QPushButton('Add to class and remember it', root)
    button.setGeometry(0, 0, 60, 30)
    wrapped = QLabel('Many words that must wrap onto more lines than this short label allows', root)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 40, 120, 20)
    combo = QComboBox(root)
    combo.addItem('EfficientNet-Lite2 (most accurate, slowest)')
    combo.setGeometry(0, 70, 80, 26)
    elided = QLabel('Labrador Retr…', root)
    elided.setToolTip('Labrador Retriever')
    elided.setGeometry(0, 100, 200, 20)
    middle = QLabel('/home/me/…/photo.jpg', root)
    middle.setGeometry(0, 130, 300, 20)
    _shown(qtbot, root)
    text = '\n'.join(check_layout(root))
    assert "'Add to class and remember it'" in text
    assert 'wrapped text needs' in text
    assert 'QComboBox' in text and 'elided' in text
    assert "'Labrador Retr…'" in text and 'tooltip' in text
    assert 'elided in the middle' in text


def test_cut_by_parent_edge_hidden_and_other_pages_are_ignored(qtbot):
    root = QWidget()
    cut = QLabel('Half out', root)
    cut.setGeometry(350, 10, 100, 20)  # root is 400 wide
    hidden = QLabel('A hidden label that is much too long for twenty pixels', root)
    hidden.setGeometry(0, 50, 20, 20)
    hidden.hide()
    stack = QStackedWidget(root)
    stack.setGeometry(0, 100, 300, 100)
    first, second = QWidget(), QWidget()
    QLabel('Page one', first)
    long_label = QLabel('A label on the page not shown, far too long for it', second)
    long_label.setGeometry(0, 0, 30, 20)
    stack.addWidget(first)
    stack.addWidget(second)
    _shown(qtbot, root)
    problems = check_layout(root)
    assert len(problems) == 1 and 'Half out' in problems[0] and 'cut' in problems[0], problems
    assert check_layout(root, ignore=[cut]) == []


def test_tabs_at_their_size_pass(qtbot):
    tabs = QTabWidget()
    for name in ('Data', 'Train', 'Predict'):
        tabs.addTab(QWidget(), name)
    _shown(qtbot, tabs)
    assert check_layout(tabs) == []


def test_app_style_buttons_and_labels_at_their_size_pass(qtbot):
    """With the app's style sheet (padding, bigger fonts), widgets at their size hint pass."""
    from PySide6.QtWidgets import QStyleFactory

    from petcognizer.gui.style import STYLE_SHEET

    root = QWidget()
    root.setStyle(QStyleFactory.create('Fusion'))
    root.setStyleSheet(STYLE_SHEET)
    lay = QVBoxLayout(root)
    train = QPushButton('Train my classifier')
    train.setObjectName('PrimaryButton')
    lay.addWidget(train)
    title = QLabel('Your classes')
    title.setObjectName('EmptyTitle')
    lay.addWidget(title)
    lay.addStretch(1)
    _shown(qtbot, root, 300, 200)
    assert check_layout(root) == []
    train.setFixedWidth(60)
    qtbot.wait(10)
    assert any('Train my classifier' in p for p in check_layout(root))


def test_prose_with_an_ellipsis_is_not_elided(qtbot):
    root = QWidget()
    lay = QVBoxLayout(root)
    lay.addWidget(QLabel('Click “Add photos…” / “Add folder…”, or paste.'))
    lay.addWidget(QLabel('Stopping… the best model so far is kept.'))
    cut = QLabel('IMG_2024…0042.jpg')
    lay.addWidget(cut)
    _shown(qtbot, root, 500, 200)
    problems = check_layout(root)
    assert len(problems) == 1 and 'IMG_2024' in problems[0], problems
