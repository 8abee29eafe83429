"""The Qt-free engine: projects, backbones, training, prediction, export, search.

Nothing under ``petcognizer.core`` may import Qt (``tests/test_architecture.py``
checks it).
"""
