"""Where a command may write: checked before any work starts.

``--out`` (and ``eval --csv``) never replaces a file petcognizer did not make;
replacing one it made needs ``--force``. A folder, a missing parent folder, a
place that cannot be written, a named pipe or a device is refused at once, not
after a training run. Everything here is torch-free and reads at most a file's
header (or, for an ONNX export, scans it once).
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from petcognizer.cli.text import shown
from petcognizer.core.exportformats import EXPORT_FORMATS, sidecar_path
from petcognizer.core.modelfile import ModelFileError, read_metadata

__all__ = [
    'PlaceError',
    'check_export_sidecar',
    'check_new_file',
    'check_writable_folder',
    'export_destination',
    'is_metrics_csv',
    'is_model_file',
    'ours_for_export',
    'probe_writable',
]

#: Extensions of other model formats: an --out name ending in one of these is a mistake.
_MODEL_SUFFIXES = {'.safetensors', '.onnx', '.pt', '.pth', '.ts', '.json', '.bin', '.ckpt', '.pkl',
                   '.pb', '.tflite', '.h5', '.keras', '.mlmodel'}
_SIDECAR_KEYS = {'classes', 'preprocess', 'backbone'}
METRICS_HEADER = 'class,precision,recall,f1,support'


class PlaceError(ValueError):
    """A place a command must not or cannot write; the message names it and says what to do."""


# ---------------------------------------------------------------------- what made a file


def is_model_file(path: Path) -> bool:
    """True if ``path`` is a petcognizer model file (its header says so; weights not read)."""
    try:
        read_metadata(path)
    except ModelFileError:
        return False
    return True


def _is_onnx_export(path: Path) -> bool:
    """An ONNX file petcognizer exported (it carries ``petcognizer.classes`` metadata)."""
    try:
        with open(path, 'rb') as f:
            if os.fstat(f.fileno()).st_size == 0:
                return False
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                return m.find(b'petcognizer.classes') >= 0 and m.find(b'petcognizer.preprocess') >= 0
    except (OSError, ValueError):
        return False


def _is_torchscript_export(path: Path) -> bool:
    """A TorchScript file petcognizer exported (a zip holding ``extra/petcognizer.json``)."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.endswith('/extra/petcognizer.json') for n in z.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _is_sidecar(path: Path) -> bool:
    """The ``.onnx.json`` file petcognizer writes beside an ONNX export."""
    try:
        if path.stat().st_size > 16 * 1024 * 1024:
            return False
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and _SIDECAR_KEYS <= set(data)


def is_metrics_csv(path: Path) -> bool:
    """A per-class metrics CSV written by ``petcognizer eval --csv``."""
    try:
        with open(path, encoding='utf-8', newline='') as f:
            return f.readline().strip() == METRICS_HEADER
    except (OSError, ValueError):
        return False


def ours_for_export(fmt: str) -> Callable[[Path], bool]:
    """The test for "petcognizer made this file" for an export format."""
    return {'safetensors': is_model_file, 'onnx': _is_onnx_export,
            'torchscript': _is_torchscript_export}[fmt]


# ---------------------------------------------------------------------- writable places


def probe_writable(folder: Path) -> str | None:
    """None if a new file can be made in ``folder`` (tried for real, then removed), else why not."""
    try:
        fd, name = tempfile.mkstemp(prefix='.petcognizer-probe-', dir=folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _nearest_existing(path: Path) -> Path:
    path = Path(os.path.abspath(path))
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_writable_folder(folder: Path, what: str, todo: str) -> None:
    """Raise :class:`PlaceError` unless files can be made in ``folder`` (or where it would be made).

    Args:
        folder: the folder (it may not exist yet: its nearest existing parent is tried).
        what: what is written there, for the message ("the run's model").
        todo: what the user should do, for the message.
    """
    place = _nearest_existing(folder)
    reason = probe_writable(place) if place.is_dir() else 'not a folder'
    if reason is not None:
        raise PlaceError(f'{shown(place)}: cannot write {what} there ({reason}); {todo}')


def _kind(st: os.stat_result) -> str:
    mode = st.st_mode
    if stat.S_ISFIFO(mode):
        return 'a named pipe'
    if stat.S_ISSOCK(mode):
        return 'a socket'
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return 'a device'
    return 'not a regular file'


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, 'PC_NAME_MAX')
    except (OSError, ValueError, AttributeError):
        return 255


def check_new_file(path: os.PathLike | str, *, option: str, force: bool, ours: Callable[[Path], bool],
                   made: str = 'petcognizer model', example: str = 'model.safetensors') -> None:
    """Refuse, with one clear line, a place ``option`` must not write.

    Refused: a folder; a named pipe, device or socket; a link to nothing; an
    existing file ``ours`` does not recognise (petcognizer never overwrites
    other files); an existing file it does recognise, unless ``force``; a
    missing parent folder; a folder that cannot be written; a name too long.

    Raises:
        PlaceError: the message names the file and says what to do.
    """
    raw = os.fspath(path)
    path = Path(raw)
    name = shown(path)
    other = f'choose another name for {option}'
    if raw.endswith(('/', os.sep)) or path.name in ('', '.', '..'):
        raise PlaceError(f'{name}: {option} names a folder; give a file name in it, '
                         f'e.g. {shown(path / example)}')
    try:
        st = os.stat(path)  # follows links; never opens the file
    except FileNotFoundError:
        if os.path.islink(path):
            raise PlaceError(f'{name}: a link to a file that does not exist; '
                             f'petcognizer does not write through it: {other}') from None
        st = None
    except OSError as exc:
        raise PlaceError(f'{name}: cannot be checked ({exc.strerror or exc}); {other}') from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise PlaceError(f'{name}: {option} names a folder; give a file name in it, '
                             f'e.g. {shown(path / example)}')
        if not stat.S_ISREG(st.st_mode):
            raise PlaceError(f'{name}: {_kind(st)}, not a file petcognizer can write; {other}')
        if not ours(path):
            raise PlaceError(f'{name}: exists and is not a {made}; petcognizer never overwrites '
                             f'other files: {other}')
        if not force:
            raise PlaceError(f'{name}: exists (a {made}); add --force to replace it, or {other}')
    parent = Path(os.path.abspath(path)).parent
    if not parent.exists():
        raise PlaceError(f'{shown(parent)}: no such folder for {option}; create it first '
                         f'(mkdir -p {shown(parent)}) or {other}')
    if not parent.is_dir():
        raise PlaceError(f'{shown(parent)}: not a folder, so {option} cannot go in it; {other}')
    reason = probe_writable(parent)
    if reason is not None:
        raise PlaceError(f'{shown(parent)}: cannot write {name} there ({reason}); choose a folder '
                         f'you can write for {option}')
    if len(os.fsencode(path.name + '.partial')) > _name_max(parent):
        raise PlaceError(f'{name}: the file name is too long for this disk; {other}')
    partial = path.with_name(path.name + '.partial')
    if os.path.lexists(partial) and not (partial.is_file() and ours(partial)):
        raise PlaceError(f'{shown(partial)}: exists; petcognizer writes {name} there first and '
                         f'never overwrites other files: move it away or {other}')


def export_destination(out: Path, fmt: str) -> tuple[Path, str | None]:
    """The file ``export --out OUT --format FMT`` writes, and a note when the extension was added.

    Raises:
        PlaceError: ``out`` ends in another model format's extension.
    """
    want = EXPORT_FORMATS[fmt].suffix
    suffix = out.suffix.lower()
    if suffix == want:
        return out, None
    if suffix in _MODEL_SUFFIXES:
        match = [f.name for f in EXPORT_FORMATS.values() if f.suffix == suffix]
        hint = f' or use --format {match[0]}' if match else ''
        raise PlaceError(f'{shown(out)}: ends in {suffix}, but --format {fmt} writes a {want} '
                         f'file; name it {shown(out.with_suffix(want))}{hint}')
    dest = out.with_name(out.name + want)
    return dest, f'added {want} to the name given to --out'


def check_export_sidecar(dest: Path, force: bool) -> None:
    """An ONNX export also writes ``<name>.onnx.json``: the same rules as for ``--out`` apply."""
    side = sidecar_path(dest)
    if not os.path.lexists(side):
        return
    if not (side.is_file() and _is_sidecar(side)):
        raise PlaceError(f'{shown(side)}: exists and is not the classes file of a petcognizer ONNX '
                         'export; petcognizer never overwrites other files: move it away or '
                         'choose another name for --out')
    if not force:
        raise PlaceError(f'{shown(side)}: exists (from an earlier export); add --force to replace '
                         'it, or choose another name for --out')
