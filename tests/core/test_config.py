"""What the window reads without torch: the training config and a model file's metadata."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from petcognizer.core.config import (ENSEMBLE_BACKBONES, HEADS, SCHEDULES, TrainConfig,
                                     recommend_config)
from petcognizer.core.modelfile import ModelFileError, read_header, read_metadata


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_importing_the_config_leaves_torch_out():
    code = ('import sys; import petcognizer.core.config as c; '
            'cfg = c.recommend_config(12, 2); cfg.validate(); '
            'c.parse_freeze_depth("all", "efficientnet_lite0"); '
            'print(sorted(m for m in ("torch", "torchvision", "timm") if m in sys.modules))')
    assert _run(code) == '[]'


@pytest.mark.parametrize('module', ['config', 'modelfile', 'classnames', 'prior', 'backbones', 'data'])
def test_modules_the_window_imports_leave_torch_out(module):
    code = (f'import sys; import petcognizer.core.{module}; '
            'print(sorted(m for m in ("torch", "torchvision", "timm") if m in sys.modules))')
    assert _run(code) == '[]'


def test_reading_a_model_files_metadata_leaves_torch_out(tiny_model):
    code = ('import json, sys; from petcognizer.core.modelfile import read_metadata; '
            f'meta = read_metadata({str(tiny_model.path)!r}); '
            'print(json.dumps([meta["classes"], meta["backbone"], "torch" in sys.modules]))')
    assert json.loads(_run(code)) == [['blue', 'green', 'red'], 'tiny_test', False]


def test_metadata_matches_what_safetensors_reads(tiny_model):
    from safetensors import safe_open

    with safe_open(str(tiny_model.path), framework='pt') as f:
        assert read_header(tiny_model.path) == f.metadata()
    from petcognizer.core.data import Preprocess

    meta = read_metadata(tiny_model.path)
    assert Preprocess.from_dict(meta['preprocess']) == tiny_model.model.preprocess


@pytest.mark.parametrize('content', [b'', b'short', (10**12).to_bytes(8, 'little') + b'{}',
                                     (4).to_bytes(8, 'little') + b'nope', b'\x02' + b'\x00' * 7 + b'[]'])
def test_files_that_are_not_safetensors_are_refused(tmp_path, content):
    path = tmp_path / 'x.safetensors'
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match='not a petcognizer model file'):
        read_metadata(path)


def test_a_missing_model_file_is_named(tmp_path):
    with pytest.raises(ModelFileError, match='no such model file'):
        read_metadata(tmp_path / 'gone.safetensors')


def test_a_newer_format_is_refused(tmp_path):
    meta = json.dumps({'format': 'petcognizer-model', 'format_version': 99,
                       'petcognizer_version': '9.0'})
    blob = json.dumps({'__metadata__': {'petcognizer': meta}}).encode()
    path = tmp_path / 'new.safetensors'
    path.write_bytes(len(blob).to_bytes(8, 'little') + blob)
    with pytest.raises(ModelFileError, match='newer petcognizer'):
        read_metadata(path)


def test_config_constants():
    assert 'linear' in HEADS and 'prototype' in HEADS
    assert SCHEDULES == ('single', 'unfreeze')
    assert all(b.startswith('efficientnet_lite') for b in ENSEMBLE_BACKBONES)
    assert TrainConfig.from_dict(TrainConfig().to_dict()) == TrainConfig()


def test_the_blended_frozen_heads_run_keeps_the_fine_tunings_seed_prior_and_weighting():
    from petcognizer.core.config import blended_frozen_config
    from petcognizer.core.recommend import fine_tune_config

    tuned = fine_tune_config(recommend_config(200, 2), 9)
    tuned.seed, tuned.use_prior, tuned.balance_classes, tuned.head_l2 = 7, False, True, 5.0
    frozen = blended_frozen_config(tuned, 200, 2)
    assert frozen.ensemble and frozen.freeze_depth == 0 and frozen.val_fraction == 0.0
    assert not frozen.refit_all and frozen.members == 1
    assert (frozen.seed, frozen.use_prior, frozen.balance_classes) == (7, False, True)
    # the heads train (and are refitted out of fold) with the few-photo run's own penalty
    assert frozen.head_l2 == recommend_config(200, 2).head_l2 != tuned.head_l2
    frozen.validate()
