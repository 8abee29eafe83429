"""What the photos of a project need next: one rule for the Data page, the Train page and the README.

The rule, from the photo counts of the classes:

* **enough to start**: two classes or more, and at least :data:`MIN_TO_START`
  photo (one) in every class. With so few photos the class names help (the
  class-name prior), so training already gives a useful model;
* **an honest estimate**: at least :data:`MIN_FOR_ESTIMATE` photos (three) in
  every class, so some can be held back to measure the accuracy;
* **what helps most**: more photos of every class that has fewer than
  :data:`GOOD_PER_CLASS` (ten), or fewer than half as many as the largest,
  each one named, smallest first.

:func:`data_hint` returns that as one sentence or two (:class:`DataHint`);
:func:`class_need` is the same rule for one class (the short line on its card).
Qt-free: the window and the command line call the same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    'GOOD_PER_CLASS',
    'MIN_FOR_ESTIMATE',
    'MIN_TO_START',
    'DataHint',
    'class_need',
    'data_hint',
    'name_list',
]

#: Photos a class needs before training can start (the class names help with so few).
MIN_TO_START = 1
#: Photos a class needs for an honest accuracy estimate (some are held back to check).
MIN_FOR_ESTIMATE = 3
#: Below this many photos, more photos of a class is what helps most.
GOOD_PER_CLASS = 10
#: At most this many class names in one hint; the rest are counted.
_MAX_NAMES = 10


@dataclass(frozen=True)
class DataHint:
    """The hint for a project's photos.

    Attributes:
        text: one or two sentences a pet owner understands.
        ready: training can start (two classes or more, a photo in each).
        estimate: every class has enough photos for an honest accuracy estimate.
        needs: the classes named in ``text`` as needing photos, smallest first.
        level: ``'todo'`` (cannot train yet), ``'start'`` (can train, no estimate yet) or ``'good'``.
    """

    text: str
    ready: bool
    estimate: bool
    needs: tuple[str, ...] = ()
    level: str = 'todo'


def name_list(names: Sequence[str], counts: Mapping[str, int] | None = None) -> str:
    """``'a', 'b' and 'c'`` (with counts: ``'a' (1), 'b' (2)``); more than ten end in "and N more"."""
    shown = list(names[:_MAX_NAMES])
    items = [f"'{n}' ({counts[n]})" if counts is not None else f"'{n}'" for n in shown]
    rest = len(names) - len(shown)
    if rest:
        return ', '.join(items) + f' and {rest} more'
    if len(items) <= 1:
        return ''.join(items)
    return ', '.join(items[:-1]) + ' and ' + items[-1]


def _photos(n: int) -> str:
    return f'{n} photo{"s" if n != 1 else ""}'


def class_need(count: int) -> str:
    """The rule for one class, as the short line of its card ("" when nothing is missing)."""
    if count < MIN_TO_START:
        return 'add a photo to start'
    if count < MIN_FOR_ESTIMATE:
        return f'{MIN_FOR_ESTIMATE - count} more for an estimate'
    if count < GOOD_PER_CLASS:
        return 'more photos help'
    return ''


def _unlabelled(n: int) -> str:
    if not n:
        return ''
    what = '1 unlabelled photo is' if n == 1 else f'{n} unlabelled photos are'
    return f' {what} not used until it has a class.' if n == 1 else f' {what} not used until they have a class.'


def data_hint(counts: Mapping[str, int], n_unlabelled: int = 0) -> DataHint:
    """What the photos need next: enough to start, an honest estimate, what helps most.

    Args:
        counts: photos per class, in class order.
        n_unlabelled: photos without a class (not used for training).
    """
    names = list(counts)
    tail = _unlabelled(n_unlabelled)
    if not names:
        return DataHint(
            'Add a class for each kind of photo (for example "cat" and "dog"), '
            'then drop photos on its card.' + tail,
            ready=False,
            estimate=False,
        )
    if len(names) < 2:
        return DataHint(
            f"Add a second class: the app learns to tell classes apart, so '{names[0]}' needs "
            'something to be told from.' + tail,
            ready=False,
            estimate=False,
        )
    by_size = sorted(names, key=lambda n: (counts[n], names.index(n)))
    empty = [n for n in by_size if counts[n] < MIN_TO_START]
    if empty:
        which = name_list(empty)
        verb = 'needs' if len(empty) == 1 else 'each need'
        return DataHint(
            f'To start, {which} {verb} at least one photo: drop photos on '
            f'{"its card" if len(empty) == 1 else "their cards"}.' + tail,
            ready=False,
            estimate=False,
            needs=tuple(empty),
        )
    few = [n for n in by_size if counts[n] < MIN_FOR_ESTIMATE]
    if few:
        return DataHint(
            'Ready to train: with few photos the class names help. '
            f'For an honest accuracy estimate, give every class {MIN_FOR_ESTIMATE} photos or more: '
            f'{name_list(few, counts)}.' + tail,
            ready=True,
            estimate=False,
            needs=tuple(few),
            level='start',
        )
    largest = max(counts[n] for n in names)
    small = [n for n in by_size if counts[n] < GOOD_PER_CLASS or 2 * counts[n] < largest]
    if small:
        return DataHint(
            'Ready to train, with an honest accuracy estimate. What helps most: more photos, '
            f'in different places and light, of {name_list(small, counts)}.' + tail,
            ready=True,
            estimate=True,
            needs=tuple(small),
            level='good',
        )
    return DataHint(
        'Ready to train, with an honest accuracy estimate. More photos in different places '
        'and light still help.' + tail,
        ready=True,
        estimate=True,
        level='good',
    )
