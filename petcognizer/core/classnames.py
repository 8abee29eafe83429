"""Class names to ImageNet concepts: WordNet matching, torch-free.

Each project class name is matched to a WordNet synset whose subtree holds
ImageNet-1k outputs; :mod:`petcognizer.core.prior` turns the matches into a
prior over the classes. The window uses this module to show and edit matches
without loading torch.

Matching rules (:func:`match_class_name`), in order:

1. The name is normalised: accents stripped, lower case, apostrophes dropped,
   ``_ - . /`` and runs of spaces become one space, and a leading ordering
   number (``"0_cat"``, ``"01 - dogs"``) is dropped.
2. A short table of everyday words WordNet files elsewhere (``_ALIASES``):
   "cat", "kitten", "kitty", "pussycat" mean the domestic cat n02121808 (not
   the "true cat" family, which adds lynx and cougar, nor "big cat"; a user's
   "cat" folder holds pets); "puppy", "pup", "doggo", "pooch" mean dog
   n02084071 (WordNet puts "puppy" under "young mammal", which has no ImageNet
   output); "bunny" means rabbit.
3. Any lemma of a synset that is an ImageNet-1k class or an ancestor of one
   (words.txt, e.g. "golden retriever", "Shih-Tzu", "automobile", "house cat").
   Synsets with no ImageNet output below them are never matches: they would give
   no prior.
4. If nothing matched, the last word is singularised ("cats", "puppies",
   "daisies", "boxes", "wolves", "mice", "golden retrievers") and 2-3 retried;
   then the same with all spaces removed on both sides ("pussy cat",
   "hot dog" vs "hotdog"). A few words never match (``_NEVER``: given names
   and clipped forms such as "bob" → bobsled, "good" → commodity).
5. Several senses: a synset whose *first* lemma is the name beats one where it is
   a later lemma ("tiger" is the tiger, not "tiger cat"); then the sense with more
   ImageNet outputs ("car" is the automobile with 10 outputs, not the railway car
   with 2); then the lower wnid (so "crane" is the bird n02012849, not the machine
   n03126707: both are single ImageNet classes; the user can change it).

No partial-word or substring matching: "my sofa", "no_tumor", "alice" have no
prior, which is always safe (the plain head decides).

The data file ``petcognizer/resources/imagenet_hierarchy.json.gz`` is derived
from WordNet 3.0 (Copyright 2006 by Princeton University; see
``resources/LICENSES/WordNet.txt``) by ``resources/make_imagenet_hierarchy.py``.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = [
    'ClassMatch',
    'match_class_name',
    'normalise_name',
    'search_synsets',
    'synset',
]

DOG = 'n02084071'
DOMESTIC_CAT = 'n02121808'
RABBIT = 'n02324045'
CAR = 'n02958343'

# Everyday words whose WordNet synset sits outside the ImageNet classes' ancestry
# (puppy and kitten are "young mammal"; kitty is a leaf under domestic cat) or
# whose first sense is not the one a photo folder means ("cat" → true cat).
_ALIASES = {
    'cat': DOMESTIC_CAT,
    'kitten': DOMESTIC_CAT,
    'kitty': DOMESTIC_CAT,
    'kitty cat': DOMESTIC_CAT,
    'pussycat': DOMESTIC_CAT,
    'pussy cat': DOMESTIC_CAT,
    'puss': DOMESTIC_CAT,
    'moggy': DOMESTIC_CAT,
    'moggie': DOMESTIC_CAT,
    'housecat': DOMESTIC_CAT,
    'pet cat': DOMESTIC_CAT,
    'puppy': DOG,
    'pup': DOG,
    'pupper': DOG,
    'doggy': DOG,
    'doggie': DOG,
    'doggo': DOG,
    'pooch': DOG,
    'pet dog': DOG,
    'bunny': RABBIT,
    'bunny rabbit': RABBIT,
    'car': CAR,
}

# Words WordNet does list as a lemma of some ImageNet ancestor, but where a
# folder name almost surely means something else: given names ("bob" is a
# bobsled, "jack" a jackfruit), grading words ("good" is "commodity, trade
# good", 63 outputs) and clipped forms ("ai" is a sloth, "arm" a weapon).
_NEVER = frozenset(
    {'ai', 'arm', 'bob', 'cro', 'good', 'goods', 'jack', 'jak', 'lid', 'mag', 'orb', 'tup'}
)

_IRREGULAR = {
    'mice': 'mouse',
    'geese': 'goose',
    'teeth': 'tooth',
    'feet': 'foot',
    'children': 'child',
    'people': 'person',
    'men': 'man',
    'women': 'woman',
    'oxen': 'ox',
    'lice': 'louse',
    'dice': 'die',
    'cacti': 'cactus',
    'fungi': 'fungus',
    'leaves': 'leaf',
    'wolves': 'wolf',
    'knives': 'knife',
    'loaves': 'loaf',
    'calves': 'calf',
    'halves': 'half',
    'shelves': 'shelf',
}


@dataclass(frozen=True)
class ClassMatch:
    """A class name's meaning in ImageNet terms.

    Attributes:
        wnid: WordNet id ("n02121808"); several ids joined by ``+`` for a user
            override that lists more than one synset.
        name: human label, the synset's first lemma ("domestic cat").
        outputs: ImageNet-1k output indices that are this synset or below it.
    """

    wnid: str
    name: str
    outputs: tuple[int, ...]

    @property
    def wnids(self) -> list[str]:
        return self.wnid.split('+')

    def to_dict(self) -> dict:
        return {'wnid': self.wnid, 'name': self.name, 'outputs': list(self.outputs)}

    @classmethod
    def from_dict(cls, d: dict) -> ClassMatch:
        return cls(str(d['wnid']), str(d['name']), tuple(int(i) for i in d['outputs']))


# ------------------------------------------------------------------ the hierarchy


class _Hierarchy:
    """WordNet restricted to ImageNet-1k classes and their ancestors."""

    def __init__(self, data: dict):
        self.imagenet: list[str] = data['imagenet']
        self.names: dict[str, str] = data['names']
        index = {w: i for i, w in enumerate(self.imagenet)}
        children: dict[str, list[str]] = {}
        for child, parents in data['parents'].items():
            for p in parents:
                children.setdefault(p, []).append(child)
        self.outputs: dict[str, tuple[int, ...]] = {}
        for w in self.names:
            seen, stack, out = set(), [w], set()
            while stack:
                x = stack.pop()
                if x in seen:
                    continue
                seen.add(x)
                if x in index:
                    out.add(index[x])
                stack.extend(children.get(x, ()))
            self.outputs[w] = tuple(sorted(out))
        # normalised lemma -> [(wnid, lemma position)]
        self.lemmas: dict[str, list[tuple[str, int]]] = {}
        self.squashed: dict[str, list[tuple[str, int]]] = {}
        for w, text in self.names.items():
            if not self.outputs[w]:
                continue
            for pos, lemma in enumerate(text.split(',')):
                key = normalise_name(lemma, strip_number=False)
                if key:
                    self.lemmas.setdefault(key, []).append((w, pos))
                    self.squashed.setdefault(key.replace(' ', ''), []).append((w, pos))

    def label(self, wnid: str) -> str:
        return self.names[wnid].split(',')[0].strip()

    def match(self, wnid: str) -> ClassMatch:
        return ClassMatch(wnid, self.label(wnid), self.outputs[wnid])

    def best(self, hits: list[tuple[str, int]]) -> str | None:
        if not hits:
            return None
        return min(hits, key=lambda h: (h[1] > 0, -len(self.outputs[h[0]]), h[0]))[0]


@functools.lru_cache(maxsize=1)
def _hierarchy() -> _Hierarchy:
    blob = resources.files('petcognizer.resources').joinpath('imagenet_hierarchy.json.gz')
    return _Hierarchy(json.loads(gzip.decompress(blob.read_bytes()).decode('utf-8')))


# ------------------------------------------------------------------ name matching


def normalise_name(text: str, *, strip_number: bool = True) -> str:
    """Lower case, no accents or apostrophes, words separated by single spaces."""
    text = unicodedata.normalize('NFKD', str(text))
    text = ''.join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['\u2019`]", '', text)
    text = re.sub(r'[^0-9a-z]+', ' ', text).strip()
    if strip_number:
        # Folder names like "0_cat" or "01 - dogs" carry an ordering number.
        stripped = re.sub(r'^\d+ ', '', text)
        text = stripped or text
    return text


def _singulars(word: str) -> list[str]:
    """Candidate singular forms of an English noun (tried in order)."""
    if word in _IRREGULAR:
        return [_IRREGULAR[word]]
    out = []
    if len(word) > 3 and word.endswith('ies'):
        out.append(word[:-3] + 'y')  # puppies, daisies
    if len(word) > 3 and word.endswith('ves'):
        out += [word[:-3] + 'f', word[:-3] + 'fe']  # wolves, knives
    if len(word) > 3 and word.endswith('es'):
        out.append(word[:-2])  # boxes, dishes, tomatoes
    if len(word) > 2 and word.endswith('s') and not word.endswith('ss'):
        out.append(word[:-1])  # cats, roses
    return out


def _candidates(key: str) -> list[str]:
    words = key.split(' ')
    forms = [key]
    for s in _singulars(words[-1]):
        forms.append(' '.join(words[:-1] + [s]))
    return forms


def match_class_name(name: str) -> ClassMatch | None:
    """The ImageNet meaning of a class name, or None when it has none.

    See the module docstring for the rules. Examples: "cats" → domestic cat
    (5 outputs), "Golden_Retriever" → golden retriever (1 output), "automobile" →
    car (10 outputs), "tumor" → None.
    """
    h = _hierarchy()
    key = normalise_name(name)
    if not key:
        return None
    forms = _candidates(key)
    forms = [f for f in forms if f not in _NEVER]
    for form in forms:
        if form in _ALIASES:
            return h.match(_ALIASES[form])
        wnid = h.best(h.lemmas.get(form, []))
        if wnid:
            return h.match(wnid)
    for form in forms:
        squashed = form.replace(' ', '')
        if squashed in _ALIASES:
            return h.match(_ALIASES[squashed])
        wnid = h.best(h.squashed.get(squashed, []))
        if wnid:
            return h.match(wnid)
    return None


def synset(wnid: str) -> ClassMatch:
    """The match for a WordNet id (for user overrides).

    Raises:
        ValueError: the id is neither an ImageNet-1k class nor an ancestor of one.
    """
    h = _hierarchy()
    wnid = str(wnid).strip()
    if wnid not in h.names:
        raise ValueError(
            f'{wnid!r} is not an ImageNet class or a broader WordNet concept above one; '
            'search for a name instead'
        )
    return h.match(wnid)


def search_synsets(text: str, limit: int = 20) -> list[ClassMatch]:
    """Synsets whose names contain ``text``, best first (for a GUI picker).

    Ranking: a lemma equal to the text, then one starting with it, then one with a
    word starting with it, then any substring; within each, first lemmas before
    later ones, then broader synsets (more outputs), then by name. A wnid
    ("n02121808") returns that synset.
    """
    h = _hierarchy()
    raw = str(text).strip()
    if re.fullmatch(r'n\d{8}', raw):
        return [h.match(raw)] if raw in h.names and h.outputs[raw] else []
    key = normalise_name(raw, strip_number=False)
    if not key:
        return []
    if key in _ALIASES:
        pinned = [_ALIASES[key]]
    else:
        m = match_class_name(raw)
        pinned = [m.wnid] if m else []
    scored = []
    for w, names in h.names.items():
        if not h.outputs[w]:
            continue
        best = None
        for pos, lemma in enumerate(names.split(',')):
            lem = normalise_name(lemma, strip_number=False)
            if lem == key:
                rank = 0
            elif lem.startswith(key):
                rank = 1
            elif f' {key}' in f' {lem}':
                rank = 2
            elif key in lem:
                rank = 3
            else:
                continue
            cand = (rank, pos > 0, -len(h.outputs[w]), h.label(w).lower())
            best = cand if best is None or cand < best else best
        if best is not None:
            scored.append((best, w))
    scored.sort()
    order = pinned + [w for _, w in scored if w not in pinned]
    return [h.match(w) for w in order[:limit]]
