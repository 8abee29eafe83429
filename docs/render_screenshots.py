#!/usr/bin/env python
"""Render every page of the window, in every state, at 1024x700, 1920x1080 and 200% scaling.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_screenshots.py [--out docs/screenshots]

What it does, in a temporary folder (nothing of the user's is read or written;
the settings file is a temporary one, ``PETCOGNIZER_CONFIG``):

1. the start page (no project yet);
2. a project "My pets" with three empty classes (the Data page), then photos: real dog photos from
   ``../shared/datasets/imagewoof-mini`` when that folder is there (``--photos``
   names another ImageFolder-style folder), otherwise synthetic coloured
   shapes; the Data page, the Train page before training;
3. Train: clicks the Train button with the page's default settings and
   renders the page while it trains (in the real engine process), then once
   the run is finished;
4. Predict: the empty page, the page while it classifies, and the results
   (held-out photos, one of a breed the model never saw, one unreadable file),
   then the same with the "Needs review" filter on.

Every state is rendered at each size: ``<state>-1024x700.png``,
``<state>-1920x1080.png`` and ``<state>-200pct.png`` (a 1024x700 window at
``QT_SCALE_FACTOR=2``, in a second run of the whole flow: 2048x1400 pixels).
The New project and Export dialogs are rendered once, at their own size
(``11-new-project-dialog.png``, ``12-export-dialog.png``).

``--langs ru zh_CN`` renders the window in those languages too (petcognizer's and
Qt's translators installed before the window is built, as ``petcognizer gui``
does), each a whole run of the flow; their files end in ``-ru`` / ``-zh_CN``
(``1-start-1024x700-ru.png``). Chinese needs a CJK font on the machine
(``fc-list :lang=zh``; on Debian ``apt-get install fonts-noto-cjk``), or its
glyphs are drawn as boxes::

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_screenshots.py --sizes 1024x700 --langs ru zh_CN
The layout checker (``tests/gui/layoutcheck.py``) runs over the window at
each size; its findings are printed and written to ``layout-report-*.txt``
beside the pictures. Exit code 0 when all pictures were written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: name -> (logical width, height, QT_SCALE_FACTOR); each scale factor is its own process (Qt reads it at start).
SIZES = {'1024x700': (1024, 700, 1), '1920x1080': (1920, 1080, 1), '200pct': (1024, 700, 2)}
CLASSES = ('beagle', 'samoyed', 'shih_tzu')
#: A breed the model is not taught: its photos should come out as "None of these".
STRANGER = 'golden_retriever'
TRAIN_PER_CLASS = 10
PREDICT_PER_CLASS = 5


def _photo_sources(folder: Path | None) -> dict[str, list[Path]] | None:
    """Class -> photos of an ImageFolder-style folder (the classes above), or None."""
    if folder is None or not folder.is_dir():
        return None
    out = {}
    for name in (*CLASSES, STRANGER):
        sub = folder / name
        if not sub.is_dir():
            return None
        out[name] = sorted(p for p in sub.iterdir() if p.suffix.lower() in ('.jpg', '.jpeg', '.png'))
    if any(len(out[c]) < TRAIN_PER_CLASS + PREDICT_PER_CLASS for c in CLASSES):
        return None
    return out


def _synthetic(folder: Path) -> dict[str, list[Path]]:
    """Coloured shapes, one colour and shape a class (no data set needed)."""
    import random

    from PIL import Image, ImageDraw

    colours = {CLASSES[0]: (196, 120, 60), CLASSES[1]: (235, 235, 240), CLASSES[2]: (120, 90, 70),
               STRANGER: (40, 160, 220)}
    out: dict[str, list[Path]] = {}
    for k, (name, colour) in enumerate(colours.items()):
        rnd = random.Random(k)
        out[name] = []
        for i in range(TRAIN_PER_CLASS + PREDICT_PER_CLASS):
            img = Image.new('RGB', (160, 120), tuple(rnd.randrange(40, 90) for _ in range(3)))
            draw = ImageDraw.Draw(img)
            x, y = rnd.randrange(10, 60), rnd.randrange(10, 40)
            box = (x, y, x + 70 + rnd.randrange(20), y + 50 + rnd.randrange(20))
            (draw.ellipse if k % 2 else draw.rectangle)(box, fill=colour)
            path = folder / name / f'{name}_{i:02d}.png'
            path.parent.mkdir(parents=True, exist_ok=True)
            img.save(path)
            out[name].append(path)
    return out


class Renderer:
    """Snaps the window at every size and runs the layout checker on it."""

    def __init__(self, window, out: Path, sizes: list[str], suffix: str = '') -> None:
        from layoutcheck import check_layout

        self.suffix = suffix
        self.window = window
        self.sizes = sizes
        self.out = out
        self.check_layout = check_layout
        self.written: list[Path] = []
        self.problems: list[str] = []

    def settle(self, ms: int = 300) -> None:
        from PySide6.QtCore import QElapsedTimer
        from PySide6.QtWidgets import QApplication

        timer = QElapsedTimer()
        timer.start()
        while timer.elapsed() < ms:
            QApplication.processEvents()
            time.sleep(0.01)

    def snap(self, state: str, sizes: tuple[str, ...] | None = None) -> None:
        for size in sizes or self.sizes:
            w, h, _scale = SIZES[size]
            self.window.resize(w, h)
            self.settle()
            if (self.window.width(), self.window.height()) != (w, h):
                self.problems.append(f'{state} at {size}: the window cannot be that small; it is '
                                     f'{self.window.width()}x{self.window.height()} (its minimum size is '
                                     f'{self.window.minimumSizeHint().width()}x{self.window.minimumSizeHint().height()})')
            path = self.out / f'{state}-{size}{self.suffix}.png'
            pixmap = self.window.grab()  # at 200%: twice the pixels, drawn by Qt at that scale
            found = self.check_layout(self.window)
            self.problems += [f'{state} at {size}: {p}' for p in found]
            if not pixmap.save(str(path)):
                raise OSError(f'Cannot write {path}; check that the folder is writable.')
            self.written.append(path)
            print(f'wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}', flush=True)

    def snap_dialog(self, state: str, dialog) -> None:
        """A dialog at its own size (once: it does not follow the window's size)."""
        dialog.show()
        self.settle()
        self.problems += [f'{state}: {p}' for p in self.check_layout(dialog)]
        path = self.out / f'{state}-dialog{self.suffix}.png'
        if not dialog.grab().save(str(path)):
            raise OSError(f'Cannot write {path}; check that the folder is writable.')
        self.written.append(path)
        print(f'wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}', flush=True)
        dialog.close()


def _wait(predicate, timeout_s: float, what: str, renderer: Renderer) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f'Gave up waiting {timeout_s:.0f} s for {what}.')
        renderer.settle(100)


def render(out: Path, photos_folder: Path | None, train_timeout_s: float, sizes: list[str], lang: str = 'en') -> int:
    sys.path.insert(0, str(ROOT / 'tests' / 'gui'))  # layoutcheck
    work = Path(tempfile.mkdtemp(prefix='petcognizer-shots-'))
    os.environ['PETCOGNIZER_CONFIG'] = str(work / 'settings.json')
    try:
        return _render(out, photos_folder, train_timeout_s, work, sizes, lang)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _render(out: Path, photos_folder: Path | None, train_timeout_s: float, work: Path, sizes: list[str],
            lang: str = 'en') -> int:
    from petcognizer.core.project import Project
    from petcognizer.gui import i18n
    from petcognizer.gui.app import create_app
    from petcognizer.gui.export_dialog import ExportDialog
    from petcognizer.gui.main_window import MainWindow
    from petcognizer.gui.new_project import NewProjectDialog

    sources = _photo_sources(photos_folder)
    origin = f'photos from {photos_folder}' if sources else 'synthetic photos'
    if sources is None:
        sources = _synthetic(work / 'synthetic')
    print(f'using {origin}', flush=True)
    out.mkdir(parents=True, exist_ok=True)
    app = create_app([])
    suffix = '' if lang == 'en' else f'-{lang}'
    if lang != 'en' and not i18n.install_translators(lang, app):
        raise RuntimeError(f'No translation for {lang}: run resources/i18n/update.py')
    window = MainWindow()
    window.interactive = False
    window.show()
    shots = Renderer(window, out, sizes, suffix)
    dialogs = '1024x700' in sizes  # once per language, in the 100% run
    t0 = time.monotonic()
    try:
        window.pages.setCurrentWidget(window.start_page)
        shots.snap('1-start')

        if dialogs:
            shots.snap_dialog('11-new-project', NewProjectDialog(work, parent=window))
        project = Project.create(work / 'My pets', classes=list(CLASSES))
        if not window.open_project(project.root):
            raise RuntimeError(f'The window could not open the project {project.root}.')
        window.tabs.setCurrentWidget(window.data_page)
        shots.snap('2-data-empty')
        for name in CLASSES:  # through the window's project: its pages follow
            window.project.add_files(sources[name][:TRAIN_PER_CLASS], name)
        shots.settle(1500)  # thumbnails
        shots.snap('3-data')

        train = window.train_page
        window.tabs.setCurrentWidget(train)
        shots.snap('4-train-ready')
        finished: list = []
        train.run_finished.connect(finished.append)
        train.start_button.click()
        _wait(train.is_busy, 30, 'training to start', shots)
        # the curves have a few points (or, should the page keep them elsewhere, 8 s passed)
        started = time.monotonic()

        def under_way() -> bool:
            history = getattr(train, '_history', None)
            if history is None:
                return bool(finished) or time.monotonic() - started > 8
            return len(history) >= 2 or bool(finished)

        _wait(under_way, train_timeout_s, 'two epochs', shots)
        shots.snap('5-train-training')
        _wait(lambda: finished and not train.is_busy(), train_timeout_s, 'the run to finish', shots)
        print(f'trained in {time.monotonic() - t0:.0f} s since the start', flush=True)
        shots.settle(500)
        shots.snap('6-train-trained')
        if dialogs:
            record = finished[-1]
            shots.snap_dialog('12-export', ExportDialog(window.project.root / record.model_path, run=record,
                                                        parent=window, project_name=window.project.name))

        predict = window.predict_page
        window.tabs.setCurrentWidget(predict)
        shots.snap('7-predict-empty')
        new = work / 'new photos'
        new.mkdir()
        for name in (*CLASSES, STRANGER):
            for src in sources[name][TRAIN_PER_CLASS:TRAIN_PER_CLASS + PREDICT_PER_CLASS]:
                shutil.copy2(src, new / src.name)
        (new / 'holiday notes.jpg').write_bytes(b'not a photo')  # an unreadable file
        done: list = []
        predict.predictions_finished.connect(done.append)
        predict.predict([new])
        for size in sizes:  # while it lasts (the engine loads the model first: seconds)
            if predict.is_busy():
                shots.snap('8-predict-predicting', sizes=(size,))
            else:
                print(f'8-predict-predicting at {size}: not rendered, the predictions came first', flush=True)
        _wait(lambda: done and not predict.is_busy(), 300, 'the predictions', shots)
        shots.settle(500)
        predict.scroll.verticalScrollBar().setValue(0)
        shots.snap('9-predict-results')
        predict.filter_bar.set_key('review')
        shots.snap('10-predict-review')
        predict.filter_bar.set_key('all')
    finally:
        window.shutdown()
        window.hide()
        window.deleteLater()
    report = out / f'layout-report-{"-".join(sizes)}{suffix}.txt'
    report.write_text(
        f'# tests/gui/layoutcheck.py over the window at {", ".join(sizes)} in {lang} ({origin}); '
        f'{len(shots.problems)} finding(s)\n'
        + ''.join(f'{p}\n' for p in shots.problems), encoding='utf-8')
    print(f'{len(shots.written)} pictures in {time.monotonic() - t0:.0f} s; '
          f'{len(shots.problems)} layout finding(s), see {report}', flush=True)
    for p in shots.problems:
        print('  ' + p)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'screenshots')
    parser.add_argument('--photos', type=Path, default=ROOT.parent / 'shared' / 'datasets' / 'imagewoof-mini',
                        help=f'an ImageFolder-style folder with the classes {", ".join(CLASSES)} and {STRANGER}')
    parser.add_argument('--train-timeout', type=float, default=900.0, help='seconds to wait for the run')
    parser.add_argument('--sizes', nargs='+', choices=list(SIZES), default=list(SIZES),
                        help='which sizes (default: all; 200pct runs in a second process at QT_SCALE_FACTOR=2)')
    parser.add_argument('--langs', nargs='+', choices=['en', 'ru', 'zh_CN'], default=['en'],
                        help='window languages, each a run of its own (default: en); files of ru and zh_CN end in -ru, -zh_CN')
    args = parser.parse_args(argv)
    os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
    if len(args.langs) > 1:  # one process a language: each builds its window after its translators
        code = 0
        for lang in args.langs:
            cmd = [sys.executable, str(Path(__file__).resolve()), '--out', str(args.out), '--photos', str(args.photos),
                   '--train-timeout', str(args.train_timeout), '--sizes', *args.sizes, '--langs', lang]
            print(f'{lang}: {" ".join(cmd)}', flush=True)
            code = subprocess.run(cmd, check=False).returncode or code
        return code
    lang = args.langs[0]
    by_scale: dict[int, list[str]] = {}
    for size in args.sizes:
        by_scale.setdefault(SIZES[size][2], []).append(size)
    code = 0
    for scale, sizes in sorted(by_scale.items()):
        if str(scale) == os.environ.get('QT_SCALE_FACTOR', '1'):
            code = render(args.out.resolve(), args.photos, args.train_timeout, sizes, lang) or code
            continue
        cmd = [sys.executable, str(Path(__file__).resolve()), '--out', str(args.out), '--photos', str(args.photos),
               '--train-timeout', str(args.train_timeout), '--sizes', *sizes, '--langs', lang]
        print(f'QT_SCALE_FACTOR={scale}: {" ".join(cmd)}', flush=True)
        code = subprocess.run(cmd, env={**os.environ, 'QT_SCALE_FACTOR': str(scale)}, check=False).returncode or code
    return code


if __name__ == '__main__':
    sys.exit(main())
