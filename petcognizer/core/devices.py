"""Choosing where tensors live: CUDA, else Apple MPS, else CPU."""

from __future__ import annotations

import os

__all__ = ['resolve_device', 'device_description']


def resolve_device(name: str = 'auto'):
    """Return a ``torch.device`` for 'auto' | 'cpu' | 'cuda' | 'mps'.

    ``PETCOGNIZER_DEVICE`` overrides 'auto' (tests pin the CPU with it, as timm's
    tests do with ``TORCH_DEVICE``).
    """
    import torch

    if name == 'auto':
        name = os.environ.get('PETCOGNIZER_DEVICE', 'auto')
    if name == 'auto':
        if torch.cuda.is_available():
            return torch.device('cuda')
        mps = getattr(torch.backends, 'mps', None)
        if mps is not None and mps.is_available():
            return torch.device('mps')
        return torch.device('cpu')
    if name == 'cuda' and not torch.cuda.is_available():
        raise ValueError('device "cuda" was asked for, but no CUDA GPU is available; use --device auto')
    if name == 'mps':
        mps = getattr(torch.backends, 'mps', None)
        if mps is None or not mps.is_available():
            raise ValueError('device "mps" was asked for, but Apple MPS is not available; use --device auto')
    return torch.device(name)


def device_description(device) -> str:
    """Human text for the UI: 'CPU (2 threads)', 'CUDA: NVIDIA ...', 'Apple GPU (MPS)'."""
    import torch

    if device.type == 'cuda':
        return f'CUDA GPU: {torch.cuda.get_device_name(device)}'
    if device.type == 'mps':
        return 'Apple GPU (MPS)'
    return f'CPU ({torch.get_num_threads()} threads)'
