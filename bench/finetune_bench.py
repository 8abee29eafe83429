"""Issue 13: one training recipe on one stratified 80/20 split of a benchmark set.

Run by hand (reads ../shared/datasets; never part of the test suite):

    .venv/bin/python bench/finetune_bench.py DATASET SPLIT_SEED VARIANT

VARIANT is ``base`` (the recommended settings, Lite0 alone) or comma-separated TrainConfig
fields applied on top, e.g. ``freeze_depth=9,augment=1,val_fraction=0.2,patience=6,epochs=30``
(9 = every stage of Lite0). Trains with core.training.fit on the 80% (then, with ``refit_all``,
again on all of it for the chosen epochs, as the run service does) and prints one JSON line:
test accuracy on the other 20%, wall and CPU seconds, the best epoch, the load average.
With ``PETCOGNIZER_BENCH_PROBS=FILE.npy`` the test photos' probabilities are saved too (to
average runs afterwards). ``PETCOGNIZER_BENCH_SCALE=0.7`` sets the random crops' smallest area
(``Augment.scale``, 0.35 by default), and ``accuracy_zoom`` also scores the trained model on the
centre 0.875 of each test photo's input upsampled back to its size (the train-test object-size
gap: random crops show objects larger than the whole short side does).
``PETCOGNIZER_BENCH_INPUT_SCALE=1.3`` trains and tests at 1.3 times the backbone's input size
(the whole short side at, say, 291 px for Lite0 instead of 224).
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from petcognizer.core import service  # noqa: E402
from petcognizer.core.config import recommend_config  # noqa: E402
from petcognizer.core.data import folder_samples, stratified_split  # noqa: E402
from petcognizer.core.events import null_callback  # noqa: E402
from petcognizer.core.predict import Predictor  # noqa: E402
from petcognizer.core.training import fit  # noqa: E402

DATA = Path(os.environ.get('PETCOGNIZER_DATASETS', ROOT.parent / 'shared' / 'datasets'))


def zoomed_probabilities(model, paths, zoom: float = 0.875):
    """Probabilities on the centre ``zoom`` of each photo's input, upsampled to the input size."""
    import torch

    from petcognizer.core.data import decode_batches

    pre = model.preprocess
    out = np.zeros((len(paths), len(model.classes)), dtype=np.float32)
    side = pre.input_size
    c = int(round(side * (1 - zoom) / 2))
    model.eval()
    with torch.inference_mode():
        for b in decode_batches(paths, pre, 32):
            x = torch.nn.functional.interpolate(b.tensor[:, :, c:side - c, c:side - c], size=(side, side),
                                                mode='bilinear', align_corners=False, antialias=False)
            out[b.indices] = model(x.contiguous(memory_format=torch.channels_last)).softmax(1).numpy()
    return out


def main(argv) -> int:
    ds, split_seed, variant = argv[0], int(argv[1]), argv[2]
    paths, labels, classes = folder_samples(DATA / ds)
    tr, te = stratified_split(labels, 0.2, split_seed)
    cfg = recommend_config(len(tr), len(classes))
    cfg.ensemble = False
    for kv in variant.split(','):
        if kv and kv != 'base':
            k, v = kv.split('=')
            cur = getattr(cfg, k)
            setattr(cfg, k, (v == '1') if isinstance(cur, bool) else type(cur)(v))
    if os.environ.get('PETCOGNIZER_BENCH_SCALE'):
        import functools

        from petcognizer.core import data, training
        lo = float(os.environ['PETCOGNIZER_BENCH_SCALE'])
        training.Augment = functools.partial(data.Augment, scale=(lo, 1.0))
        service.Augment = functools.partial(data.Augment, scale=(lo, 1.0))
    cache = os.environ.get('PETCOGNIZER_BENCH_CACHE', '/tmp/petcognizer_ft_cache')
    pre = None
    if os.environ.get('PETCOGNIZER_BENCH_INPUT_SCALE'):
        from dataclasses import replace

        from petcognizer.core.backbones import get_backbone
        from petcognizer.core.data import Preprocess
        k = float(os.environ['PETCOGNIZER_BENCH_INPUT_SCALE'])
        pre = Preprocess.for_backbone(get_backbone(cfg.backbone))
        pre = replace(pre, input_size=round(pre.input_size * k), resize=round(pre.resize * k))
    t0, c0 = time.time(), time.process_time()
    res = fit([paths[i] for i in tr], [labels[i] for i in tr], classes, cfg,
              cache_root=cache, preprocess=pre)
    if service._refits(cfg, res):  # what the run service does next (``refit_all``)
        res, _ = service._refit_on_every_photo(
            res, [paths[i] for i in tr], [labels[i] for i in tr], classes, cfg, cache_root=cache,
            class_matches=None, callback=null_callback, cancel=None, digests=None)
    secs = time.time() - t0
    probs, ok, _ = Predictor(res.model).probabilities([paths[i] for i in te])
    acc = float((probs.argmax(1).numpy() == np.array([labels[te[j]] for j in ok])).mean())
    zprobs = zoomed_probabilities(res.model, [paths[i] for i in te])
    acc_zoom = float((zprobs.argmax(1) == np.array([labels[i] for i in te])).mean())
    if os.environ.get('PETCOGNIZER_BENCH_PROBS'):  # keep the test photos' probabilities
        np.save(os.environ['PETCOGNIZER_BENCH_PROBS'], probs.numpy())
        np.save(os.environ['PETCOGNIZER_BENCH_PROBS'].replace('.npy', '-zoom.npy'), zprobs)
    print(json.dumps({'dataset': ds, 'split': split_seed, 'variant': variant, 'test_photos': len(ok),
                      'accuracy': round(acc, 4), 'accuracy_zoom': round(acc_zoom, 4), 'seconds': round(secs, 1),
                      'cpu_seconds': round(time.process_time() - c0, 1), 'best_epoch': res.best_epoch,
                      'epochs_run': len(res.history), 'best_val_acc': res.best_val_acc,
                      'n_train': res.n_train, 'load': os.getloadavg()}), flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
