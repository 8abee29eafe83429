"""Progress of core events on stderr: bars on a terminal, plain lines in a log.

Bars (tqdm) are drawn only when stderr is a terminal, so a log or a pipe never
fills with carriage returns; messages (the run's start, warnings) are printed
as lines either way, unless ``--quiet``. Rates read "540 photos/s", and only
once a stage has run for a second.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from petcognizer.cli.text import count, echo, rate_text, shown
from petcognizer.core import events as E

if TYPE_CHECKING:  # imported when a bar is drawn: a log or --quiet never needs it
    from tqdm import tqdm

__all__ = ['Progress', 'is_terminal']

_BAR = '{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}{postfix}]'


def is_terminal(stream) -> bool:
    """True if ``stream`` is an interactive terminal (False for files, pipes, captured output)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """A callback for core events, drawing them on stderr.

    Also usable as an import progress callback: ``progress.counter(text)`` returns
    a ``(done, total)`` function.
    """

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.bars = not quiet and is_terminal(sys.stderr)
        self.bar: tqdm | None = None
        self.kind: str | None = None
        self.unit = 'photo'

    def _bar(self, kind: str, total: int, desc: str, unit: str) -> tqdm | None:
        if not self.bars:
            return None
        if self.kind != kind or self.bar is None:
            from tqdm import tqdm

            self.close()
            scale = unit == 'B'
            self.bar = tqdm(total=total, desc=shown(desc), unit=unit, unit_scale=scale,
                            file=sys.stderr, leave=False, dynamic_ncols=True,
                            bar_format=None if scale else _BAR)
            self.kind, self.unit = kind, unit
        return self.bar

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar, self.kind = None, None

    def _advance(self, bar: tqdm, done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        if self.unit == 'photo':
            rate = rate_text(done, bar.format_dict.get('elapsed', 0.0))
            bar.set_postfix_str(rate, refresh=False)  # tqdm adds the ', '
        bar.refresh()

    def counter(self, text: str):
        """A ``(done, total)`` callback (as :meth:`Project.add_files` takes) drawing a bar."""

        def report(done: int, total: int) -> None:
            bar = self._bar('count:' + text, total, text, 'photo')
            if bar is not None:
                self._advance(bar, done, total)

        return report

    def __call__(self, ev) -> None:
        if isinstance(ev, E.RunStarted):
            self.say(f'Training {ev.backbone} on {count(ev.n_train, "photo")} '
                     f'({ev.n_val} for validation), {count(len(ev.classes), "class", "classes")}, '
                     f'{count(ev.epochs, "epoch")}, on {ev.device}')
        elif isinstance(ev, E.StageProgress):
            unit = 'B' if ev.stage == 'weights' else 'photo'
            bar = self._bar(ev.stage, ev.total, ev.text or ev.stage, unit)
            if bar is not None:
                self._advance(bar, ev.done, ev.total)
        elif isinstance(ev, E.EpochStarted):
            self._bar('epochs', ev.epochs, 'Training', 'epoch')
        elif isinstance(ev, E.EpochEnded):
            bar = self._bar('epochs', ev.epochs, 'Training', 'epoch')
            if bar is not None:
                post = {'loss': f'{ev.train_loss:.3f}', 'acc': f'{ev.train_acc:.1%}'}
                if ev.val_acc is not None:
                    post.update(val_loss=f'{ev.val_loss:.3f}', val_acc=f'{ev.val_acc:.1%}')
                bar.set_postfix(post, refresh=False)
                bar.update(1)
        elif isinstance(ev, E.Message):
            self.say(('warning: ' if ev.level == 'warning' else '') + ev.text)
        elif isinstance(ev, E.RunEnded):
            self.close()

    def say(self, text: str) -> None:
        """A line on stderr (above the bar on a terminal); nothing when quiet."""
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(shown(text), file=sys.stderr)
        else:
            echo(text, err=True)
