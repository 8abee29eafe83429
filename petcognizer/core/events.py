"""Progress events and cancellation: the only channel from the core to a UI.

The core knows nothing of Qt or terminals. Long work takes ``callback`` (any
callable receiving one event) and ``cancel`` (a :class:`CancelToken`). Events are
small frozen dataclasses of plain numbers and strings, never tensors, so they
can cross threads (the GUI passes a Qt signal's ``emit``) or be printed (the CLI
draws a progress bar). The vocabulary follows fastai's callbacks.

Order of a training run::

    RunStarted
      StageProgress*        (e.g. 'features': extracting/caching backbone outputs)
      EpochStarted, BatchEnded*, EpochEnded     (per epoch)
    RunEnded                (always last, also when cancelled or failed)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    'BatchEnded',
    'Callback',
    'CancelToken',
    'Cancelled',
    'EpochEnded',
    'EpochStarted',
    'Event',
    'Message',
    'RunEnded',
    'RunStarted',
    'StageProgress',
    'null_callback',
]


@dataclass(frozen=True)
class RunStarted:
    backbone: str
    device: str
    epochs: int
    steps_per_epoch: int
    n_train: int
    n_val: int
    classes: tuple[str, ...]
    freeze_depth: int
    head: str


@dataclass(frozen=True)
class StageProgress:
    """Progress of a non-epoch stage: 'weights' (download), 'features', 'evaluate', 'predict'."""

    stage: str
    done: int
    total: int
    images_per_s: float = 0.0
    eta_s: float = 0.0
    text: str = ''


@dataclass(frozen=True)
class EpochStarted:
    epoch: int  # 0-based
    epochs: int
    lr: float


@dataclass(frozen=True)
class BatchEnded:
    epoch: int
    step: int  # 0-based within the epoch
    steps: int
    loss: float
    images_per_s: float
    eta_s: float  # whole remaining run


@dataclass(frozen=True)
class EpochEnded:
    epoch: int
    epochs: int
    train_loss: float
    train_acc: float
    val_loss: float | None  # None when there is no validation split
    val_acc: float | None
    seconds: float
    is_best: bool


@dataclass(frozen=True)
class Message:
    level: str  # 'info' | 'warning'
    text: str


@dataclass(frozen=True)
class RunEnded:
    cancelled: bool
    best_epoch: int | None
    best_val_acc: float | None
    seconds: float
    error: str | None = None


Event = RunStarted | StageProgress | EpochStarted | BatchEnded | EpochEnded | Message | RunEnded
Callback = Callable[[Event], None]


def null_callback(event: Event) -> None:
    """Default callback: ignore events."""


class Cancelled(Exception):
    """Raised inside long work when its :class:`CancelToken` is set."""


class CancelToken:
    """Set from any thread; polled by the core between batches."""

    def __init__(self) -> None:
        self._flag = threading.Event()

    def cancel(self) -> None:
        self._flag.set()

    @property
    def cancelled(self) -> bool:
        return self._flag.is_set()

    def raise_if_cancelled(self) -> None:
        if self._flag.is_set():
            raise Cancelled()
