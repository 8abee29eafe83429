"""The core's sentences in the window's language.

:mod:`petcognizer.core.hints` is Qt-free and writes English. In English the
window shows its text as it is; in another language the same rule's result
(:class:`~petcognizer.core.hints.DataHint`'s ``level`` and ``needs``, the
photo counts) is written again from translated templates here. The core's
other messages (a doctor finding, an engine error) stay English (docs/I18N.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from petcognizer.core.hints import GOOD_PER_CLASS, MIN_FOR_ESTIMATE, MIN_TO_START, class_need, data_hint
from petcognizer.gui.i18n import language, translate

__all__ = ['class_need_text', 'data_hint_text', 'names_text']

_MAX_NAMES = 10


def names_text(names: Sequence[str], counts: Mapping[str, int] | None = None) -> str:
    """``'a', 'b' and 'c'`` (with counts ``'a' (1)``) in the window's language."""
    shown = list(names[:_MAX_NAMES])
    items = [translate('core_text', "'{name}' ({count})").format(name=n, count=counts[n]) if counts is not None
             else translate('core_text', "'{name}'").format(name=n) for n in shown]
    rest = len(names) - len(shown)
    sep = translate('core_text', ', ')
    if rest:
        return translate('core_text', '{names} and {rest} more').format(names=sep.join(items), rest=rest)
    if len(items) <= 1:
        return ''.join(items)
    return translate('core_text', '{names} and {last}').format(names=sep.join(items[:-1]), last=items[-1])


def class_need_text(count: int) -> str:
    """:func:`petcognizer.core.hints.class_need` in the window's language."""
    if language() == 'en':
        return class_need(count)
    if count < MIN_TO_START:
        return translate('core_text', 'add a photo to start')
    if count < MIN_FOR_ESTIMATE:
        missing = MIN_FOR_ESTIMATE - count
        return translate('core_text', '%n more for an estimate', None, missing)
    if count < GOOD_PER_CLASS:
        return translate('core_text', 'more photos help')
    return ''


def data_hint_text(counts: Mapping[str, int], n_unlabelled: int = 0) -> str:
    """:func:`petcognizer.core.hints.data_hint`'s sentence in the window's language."""
    hint = data_hint(counts, n_unlabelled)
    if language() == 'en':
        return hint.text
    names = list(counts)
    tail = translate('core_text', ' %n unlabelled photo(s) not used until they have a class.', None,
                     n_unlabelled) if n_unlabelled else ''
    if not names:
        text = translate('core_text', 'Add a class for each kind of photo (for example "cat" and "dog"), '
                                      'then drop photos on its card.')
    elif len(names) < 2:
        text = translate('core_text', "Add a second class: the app learns to tell classes apart, so '{name}' "
                                      'needs something to be told from.').format(name=names[0])
    elif not hint.ready:
        which = names_text(list(hint.needs))
        text = (translate('core_text', 'To start, {which} needs at least one photo: drop photos on its card.')
                if len(hint.needs) == 1 else
                translate('core_text', 'To start, {which} each need at least one photo: drop photos on their '
                                       'cards.')).format(which=which)
    elif not hint.estimate:
        text = translate('core_text', 'Ready to train: with few photos the class names help. For an honest '
                                      'accuracy estimate, give every class {n} photos or more: {which}.').format(
            n=MIN_FOR_ESTIMATE, which=names_text(list(hint.needs), counts))
    elif hint.needs:
        text = translate('core_text', 'Ready to train, with an honest accuracy estimate. What helps most: more '
                                      'photos, in different places and light, of {which}.').format(
            which=names_text(list(hint.needs), counts))
    else:
        text = translate('core_text', 'Ready to train, with an honest accuracy estimate. More photos in different '
                                      'places and light still help.')
    return text + tail
