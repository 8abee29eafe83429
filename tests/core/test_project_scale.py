"""The fast paths of a project's folder scan (issue 14) agree with the plain functions."""

from __future__ import annotations

import random
import string

from petcognizer.core.images import IMAGE_EXTENSIONS, is_image_name
from petcognizer.core.project import Project
from petcognizer.core.project.base import _children, _name_key
from petcognizer.core.project.names import natural_key


def test_scan_helpers_match_the_plain_functions(tmp_path):
    rnd = random.Random(3)
    alpha = string.ascii_letters + string.digits + '._- ~$ßİ'
    names = [''.join(rnd.choice(alpha) for _ in range(rnd.randint(1, 10)))
             + rnd.choice(['', '.jpg', '.JPG', '.png', '.txt', '.jpeg', '.Tiff'])
             for _ in range(20_000)]
    for n in names:
        assert _name_key(n) == natural_key(n), n
        fast = n[n.rfind('.'):].lower() in IMAGE_EXTENSIONS and n[0] != '.' and not n.startswith('~$')
        assert fast == is_image_name(n), n
    folder = tmp_path / 'f'
    assert _children(folder, names[:50]) == [folder / n for n in names[:50]]


def test_listing_keeps_natural_order_and_skips_hidden_files(tmp_path):
    project = Project.create(tmp_path / 'p', classes=['cat'])
    folder = project.images_dir / 'cat'
    for name in ['img10.jpg', 'IMG2.JPG', 'img1.png', '.hidden.jpg', '~$lock.jpg', 'notes.txt',
                 '._img3.jpg']:
        (folder / name).write_bytes(b'x')
    (folder / 'dir.jpg').mkdir()
    listed = [p.name for p in Project.open(project.root).images('cat')]
    assert listed == ['img1.png', 'IMG2.JPG', 'img10.jpg']
