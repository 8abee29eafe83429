#!/usr/bin/env bash
# The GPU path, run (issue 14). One short script (under 5 minutes on one GPU) that installs
# nothing: it uses the Python of .venv (or $PYTHON) with petcognizer as checked out here.
#
#   bench/gpu_check.sh            # JSON to bench/results/gpu_check-<time>.json (and $OUT if set)
#
# What it does, on synthetic photos (made here with PIL; nothing is downloaded):
#   1. trains the bundled EfficientNet-Lite0 with freeze depth 0, 2 and all on the GPU, where
#      the trainer turns on AMP (float16 autocast) and channels_last; forward hooks record the
#      dtype and memory format the stages really saw; images/s of feature extraction and of
#      the epochs;
#   2. forces the out-of-memory back-off of feature extraction: a batch of 1024 photos at 224 px
#      with the process limited to a small share of GPU memory; checks the run finishes with
#      every photo and says it halved the batch;
#   3. runs `torchrun --standalone --nproc-per-node 2 -m petcognizer train ... --device cuda`
#      (two processes on one GPU: gloo, since NCCL refuses two processes on one device) and
#      checks its --json (world_size 2).
# Without CUDA it prints a message and exits 0 with {"ran": false, ...}.
# GPU_CHECK_SMOKE=1 runs the same steps on the CPU with 16 photos a class and one epoch (a check
# of this script itself, not of the GPU path; the memory back-off step is skipped there).
set -u
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULT="bench/results/gpu_check-$STAMP.json"
WORK=$(mktemp -d /tmp/petcognizer-gpu-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p bench/results
export PETCOGNIZER_CACHE="$WORK/cache" PETCOGNIZER_CONFIG="$WORK/settings.json"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if [ "${GPU_CHECK_SMOKE:-}" != 1 ] && \
   ! "$PY" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "gpu_check: no CUDA GPU here (torch.cuda.is_available() is False); nothing to check." >&2
    printf '{"ran": false, "reason": "no CUDA GPU (torch.cuda.is_available() is False)", "time": "%s"}\n' \
        "$STAMP" | tee "$RESULT"
    exit 0
fi

timeout "${GPU_CHECK_TIMEOUT:-280}" "$PY" - "$WORK" "$RESULT" <<'EOF'
import json, os, subprocess, sys, time, traceback
from pathlib import Path

import torch
from PIL import Image

work, result_path = Path(sys.argv[1]), Path(sys.argv[2])
SMOKE = os.environ.get('GPU_CHECK_SMOKE') == '1'
DEV = 'cpu' if SMOKE else 'cuda'
PER_CLASS, EPOCHS = (16, 1) if SMOKE else (128, 3)
if SMOKE:
    result_path = result_path.with_name(result_path.stem + '-smoke-cpu.json')
out = {'ran': True, 'smoke_on_cpu': SMOKE,
       'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
       'torch': torch.__version__, 'cuda': torch.version.cuda,
       'gpu': None if SMOKE else torch.cuda.get_device_name(0),
       'gpus': torch.cuda.device_count(),
       'load_start': open('/proc/loadavg').read().split()[:3], 'checks': {}}
t_all = time.perf_counter()


def save():
    out['seconds'] = round(time.perf_counter() - t_all, 1)
    result_path.write_text(json.dumps(out, indent=1))
    if os.environ.get('OUT'):
        Path(os.environ['OUT'], result_path.name).write_text(json.dumps(out, indent=1))


# synthetic photos: 4 classes of coloured shapes on noise, 160 px, 128 a class
data = work / 'photos'
import random
rnd = random.Random(0)
for c in range(4):
    (data / f'class{c}').mkdir(parents=True, exist_ok=True)
    for i in range(PER_CLASS):
        img = Image.effect_noise((160, 160), 30).convert('RGB')
        px = img.load()
        col = ((200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40))[c]
        x0, y0 = rnd.randrange(100), rnd.randrange(100)
        for x in range(x0, x0 + 50):
            for y in range(y0, y0 + 50):
                px[x, y] = col
        img.save(data / f'class{c}' / f'{i}.jpg', quality=85)

from petcognizer.core import training as training_mod
from petcognizer.core.config import TrainConfig, parse_freeze_depth
from petcognizer.core.data import folder_samples
from petcognizer.core.events import Message

paths, labels, classes = folder_samples(data)
seen = {}
real_create = training_mod.create_backbone


def _autocast_on():
    try:
        return torch.is_autocast_enabled(DEV)  # torch >= 2.4
    except TypeError:
        return torch.is_autocast_enabled()


def create_watched(*a, **k):
    """The trainer's backbone, with hooks recording what its stages saw on the GPU."""
    bb = real_create(*a, **k)
    for name, stage in bb.stages.items():
        def hook(mod, inp, outp, name=name):
            x = inp[0]
            if x.is_cuda or SMOKE:  # extraction runs in inference mode, training with grads
                phase = 'train' if torch.is_grad_enabled() else 'extract'
                seen.setdefault(f'{phase}:{name}', {'dtype_out': str(outp.dtype),
                                       'channels_last_in': bool(x.ndim == 4 and x.is_contiguous(
                                           memory_format=torch.channels_last)),
                                       'autocast': _autocast_on()})
        stage.register_forward_hook(hook)
    return bb


training_mod.create_backbone = create_watched
for depth in ('0', '2', 'all'):
    seen.clear()
    name = f'lite0_freeze_{depth}'
    try:
        cfg = TrainConfig(backbone='efficientnet_lite0', epochs=EPOCHS, device=DEV, batch_size=64,
                          val_fraction=0.2, use_prior=False,
                          freeze_depth=parse_freeze_depth(depth, 'efficientnet_lite0'))
        if not SMOKE:
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        res = training_mod.fit(paths, labels, classes, cfg, cache_root=work / f'cache-{depth}')
        wall = time.perf_counter() - t0
        tm = res.timings
        epochs = sum(tm.get('epochs_s', [])) or None
        out['checks'][name] = {
            'ok': res.model is not None, 'seconds': round(wall, 2), 'device': res.device,
            'best_val_acc': res.best_val_acc, 'n_train': res.n_train,
            'features_images_per_s': round(len(paths) / tm['features_s'], 1)
            if tm.get('features_s') else None,
            'train_images_per_s': round(res.n_train * len(tm.get('epochs_s', [])) / epochs, 1)
            if epochs else None,
            'peak_gpu_mb': None if SMOKE else round(torch.cuda.max_memory_allocated() / 2**20),
            # AMP: float16 outputs under autocast; channels_last: the stages' inputs
            'amp_seen': bool(seen) and all(v['dtype_out'] == 'torch.float16' and v['autocast']
                                           for v in seen.values()),
            'channels_last_seen': bool(seen) and all(v['channels_last_in'] for v in seen.values()),
            'stages_seen': dict(seen)}
    except Exception as exc:
        out['checks'][name] = {'ok': False, 'error': repr(exc), 'trace': traceback.format_exc()[-2000:]}
    save()
training_mod.create_backbone = real_create

# 2. out-of-memory back-off of feature extraction
try:
    if SMOKE:
        raise NotImplementedError('skipped on the CPU (smoke run)')  # reported as skipped
    from petcognizer.core.backbones import create_backbone, get_backbone
    from petcognizer.core.data import Preprocess
    from petcognizer.core.features import extract

    many = [paths[i % len(paths)] for i in range(1024)]
    spec = get_backbone('efficientnet_lite0')
    bb = create_backbone('efficientnet_lite0', pretrained=True)
    total = torch.cuda.get_device_properties(0).total_memory
    torch.cuda.empty_cache()
    frac = min(0.9, (1.5 * 2**30) / total)  # about 1.5 GB for this process
    torch.cuda.set_per_process_memory_fraction(frac, 0)
    msgs = []
    t0 = time.perf_counter()
    r = extract(bb, 2, many, Preprocess.for_backbone(spec), device=torch.device('cuda'),
                batch_size=1024, half=True,
                callback=lambda ev: msgs.append(ev.text) if isinstance(ev, Message) else None)
    out['checks']['oom_backoff'] = {
        'ok': len(r.ok) == len(many) and any('out of memory' in m for m in msgs),
        'photos': len(many), 'rows': len(r.ok), 'messages': msgs[:6],
        'memory_fraction': round(frac, 4), 'seconds': round(time.perf_counter() - t0, 2),
        'images_per_s': round(len(many) / (time.perf_counter() - t0), 1)}
except NotImplementedError as exc:
    out['checks']['oom_backoff'] = {'ok': None, 'skipped': str(exc)}
except Exception as exc:
    out['checks']['oom_backoff'] = {'ok': False, 'error': repr(exc),
                                    'trace': traceback.format_exc()[-2000:]}
finally:
    if not SMOKE:
        torch.cuda.set_per_process_memory_fraction(1.0, 0)
save()

# 3. torchrun: 2 processes on this one GPU
cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc-per-node', '2',
       '-m', 'petcognizer', 'train', str(data), '--out', str(work / 'ddp.safetensors'),
       '--backbone', 'efficientnet_lite0', '--device', DEV, '--epochs', str(EPOCHS + 2), '--json',
       '-q']
t0 = time.perf_counter()
try:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=150, check=False,
                       env=dict(os.environ, PETCOGNIZER_DIST_TIMEOUT='60'))
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        summary = {}
    out['checks']['torchrun_2_on_1_gpu'] = {
        'ok': p.returncode == 0 and summary.get('world_size') == 2, 'rc': p.returncode,
        'seconds': round(time.perf_counter() - t0, 2), 'world_size': summary.get('world_size'),
        'backend': summary.get('backend'), 'best_val_acc': summary.get('best_val_acc'),
        'model_written': (work / 'ddp.safetensors').is_file(), 'stderr_tail': p.stderr[-1500:]}
except subprocess.TimeoutExpired:
    out['checks']['torchrun_2_on_1_gpu'] = {'ok': False, 'error': 'timed out after 150 s'}
out['all_ok'] = all(c.get('ok') is not False for c in out['checks'].values())
out['load_end'] = open('/proc/loadavg').read().split()[:3]
save()
print(json.dumps({k: (v.get('ok'), v.get('seconds')) for k, v in out['checks'].items()}))
EOF
rc=$?
echo "gpu_check: exit $rc; full results in $RESULT" >&2
exit $rc
