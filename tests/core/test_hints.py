"""The one rule for "what the photos need next" (petcognizer.core.hints)."""

from petcognizer.core.hints import class_need, data_hint, name_list


def test_no_class_and_one_class():
    h = data_hint({})
    assert not h.ready and 'Add a class' in h.text
    h = data_hint({'cat': 5})
    assert not h.ready and 'second class' in h.text


def test_every_empty_class_is_named():
    h = data_hint({'beagle': 0, 'cat': 4, 'poodle': 0})
    assert not h.ready and h.needs == ('beagle', 'poodle')
    assert "'beagle'" in h.text and "'poodle'" in h.text and "'cat'" not in h.text


def test_one_photo_a_class_is_enough_to_start_three_for_an_estimate():
    h = data_hint({'beagle': 3, 'cat': 1, 'dog': 2})
    assert h.ready and not h.estimate and h.level == 'start'
    assert h.needs == ('cat', 'dog')  # every class with too few, smallest first, not just one
    assert "'cat' (1)" in h.text and "'dog' (2)" in h.text and 'beagle' not in h.text
    assert 'honest accuracy estimate' in h.text


def test_what_helps_most_names_every_small_class():
    h = data_hint({'a': 3, 'b': 12, 'c': 5}, n_unlabelled=2)
    assert h.ready and h.estimate and h.needs == ('a', 'c')
    assert '2 unlabelled photos are not used' in h.text
    h = data_hint({'a': 12, 'b': 40})
    assert h.needs == ('a',)  # fewer than half the largest
    h = data_hint({'a': 12, 'b': 14}, n_unlabelled=1)
    assert h.ready and not h.needs and '1 unlabelled photo is not used until it has a class' in h.text


def test_class_need_and_name_list():
    assert class_need(0) == 'add a photo to start'
    assert class_need(1) == '2 more for an estimate'
    assert class_need(5) == 'more photos help'
    assert class_need(10) == ''
    assert name_list(['a', 'b', 'c']) == "'a', 'b' and 'c'"
    assert name_list([str(i) for i in range(13)]).endswith('and 3 more')
