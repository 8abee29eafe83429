"""How long a run will take, before it starts and while it runs (no Qt, no torch).

A run is planned as phases: for each network (one, or the three of an
ensemble) *reading photos* (the backbone's features) then *learning*; then
*checking* (accuracy measured on photos each model had not seen). Each phase
gets an estimate from the number of photos and the costs below, measured on a
2-core laptop CPU (``bench/train_eta_bench.py``), times this computer's speed
against them: the ratio of the time earlier runs took to their estimate (a
per-user setting, :func:`remember_timing`; 1 until a run has finished).

:class:`RunClock` turns the events of a running job into "about N s left" from
the first second: the plan's estimate to start with, the job's own per-stage
estimates as soon as it reports them, and the plan scaled by how fast the
finished phases actually went.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from petcognizer.core.config import ENSEMBLE_BACKBONES
from petcognizer.core.settings import load_settings, save_settings
from petcognizer.gui.i18n import translate

__all__ = [
    'DEFAULT_PHOTOS_PER_S',
    'Phase',
    'RunClock',
    'about_text',
    'estimate_seconds',
    'member_backbones',
    'plan_run',
    'remember_timing',
    'timing',
]

#: Photos per second of feature extraction on a 2-core CPU (bench/train_eta_bench.py).
#: Measured on 60 photos of 400x320 px at load average 2 (bench/results/train_eta.json).
DEFAULT_PHOTOS_PER_S = {'efficientnet_lite0': 30.0, 'efficientnet_lite1': 20.0, 'efficientnet_lite2': 16.0}
#: Any other backbone: photos per second.
OTHER_PHOTOS_PER_S = 10.0
#: Building a network and loading its weights, seconds.
LOAD_S = 0.7
#: Learning a head on cached features (hundreds of small steps), seconds.
HEAD_LEARN_S = 0.6
#: Checking (cross-validation on cached features): seconds, plus per network, plus per photo.
CHECK_S, CHECK_S_PER_MEMBER, CHECK_S_PER_PHOTO = 0.6, 0.9, 0.005
_SETTINGS_KEY = 'train_timing'
MIN_SPEED, MAX_SPEED = 0.1, 20.0
STAGES = ('read', 'learn', 'check')
STAGE_TITLES = {
    'read': QT_TRANSLATE_NOOP('train_estimate', 'Reading photos'),
    'learn': QT_TRANSLATE_NOOP('train_estimate', 'Learning'),
    'check': QT_TRANSLATE_NOOP('train_estimate', 'Checking'),
}
_MEMBER = re.compile(r'member (\d+) of (\d+)')


def about_text(seconds: float, suffix: str = 'left') -> str:
    """``'about 30 s left'``, ``'about 3 min left'``, ``'a few seconds left'`` (``suffix=''``: no "left")."""
    left = bool(suffix)
    if not math.isfinite(seconds) or seconds < 5:
        return (translate('train_estimate', 'a few seconds left') if left
                else translate('train_estimate', 'a few seconds'))
    if seconds < 60:
        s = int(5 * round(seconds / 5)) if seconds > 15 else round(seconds)
        return (translate('train_estimate', 'about {s} s left') if left
                else translate('train_estimate', 'about {s} s')).format(s=s)
    if seconds < 3600:
        m = round(seconds / 60)
        return (translate('train_estimate', 'about {m} min left') if left
                else translate('train_estimate', 'about {m} min')).format(m=m)
    h, m = divmod(round(seconds / 60), 60)
    return (translate('train_estimate', 'about {h} h {m:02d} min left') if left
            else translate('train_estimate', 'about {h} h {m:02d} min')).format(h=h, m=m)


@dataclass
class Phase:
    stage: str  # 'read' | 'learn' | 'check'
    member: int  # 0-based network of an ensemble (0 for checking)
    seconds: float  # the estimate


def member_backbones(config: dict) -> list[str]:
    """The networks a run trains, in order (an ensemble: its backbone first)."""
    name = str(config.get('backbone') or ENSEMBLE_BACKBONES[0])
    if config.get('ensemble') and name in ENSEMBLE_BACKBONES:
        return [name] + [b for b in ENSEMBLE_BACKBONES if b != name]
    return [name]


def timing() -> dict[str, Any]:
    """This computer's measured speed: ``{'speed': actual / estimated seconds}`` (may be empty)."""
    try:
        t = load_settings().extra.get(_SETTINGS_KEY)
    except (OSError, ValueError):  # settings are a convenience here
        return {}
    return t if isinstance(t, dict) else {}


def remember_timing(speed: float) -> None:
    """Store a finished run's actual / estimated time (averaged with earlier runs)."""
    if not isinstance(speed, (int, float)) or not math.isfinite(speed) or speed <= 0:
        return
    speed = min(MAX_SPEED, max(MIN_SPEED, float(speed)))
    try:
        s = load_settings()
        t = s.extra.get(_SETTINGS_KEY)
        t = dict(t) if isinstance(t, dict) else {}
        old = t.get('speed')
        t['speed'] = round(speed if not isinstance(old, (int, float)) else math.sqrt(old * speed), 3)
        t['runs'] = int(t.get('runs') or 0) + 1
        s.extra[_SETTINGS_KEY] = t
        save_settings(s)
    except (OSError, ValueError):  # a read-only config folder only loses the measurement
        pass


def _speed(measured: dict) -> float:
    speed = measured.get('speed')
    if isinstance(speed, (int, float)) and math.isfinite(speed) and speed > 0:
        return min(MAX_SPEED, max(MIN_SPEED, float(speed)))
    return 1.0


def _rate(name: str) -> float:
    return DEFAULT_PHOTOS_PER_S.get(name, OTHER_PHOTOS_PER_S)


def plan_run(n_photos: int, config: dict, measured: dict | None = None) -> list[Phase]:
    """The phases of a run on ``n_photos`` photos with ``config`` (a TrainConfig dict)."""
    measured = timing() if measured is None else measured
    n = max(1, int(n_photos))
    frozen = int(config.get('freeze_depth') or 0) == 0
    cached_views = 1 + int(config.get('aug_views') or 0) if config.get('augment') else 1
    epochs = max(1, int(config.get('epochs') or 1))
    phases: list[Phase] = []
    speed = _speed(measured)
    for k, name in enumerate(member_backbones(config)):
        rate = _rate(name) / speed
        if frozen:
            phases.append(Phase('read', k, speed * LOAD_S + n * cached_views / rate))
            phases.append(Phase('learn', k, speed * HEAD_LEARN_S))
        else:  # the top stages train on live photos: about 3 forward passes a photo and epoch
            phases.append(Phase('read', k, speed * LOAD_S + n / rate))
            phases.append(Phase('learn', k, epochs * n * 3.0 / rate))
    members = len(member_backbones(config))
    check = speed * (CHECK_S + CHECK_S_PER_MEMBER * members + CHECK_S_PER_PHOTO * n)
    if not frozen:
        # A fine-tuning's later copies (``members``) and blended frozen heads report their work as
        # checking (core.training._fit_several), so their time belongs to that phase.
        check += max(0, int(config.get('members') or 1) - 1) * sum(p.seconds for p in phases)
        if config.get('blend_frozen'):  # the few-photo ensemble's own run, measured out of fold
            check += estimate_seconds(n, {'backbone': ENSEMBLE_BACKBONES[0], 'ensemble': True}, measured)
    phases.append(Phase('check', 0, check))
    return phases


def estimate_seconds(n_photos: int, config: dict, measured: dict | None = None) -> float:
    return sum(p.seconds for p in plan_run(n_photos, config, measured))


@dataclass
class RunClock:
    """Where a run is, and about how long it has left.

    Args:
        phases: :func:`plan_run`'s plan.
        start: the time the run was asked for (any monotonic clock, seconds).
    """

    phases: list[Phase]
    start: float
    index: int = 0
    fraction: float = 0.0  # of the current phase, from the job's events
    phase_start: float = field(default=0.0)
    _phase_eta: tuple[float, float] | None = None  # (seconds left, when said)
    _speed: float = 1.0
    _done_fraction: float = 0.0
    first_event: float | None = None

    def __post_init__(self) -> None:
        self.phase_start = self.start

    # ------------------------------------------------------------ where

    @property
    def phase(self) -> Phase:
        return self.phases[min(self.index, len(self.phases) - 1)]

    @property
    def stage(self) -> str:
        return self.phase.stage

    @property
    def members(self) -> int:
        return 1 + max(p.member for p in self.phases)

    def _go(self, index: int, now: float) -> None:
        index = max(0, min(index, len(self.phases) - 1))
        if index <= self.index:
            return
        # how fast the phases went against the plan: scales what is left
        planned = sum(p.seconds for p in self.phases[:index])
        took = now - self.start
        if planned > 0 and took > 0:
            self._speed = min(10.0, max(0.2, took / planned))
        self.index = index
        self.fraction = 0.0
        self.phase_start = now
        self._phase_eta = None

    def _find(self, stage: str, member: int) -> int:
        for i, p in enumerate(self.phases):
            if p.stage == stage and (stage == 'check' or p.member == member):
                return i
        return self.index

    def at(self, stage: str, now: float, fraction: float | None = None, eta_s: float | None = None,
           member: int | None = None) -> None:
        """The job is in ``stage`` (of network ``member``; the current one if None)."""
        if self.first_event is None:
            self.first_event = now
        member = self.phase.member if member is None else member
        index = self._find(stage, member)
        if index < self.index:  # e.g. the validation photos' reading after learning began: no going back
            return
        self._go(index, now)
        if fraction is not None and math.isfinite(fraction):
            self.fraction = max(self.fraction, min(1.0, max(0.0, fraction)))
        if eta_s is not None and math.isfinite(eta_s) and eta_s > 0:
            self._phase_eta = (float(eta_s), now)

    def on_message(self, text: str, now: float) -> None:
        """An ensemble's "training member k of M" starts network k's reading."""
        m = _MEMBER.search(text or '')
        if m:
            self.at('read', now, member=int(m.group(1)) - 1)

    # ------------------------------------------------------------ how long

    def remaining(self, now: float) -> float:
        """Seconds the run has left (an estimate, never negative).

        This phase: the job's own estimate if it gave one, else its rate so far
        (trusted more as the phase goes on), else the plan, never below a third
        of it (a phase that runs over says so by making the later ones longer).
        Later phases: the plan times how fast this run goes against it.
        """
        p = self.phase
        plan = max(1e-3, p.seconds)
        budget = plan * self._speed
        in_phase = max(0.0, now - self.phase_start)
        f = self.fraction
        if self._phase_eta is not None:
            left, said = self._phase_eta
            here, w = max(0.0, left - (now - said)), 0.5
        elif f > 0:
            w = min(1.0, f / 0.15)
            here = w * in_phase * (1.0 - f) / f + (1.0 - w) * budget * (1.0 - f)
        else:
            here = max(budget - in_phase, budget / 3)
            w = 1.0 if in_phase > budget else 0.0
        ratio = (in_phase + here) / plan
        speed = min(10.0, max(0.2, (1.0 - w) * self._speed + w * ratio))
        later = sum(q.seconds for q in self.phases[self.index + 1:]) * speed
        return here + later

    def calibration(self, now: float) -> float | None:
        """How long this run took against its plan (the time before its first event beyond
        loading one network left out: a cold engine is a one-off)."""
        if self.first_event is None:
            return None
        wait = max(0.0, self.first_event - self.start - LOAD_S)
        planned = sum(p.seconds for p in self.phases)
        return (now - self.start - wait) / planned if planned > 0 else None

    def done_fraction(self, now: float) -> float:
        """How much of the run is done, 0..1; it never goes back."""
        left = self.remaining(now)
        spent = now - self.start
        frac = spent / (spent + left) if spent + left > 0 else 0.0
        self._done_fraction = max(self._done_fraction, min(0.99, frac))
        return self._done_fraction
