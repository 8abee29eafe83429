"""Start the desktop app (``petcognizer`` / ``petcognizer gui``), or render its screenshots."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from petcognizer.core.settings import load_settings
from petcognizer.gui.engine import running_engine_workers, warm_up
from petcognizer.gui.i18n import (
    LANGUAGE_SETTING,
    choose_language,
    install_translators,
    remove_translators,
    translate,
)
from petcognizer.gui.main_window import MainWindow
from petcognizer.gui.style import apply_style
from petcognizer.gui.workers import wait_for_workers

__all__ = ['SCREENSHOT_SIZE', 'create_app', 'run', 'take_screenshots']

_log = logging.getLogger(__name__)

#: Window size of the screenshots.
SCREENSHOT_SIZE = (1280, 800)
#: How long after the window is shown the engine process starts warming up.
ENGINE_WARM_UP_DELAY_MS = 300


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (an existing one is reused), named and styled."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        QCoreApplication.setApplicationName('petcognizer')
        QCoreApplication.setOrganizationName('petcognizer')
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName('petcognizer')
    app.setOrganizationName('petcognizer')
    app.setApplicationDisplayName('petcognizer')
    apply_style(app)
    return app


def _settle(window, timeout_ms: int = 15000) -> None:
    """Process events until thumbnails and layouts are done (bounded)."""
    timer = QElapsedTimer()
    timer.start()
    loader = window.data_page.loader
    while timer.elapsed() < timeout_ms:
        QApplication.processEvents()
        loader.wait_idle(200)
        QApplication.processEvents()
        if loader.is_idle():
            break
    # Pages may compute things in the background (e.g. parameter counts): let them finish.
    wait_for_workers(max(0, timeout_ms - timer.elapsed()))
    for worker in running_engine_workers():
        worker.wait(max(0, timeout_ms - timer.elapsed()))
    for _ in range(3):
        QApplication.processEvents()


def take_screenshots(window, out_dir: str | Path, project: str | Path | None = None) -> list[Path]:
    """Render the start, data, train and predict pages of ``window`` to PNG files.

    Args:
        window: a :class:`~petcognizer.gui.main_window.MainWindow`.
        out_dir: created if needed; files are ``1-start.png``, ``2-data.png``,
            ``3-train.png``, ``4-predict.png``.
        project: opened after the start page is taken.

    Returns:
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    written: list[Path] = []

    def snap(name: str) -> None:
        _settle(window)
        path = out / f'{name}.png'
        if not window.grab().save(str(path)):
            raise OSError(translate('app', 'Cannot write the screenshot {path}; check the folder is '
                                             'writable.').format(path=path))
        written.append(path)

    window.pages.setCurrentWidget(window.start_page)
    snap('1-start')
    if project is not None and window.open_project(project):
        page = window.data_page
        proj = window.project
        # Show a bin with photos, so the grid (not its empty state) is on the picture.
        if not proj.images(page.current_bin()):
            for name in [*proj.classes, None]:
                if proj.images(name):
                    page.select_bin(name)
                    break
    elif window.project is None:
        window.pages.setCurrentWidget(window.tabs)
    for index, name in ((0, '2-data'), (1, '3-train'), (2, '4-predict')):
        window.tabs.setCurrentIndex(index)
        snap(name)
    return written


def run(
    argv: Sequence[str] | None = None,
    project: str | None = None,
    screenshot_dir: str | None = None,
) -> int:
    """Run the app; return the exit code.

    Args:
        argv: Qt command-line arguments (default: the program name only).
        project: a project folder to open at start.
        screenshot_dir: render each page to a PNG there and exit instead of
            showing the window.
    """
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    app = create_app(argv)
    settings = load_settings()
    # Before any widget exists: the texts are translated as the widgets are built.
    install_translators(choose_language(settings.extra.get(LANGUAGE_SETTING)), app)
    try:
        return _run_window(app, MainWindow(settings), project, screenshot_dir)
    finally:
        remove_translators(app)  # the app object may live on (tests, scripts)


def _run_window(app: QApplication, window: MainWindow, project: str | None, screenshot_dir: str | None) -> int:
    if screenshot_dir is not None:
        window.interactive = False
        code = 0
        try:
            take_screenshots(window, screenshot_dir, project)
            if project is not None and window.project is None:
                print(translate('app', 'petcognizer: could not open the project {project}').format(project=project), file=sys.stderr)
                code = 1
        except OSError as exc:
            print(translate('app', 'petcognizer: {exc}').format(exc=exc), file=sys.stderr)
            code = 1
        finally:
            window.shutdown()
            window.hide()
            window.deleteLater()
            QApplication.processEvents()
        return code
    if project is not None:
        window.open_project(project)
    else:
        window.reopen_last()  # the project open when the app last closed (or a message if it is gone)
    window.show()
    # Once the window has painted, the engine process starts and loads torch in the
    # background (seconds of CPU): the first Train then starts at once, and the
    # window's own start-up never shares the CPU with it.
    QTimer.singleShot(ENGINE_WARM_UP_DELAY_MS, warm_up)
    code = app.exec()
    window.shutdown()  # also when the app quit without closing the window
    return code
