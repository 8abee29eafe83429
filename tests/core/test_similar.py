"""Similar-photo search, and the bundled EfficientNet-Lite0 weights working offline."""

from __future__ import annotations

import pytest
import torch
from photos import COLOURS, make_photo

from petcognizer.core.images import ImageError
from petcognizer.core.project import Project
from petcognizer.core.similar import SimilarIndex, find_similar


@pytest.fixture
def project(tmp_path, photo_tree):
    p = Project.create(tmp_path / 'proj', classes=['red', 'green', 'blue'])
    for c in ('red', 'green', 'blue'):
        report = p.add_files(sorted((photo_tree / c).iterdir())[:4], c)
        assert len(report.added) == 4
    return p


def test_same_colour_first_and_query_excluded(project):
    query = project.images('green')[1]
    results = find_similar(project, query, k=5, backbone='tiny_test')
    assert len(results) == 5
    paths = [p for p, _ in results]
    assert query not in paths
    assert [project.label_of(p) for p in paths[:3]] == ['green'] * 3
    sims = [s for _, s in results]
    assert sims == sorted(sims, reverse=True)
    assert all(-1 - 1e-5 <= s <= 1 + 1e-5 for s in sims)


def test_every_colour_finds_its_own(project):
    for colour in ('red', 'green', 'blue'):
        query = project.images(colour)[0]
        top = find_similar(project, query, k=3, backbone='tiny_test')
        assert {project.label_of(p) for p, _ in top} == {colour}, colour


def test_k_larger_than_the_project(project):
    query = project.images('red')[0]
    results = find_similar(project, query, k=100, backbone='tiny_test')
    assert len(results) == 11  # all photos but the query
    assert len({p for p, _ in results}) == 11


def test_outside_query_and_unlabelled_photos(project, tmp_path):
    make_photo(tmp_path / 'loose' / 'u.png', COLOURS['blue'], noise_seed=77)
    project.add_files([tmp_path / 'loose' / 'u.png'], None)
    outside = make_photo(tmp_path / 'outside.png', COLOURS['red'], noise_seed=99)
    results = find_similar(project, outside, k=4, backbone='tiny_test')
    assert outside not in [p for p, _ in results]
    assert [project.label_of(p) for p, _ in results] == ['red'] * 4
    blue_query = project.images('blue')[0]
    found = [p for p, _ in find_similar(project, blue_query, k=4, backbone='tiny_test')]
    assert project.images(None)[0] in found  # unlabelled photos are searched too


def test_unreadable_query_is_an_image_error(project, tmp_path):
    bad = tmp_path / 'bad.png'
    bad.write_bytes(b'garbage')
    with pytest.raises(ImageError) as info:
        find_similar(project, bad, backbone='tiny_test')
    assert 'bad.png' in str(info.value)


def test_second_search_uses_the_cache(project):
    query = project.images('red')[0]
    first = find_similar(project, query, k=4, backbone='tiny_test')
    events = []
    second = find_similar(project, query, k=4, backbone='tiny_test', callback=events.append)
    assert [p for p, _ in first] == [p for p, _ in second]
    assert not events  # nothing computed: no progress to report


def test_index_vectors_are_unit_length(project):
    paths = project.images('red') + project.images('blue')
    index = SimilarIndex.build(paths, backbone='tiny_test')
    assert index.vectors.shape == (8, 32)
    torch.testing.assert_close(index.vectors.norm(dim=1), torch.ones(8))


# ------------------------------------------------------------------ bundled weights


def test_efficientnet_lite0_works_offline(tmp_path, monkeypatch):
    """The bundled weights load without network and give a sensible ImageNet distribution."""
    import socket

    from PIL import Image

    from petcognizer.core.backbones import create_backbone, get_backbone, weights_status
    from petcognizer.core.data import Preprocess

    def no_network(*a, **k):
        raise OSError('network disabled in this test')

    monkeypatch.setattr(socket, 'create_connection', no_network)
    monkeypatch.setattr(socket.socket, 'connect', no_network)
    spec = get_backbone('efficientnet_lite0')
    assert weights_status(spec) == (True, 'bundled')
    model = create_backbone('efficientnet_lite0', pretrained=True)
    # the mapped BatchNorm statistics are real ones, not the defaults (0 mean, 1 var)
    bn = model.stages['stem'][1]
    assert not torch.allclose(bn.running_var, torch.ones_like(bn.running_var))
    pre = Preprocess.for_backbone(spec)
    img = Image.new('RGB', (64, 48))
    px = img.load()
    for x in range(64):
        for y in range(48):
            px[x, y] = (4 * x, 5 * y, 128 if (x // 8 + y // 8) % 2 else 30)
    x = pre(img)[None]
    assert x.shape == (1, 3, 224, 224)
    with torch.no_grad():
        feats = model(x)
        probs = model.imagenet_head(feats).softmax(1)
    assert feats.shape == (1, model.num_features) and torch.isfinite(feats).all()
    assert probs.shape == (1, 1000)
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-4)
    assert float(probs.min()) >= 0
    # trained weights are confident about something, unlike a uniform guess
    assert float(probs.max()) > 5 / 1000
    from petcognizer.core.backbones import hub_checkpoint_dir

    assert not hub_checkpoint_dir().exists() or not any(hub_checkpoint_dir().iterdir())  # no download
