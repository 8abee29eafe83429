"""Near ImageNet or far from it: the Train page's look at the photos themselves.

:class:`PhotoAdvisor` asks the engine (job ``'recommend'``,
:func:`petcognizer.core.recommend.recommend_for_photos`) whether the project's photos
look like the everyday photos the backbone learned from. The engine reads every
photo once through the frozen backbone (the features are cached, so the run that
follows reads them back), cross-validates a head on them and measures on this
computer what fine-tuning would cost. Far photos (medical scans, aerial views,
microscope slides) make "Most accurate" train the whole network (or its top
stages) with augmentation, and "Quick" stays the cheaper choice: the last layer
only. Near photos change nothing.

It looks only when every class has enough photos to fine-tune at all
(:data:`~petcognizer.core.domain.MIN_PER_CLASS_TO_FINE_TUNE`), a second after the
photos last changed, while nothing trains; a new change or a run cancels a look in
flight. Each set of photos is looked at once.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from petcognizer.core.config import TrainConfig
from petcognizer.core.domain import MIN_PER_CLASS_TO_FINE_TUNE
from petcognizer.core.settings import feature_cache_root
from petcognizer.gui.engine import EngineWorker
from petcognizer.gui.train_estimate import estimate_seconds
from petcognizer.gui.train_simple import QUICK, config_for_mode, same_settings

__all__ = ['Advice', 'AdviceMixin', 'PhotoAdvisor', 'worth_a_look']

#: Milliseconds after the last change of the photos before the look starts.
DEBOUNCE_MS = 1500


class Advice:
    """What the engine's look at the photos recommends (from the job's plain dict)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.config = TrainConfig.from_dict(data['config'])
        cheaper = data.get('cheaper_config')
        self.cheaper = TrainConfig.from_dict(cheaper) if cheaper else None
        self.seconds: float | None = data.get('seconds')
        self.cheaper_seconds: float | None = data.get('cheaper_seconds')
        self.sentence: str = data.get('sentence') or ''

    @property
    def fine_tune(self) -> bool:
        """Whether the recommendation trains part of the backbone (far from ImageNet)."""
        return bool(self.config.freeze_depth)

    def __repr__(self) -> str:
        return f'Advice(fine_tune={self.fine_tune}, seconds={self.seconds})'


def worth_a_look(counts: dict[str, int]) -> bool:
    """Whether fine-tuning could be recommended at all: 2+ classes, each with enough photos."""
    return len(counts) >= 2 and min(counts.values()) >= MIN_PER_CLASS_TO_FINE_TUNE


class PhotoAdvisor(QObject):
    """Looks at a project's photos in the engine and says what it recommends.

    Signals:
        advice_changed(object): an :class:`Advice`, or None (no advice for these photos).
        looking_changed(bool): a look started (True) or ended.
    """

    advice_changed = Signal(object)
    looking_changed = Signal(bool)

    #: Whether new advisors look at all (the GUI tests turn it off but where they test it).
    ENABLED = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Any = None
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._look)
        self._worker: EngineWorker | None = None
        self._key: tuple | None = None  # the photos the advice (or the look in flight) is for
        self._advice: Advice | None = None
        self.enabled = PhotoAdvisor.ENABLED

    @property
    def advice(self) -> Advice | None:
        return self._advice

    def is_looking(self) -> bool:
        return self._worker is not None

    def set_project(self, project: Any) -> None:
        self.cancel()
        self._project, self._key = project, None
        self._set_advice(None)
        self.photos_changed()

    def photos_changed(self) -> None:
        """The photos changed: look again a moment after the last change (if worth a look)."""
        if self._project is None or not self.enabled:
            return
        self._timer.start()

    def cancel(self) -> None:
        """Stop a pending or running look (a run is starting, or the project closes)."""
        self._timer.stop()
        if self._worker is not None:
            self._worker.cancel()
            self._key = None  # not looked at to the end: look again later

    def _set_advice(self, advice: Advice | None) -> None:
        changed = (advice is None) != (self._advice is None) or (
            advice is not None and self._advice is not None and advice.data != self._advice.data)
        self._advice = advice
        if changed:
            self.advice_changed.emit(advice)

    @Slot()
    def _look(self) -> None:
        project = self._project
        if project is None or not self.enabled:
            return
        if self._worker is not None:  # one look at a time: the next once this one ends
            self._worker.cancel()
            self._timer.start()
            return
        try:
            counts = {name: len(project.images(name)) for name in project.classes}
        except (OSError, ValueError):
            return
        if not worth_a_look(counts):
            self._key = None
            self._set_advice(None)
            return
        snapshot = project.snapshot()
        key = (str(project.root), tuple(snapshot.classes), tuple(sorted(Counter(snapshot.labels).items())),
               tuple(snapshot.digests))
        if key == self._key:
            return
        self._key = key
        self._worker = worker = EngineWorker('recommend', snapshot=snapshot.to_dict(),
                                             cache_root=str(feature_cache_root(project)))
        worker.returned.connect(lambda result, w=worker: self._on_returned(w, result))
        worker.finished.connect(self._on_finished)
        self.looking_changed.emit(True)
        worker.start()

    def _on_returned(self, worker: Any, result: Any) -> None:
        if (worker is not self._worker or worker.cancelled or not isinstance(result, dict)
                or 'config' not in result):  # a cancelled look's answer may be for older photos
            return
        self._set_advice(Advice(result))

    @Slot()
    def _on_finished(self) -> None:
        worker = self._worker
        self._worker = None
        if worker is not None and (worker.cancelled or worker.was_cancelled or getattr(worker, 'error_message', '')):
            self._key = None  # look again at the next change
        self.looking_changed.emit(False)


class AdviceMixin:
    """The Train page's part: a :class:`PhotoAdvisor`, and the choices following its advice.

    The page calls :meth:`_init_advice` once, ``self.advisor.set_project`` /
    ``photos_changed`` / ``cancel`` as the project, its photos and runs change, and
    :meth:`_show_advice` when it updates its state; it implements
    ``_recommend_if_auto`` and ``_update_state``.
    """

    def _init_advice(self) -> None:
        self.advisor = PhotoAdvisor(self)
        self.advisor.advice_changed.connect(self._on_advice_changed)
        self.advisor.looking_changed.connect(self._on_looking_changed)

    def _on_advice_changed(self, _advice: Any) -> None:
        self._recommend_if_auto()
        self._update_state()

    def _on_looking_changed(self, _looking: bool) -> None:
        self._update_state()

    def _show_advice(self, n_images: int, n_classes: int) -> float | None:
        """Update the choices' notes; the time of the form's settings when the advice knows it."""
        advice = self.advisor.advice
        quick = config_for_mode(QUICK, n_images, n_classes).to_dict() if n_images else None
        self.simple.show_advice(advice, self.advisor.is_looking(),
                                estimate_seconds(n_images, quick) if quick else None)
        if advice is not None and advice.fine_tune and same_settings(self.config_dict(), advice.config.to_dict()):
            return advice.seconds
        return None
