"""The engine's 'recommend' job: the window's look at the photos (near ImageNet or far)."""
import json

from petcognizer.core.config import TrainConfig
from petcognizer.core.domain import MIN_PER_CLASS_TO_FINE_TUNE
from petcognizer.core.runs import TrainingSnapshot
from petcognizer.engine.jobs import job_names, run_inline
from tests.photos import COLOURS, make_photo


def test_recommend_job_returns_plain_settings_the_window_can_train_with(tmp_path):
    paths, labels = [], []
    colours = sorted(COLOURS.values())
    for k, name in enumerate(['thing one', 'thing two']):
        for i in range(MIN_PER_CLASS_TO_FINE_TUNE):
            paths.append(str(make_photo(tmp_path / name / f'{i}.png', colours[i % len(colours)],
                                        noise_seed=i + 50 * k)))
            labels.append(k)
    snap = TrainingSnapshot(root=str(tmp_path), paths=tuple(paths), labels=tuple(labels),
                            classes=('thing one', 'thing two'))
    assert 'recommend' in job_names()
    out = run_inline('recommend', {'snapshot': snap.to_dict(), 'cache_root': str(tmp_path / 'cache'),
                                   'backbone': 'tiny_test'})
    json.dumps(out)  # plain data: it crosses the engine's pipe
    cfg = TrainConfig.from_dict(out['config'])
    cfg.validate()
    # the random tiny network recognises nothing: far, so the network itself trains
    assert cfg.freeze_depth > 0 and cfg.augment
    cheaper = TrainConfig.from_dict(out['cheaper_config'])
    assert cheaper.freeze_depth == 0
    assert out['seconds'] > out['cheaper_seconds'] > 0
    assert out['assessment']['far'] and out['sentence']
    # the frozen features were cached for the run that follows
    assert any((tmp_path / 'cache').rglob('*'))
