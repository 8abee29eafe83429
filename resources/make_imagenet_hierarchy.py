"""Build resources/imagenet_hierarchy.json.gz from WordNet and timm's ImageNet-1k class list.

Run by hand when the source data changes (it is not needed at runtime)::

    .venv/bin/python resources/make_imagenet_hierarchy.py [WORDNET_DIR]

``WORDNET_DIR`` (default ``../shared/imagenet-wordnet`` next to the repository)
holds ``wordnet.is_a.txt`` (``PARENT CHILD`` wnids) and ``words.txt``
(``wnid<TAB>names``), the ILSVRC metadata derived from WordNet 3.0. The
ImageNet-1k class order comes from timm (``timm/data/_info/imagenet_synsets.txt``),
the order every ImageNet-1k classifier's outputs use.

Only the synsets that are an ImageNet-1k class or an ancestor of one are kept:
any other synset has no ImageNet output below it and so can never give a class
a prior. The output is gzip'd JSON::

    {"version": 1,
     "source": "...",
     "imagenet": [1000 wnids in output order],
     "names": {wnid: "lemma, lemma, ..."},
     "parents": {wnid: [parent wnid, ...]}}

WordNet 3.0 is Copyright 2006 by Princeton University; its licence travels with
the data in resources/LICENSES/WordNet.txt.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import resources
from pathlib import Path

__all__ = ['build', 'main']

HERE = Path(__file__).resolve().parent
OUT = HERE / 'imagenet_hierarchy.json.gz'
DEFAULT_SRC = HERE.parent.parent / 'shared' / 'imagenet-wordnet'


def _timm_synsets() -> list[str]:
    text = resources.files('timm.data._info').joinpath('imagenet_synsets.txt').read_text()
    wnids = [w.strip() for w in text.split() if w.strip()]
    if len(wnids) != 1000:
        raise SystemExit(f'timm lists {len(wnids)} ImageNet-1k synsets, expected 1000')
    return wnids


def build(src: Path) -> dict:
    """The hierarchy restricted to ImageNet-1k classes and their ancestors."""
    imagenet = _timm_synsets()
    parents: dict[str, list[str]] = {}
    with open(src / 'wordnet.is_a.txt', encoding='utf-8') as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                parents.setdefault(parts[1], []).append(parts[0])
    names: dict[str, str] = {}
    with open(src / 'words.txt', encoding='utf-8') as f:
        for line in f:
            wnid, _, text = line.rstrip('\n').partition('\t')
            names[wnid] = text.strip()
    keep: set[str] = set()
    stack = list(imagenet)
    while stack:
        w = stack.pop()
        if w in keep:
            continue
        keep.add(w)
        stack.extend(parents.get(w, ()))
    missing = [w for w in imagenet if w not in names]
    if missing:
        raise SystemExit(f'{len(missing)} ImageNet classes have no name in words.txt: {missing[:5]}')
    return {
        'version': 1,
        'source': 'ILSVRC WordNet 3.0 is-a hierarchy and words.txt; ImageNet-1k order from timm. '
        'WordNet 3.0 Copyright 2006 by Princeton University (see LICENSES/WordNet.txt).',
        'imagenet': imagenet,
        'names': {w: names[w] for w in sorted(keep)},
        'parents': {w: sorted(p for p in parents.get(w, ()) if p in keep) for w in sorted(keep)
                    if parents.get(w)},
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    src = Path(argv[0]) if argv else DEFAULT_SRC
    data = build(src)
    raw = json.dumps(data, separators=(',', ':'), sort_keys=True).encode('utf-8')
    # mtime=0: the same input gives a byte-identical file, so git sees no change.
    with open(OUT, 'wb') as f, gzip.GzipFile(fileobj=f, mode='wb', compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    print(f'{OUT.name}: {len(data["names"])} synsets, {OUT.stat().st_size} bytes')
    return 0


if __name__ == '__main__':
    sys.exit(main())
