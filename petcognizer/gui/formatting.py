"""Text for the window: durations, parameter counts, backbone names, run labels, warnings."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from petcognizer.gui.i18n import language, translate

__all__ = [
    'accuracy_text',
    'format_duration',
    'format_params',
    'format_when',
    'overfitting_warning',
    'run_accuracy_text',
    'short_backbone_name',
]

_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')


def format_duration(seconds: float | None) -> str:
    """``75`` -> ``'1:15'``; ``3700`` -> ``'1:01:40'``."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return '–'
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f'{h}:{m:02d}:{s:02d}' if h else f'{m}:{s:02d}'


def format_params(n: int) -> str:
    """``1_652_640`` -> ``'1.65 M'``."""
    if n >= 1_000_000:
        return translate('formatting', '{millions:.2f} M').format(millions=n / 1e6)
    if n >= 1_000:
        return translate('formatting', '{thousands:.1f} k').format(thousands=n / 1e3)
    return str(n)


def overfitting_warning(history: list[dict], patience: int = 2) -> str | None:
    """A warning when validation loss rose ``patience``+ epochs in a row while training loss fell.

    Args:
        history: per-epoch dicts with ``train_loss`` and ``val_loss``.
        patience: consecutive epochs of rising validation loss that count.
    """
    rows = [r for r in history if r.get('val_loss') is not None and r.get('train_loss') is not None]
    if len(rows) < patience + 1:
        return None
    tail = rows[-(patience + 1):]
    val_up = all(b['val_loss'] > a['val_loss'] for a, b in zip(tail, tail[1:]))
    train_down = all(b['train_loss'] < a['train_loss'] for a, b in zip(tail, tail[1:]))
    if not (val_up and train_down):
        return None
    return (
        translate('formatting', 'Overfitting: validation loss has risen for {patience} epochs in a row '
                                  'while training loss keeps falling, so the model is memorising the '
                                  'training photos. Try fewer epochs, more photos per class, or turn on '
                                  'augmentation. (The best epoch so far is kept.)').format(patience=patience)
    )


def short_backbone_name(name: str) -> str:
    """'efficientnet_lite0+efficientnet_lite1+...' -> 'ensemble: lite0+lite1+...'."""
    parts = name.split('+')
    if len(parts) == 1:
        return name
    return translate('formatting', 'ensemble: ') + '+'.join(p.replace('efficientnet_', '') for p in parts)


def format_when(created: str) -> str:
    """An ISO timestamp as local ``'01 Dec 23:40'`` (the text itself if it is not one)."""
    try:
        when = datetime.fromisoformat(str(created)).astimezone()
    except ValueError:
        return str(created)
    if language() == 'en':  # not strftime's %b: Qt sets the C library's locale to the system's
        return f'{when.day:02d} {_MONTHS[when.month - 1]} {when.hour:02d}:{when.minute:02d}'
    # Qt date format, chosen by the translator (month names in the window's language)
    moment = QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
    return QLocale(language()).toString(moment, translate('formatting', 'dd MMM HH:mm'))


def accuracy_text(acc: Any, none: str | None = None) -> str:
    """``0.912`` -> ``'91.2%'``; ``none`` (default "no validation") when there was no validation."""
    if none is None:
        none = translate('formatting', 'no validation')
    return f'{acc * 100:.1f}%' if isinstance(acc, (int, float)) else none


def run_accuracy_text(record: Any, none: str | None = None) -> str:
    """A run's measured accuracy: ``'83% (61–94%)'`` from its evaluation, else its best validation accuracy."""
    ev = getattr(record, 'evaluation', None) or {}
    acc, low, high = ev.get('accuracy'), ev.get('low'), ev.get('high')
    if all(isinstance(v, (int, float)) for v in (acc, low, high)):
        return f'{acc * 100:.0f}% ({low * 100:.0f}–{high * 100:.0f}%)'
    return accuracy_text(getattr(record, 'best_val_acc', None), none)
