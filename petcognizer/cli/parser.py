"""The argument parser: every command and argument with its help text and default.

Usage errors raise :class:`UsageError` (``main`` prints them with a hint and
exits 2) instead of argparse's own exit, so a file name that starts with ``-``
gets the hint to put ``--`` before it.
"""

from __future__ import annotations

import argparse
import re
import textwrap

from petcognizer import __version__
from petcognizer.cli.doctor import cmd_doctor
from petcognizer.cli.models import cmd_eval, cmd_export, cmd_predict
from petcognizer.cli.projects import (
    IMPORT_BUTTON,
    cmd_backbones,
    cmd_gui,
    cmd_new,
    cmd_similar,
)
from petcognizer.cli.training import cmd_train
from petcognizer.core.backbones import DEFAULT_BACKBONE
from petcognizer.core.config import HEADS, SCHEDULES
from petcognizer.core.exportformats import EXPORT_FORMATS

__all__ = ['UsageError', 'build_parser', 'dash_hint']

_CHOSEN = ' (default: chosen from the data)'
_NUMBER = re.compile(r'^-\d+$|^-\d*\.\d+$')  # what argparse takes for a negative number


class UsageError(Exception):
    """A command line argparse cannot parse; ``parser`` is the (sub)command's parser."""

    def __init__(self, parser: argparse.ArgumentParser, message: str):
        super().__init__(message)
        self.parser = parser
        self.message = message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print and exit 2 itself
        raise UsageError(self, message)


class _Formatter(argparse.HelpFormatter):
    """Help with ``(default: ...)`` for every option whose default is a value; a description's
    lines are wrapped one by one (so a list in it stays a list)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            extra = ' ' * (len(line) - len(line.lstrip()))
            lines.append(textwrap.fill(line.strip(), width, initial_indent=indent + extra,
                                       subsequent_indent=indent + extra + '  ' * bool(extra)))
        return '\n'.join(lines)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ''
        if ('%(default)' in text or 'default:' in text or not action.option_strings
                or action.default in (None, False, True, argparse.SUPPRESS)):
            return text
        return text + ' (default: %(default)s)'


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not a whole number') from None
    if n < 1:
        raise argparse.ArgumentTypeError(f'{text} is too small: give 1 or more')
    return n


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _option_strings(sub)
    return found


def dash_hint(argv: list[str], parser: argparse.ArgumentParser) -> str:
    """``'; ... put -- before ...'`` when ``argv`` holds a word starting with '-' that is no option."""
    known = _option_strings(parser)
    for word in argv:
        if word == '--':
            break
        if not word.startswith('-') or word == '-' or _NUMBER.match(word):
            continue
        name = word.split('=', 1)[0]
        if name in known or (name.startswith('--') and any(k.startswith(name) for k in known)):
            continue
        if not name.startswith('--') and name[:2] in known:  # -k5: a short option with its value
            continue
        return (f"; if '{word}' is a file name: use -- before file names that start with '-' "
                f'(after the options: `... -- {word}`), or write it as ./{word}')
    return ''


def _common() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument('--quiet', '-q', action='store_true',
                        help='no progress bars or messages on stderr (errors are still shown)')
    common.add_argument('--debug', action='store_true', default=argparse.SUPPRESS,
                        help='show the full traceback on errors')
    return common


def _train(sub, common) -> None:
    t = sub.add_parser(
        'train', parents=[common], formatter_class=_Formatter, help='train a model on class folders',
        description='Train a classifier on DATA and save it as MODEL. DATA is a petcognizer '
                    'project (the run is recorded in it, as in the app) or a folder with one '
                    'subfolder of photos per class (e.g. photos/cat, photos/dog). Options not '
                    'given are chosen from the data. Nothing is trained until every check passed: '
                    '--out never replaces a file petcognizer did not make.')
    t.add_argument('data', metavar='DATA', help='a project folder, or a folder of class folders')
    t.add_argument('--out', '-o', required=True, metavar='MODEL',
                   help='the model file to write, e.g. pets.safetensors (its folder must exist)')
    t.add_argument('--force', action='store_true',
                   help='replace MODEL if it is an existing petcognizer model (never any other file)')
    t.add_argument('--backbone', default=DEFAULT_BACKBONE,
                   help='the pretrained network; `petcognizer backbones` lists them')
    t.add_argument('--freeze-depth', metavar='N|all',
                   help='how many top backbone stages train (0 = the head only, "all" = everything)'
                        + _CHOSEN)
    t.add_argument('--head', choices=HEADS,
                   help='the layer that makes the decision; prototype = nearest class mean '
                        '(frozen backbone only)' + _CHOSEN)
    t.add_argument('--epochs', type=_positive, metavar='N', help='passes over the photos' + _CHOSEN)
    t.add_argument('--seed', type=int, metavar='N',
                   help='random seed (same seed, same data: same model)' + _CHOSEN)
    t.add_argument('--lr', type=float, metavar='LR', help='learning rate of the head' + _CHOSEN)
    t.add_argument('--batch-size', type=_positive, metavar='N', help='photos per step' + _CHOSEN)
    t.add_argument('--weight-decay', type=float, metavar='W', help='AdamW weight decay' + _CHOSEN)
    t.add_argument('--label-smoothing', type=float, metavar='S',
                   help='label smoothing of the loss, 0..1' + _CHOSEN)
    t.add_argument('--schedule', choices=SCHEDULES,
                   help='"unfreeze": head first, then top stages one at a time' + _CHOSEN)
    t.add_argument('--augment', action='store_true', help='random resized crop and flip')
    t.add_argument('--color-jitter', action='store_true', help='random brightness, contrast, colour')
    t.add_argument('--cutout', action='store_true', help='random erasing of a patch')
    t.add_argument('--aug-views', type=_positive, metavar='N',
                   help='augmented views cached per photo' + _CHOSEN)
    t.add_argument('--progressive-resize', action='store_true',
                   help='the first half of the epochs at 3/4 size (with --freeze-depth all)')
    t.add_argument('--val-fraction', type=float, metavar='F',
                   help='share of the photos held out for validation, 0..1' + _CHOSEN)
    t.add_argument('--patience', type=int, metavar='N',
                   help='early stopping: epochs without a better validation accuracy (0 = off)'
                        + _CHOSEN)
    t.add_argument('--warmup-epochs', type=int, metavar='N',
                   help='epochs of learning-rate warm-up' + _CHOSEN)
    t.add_argument('--dropout', type=float, metavar='P',
                   help='dropout of the gap-dropout and fc-dropout heads' + _CHOSEN)
    t.add_argument('--head-l2', type=float, metavar='L2', help="L2 penalty on the head's weights"
                   + _CHOSEN)
    t.add_argument('--no-prior', action='store_true',
                   help="do not use the backbone's ImageNet knowledge of the class names")
    t.add_argument('--balance-classes', action='store_true',
                   help='weigh each class equally in the loss, whatever its photo count (default: '
                        'decisions follow the photos\' own class shares)')
    t.add_argument('--members', type=_positive, metavar='N',
                   help='train N copies, each validated on a different share of the photos, and '
                        'average them (default: 1)')
    t.add_argument('--ensemble', action='store_true', default=None,
                   help='average heads on EfficientNet-Lite0/1/2 (default: on for few photos)')
    t.add_argument('--no-ensemble', dest='ensemble', action='store_false', help='one backbone only')
    t.add_argument('--device', choices=('auto', 'cpu', 'cuda', 'mps'),
                   help='where to train (auto = a GPU if there is one)' + _CHOSEN)
    t.add_argument('--json', action='store_true', help='print a JSON summary on stdout')
    t.set_defaults(func=cmd_train)


def _models(sub, common) -> None:
    e = sub.add_parser(
        'eval', parents=[common], formatter_class=_Formatter,
        help='measure a model on labelled photos',
        description='Classify the photos of DATA with MODEL and compare with their folders: '
                    'accuracy, per-class precision/recall/F1, the confusion table and the most '
                    'confident mistakes. Exits 1 if photos were left out: classes the model does '
                    'not know (unless --ignore-unknown-classes) or files that cannot be read.')
    e.add_argument('model', metavar='MODEL', help='a model file saved by petcognizer (.safetensors)')
    e.add_argument('data', metavar='DATA',
                   help='a project, or a folder with one subfolder of photos per class, named '
                        "like the model's classes")
    e.add_argument('--ignore-unknown-classes', action='store_true',
                   help='evaluate the classes the model knows, and exit 0 although DATA has others')
    e.add_argument('--json', action='store_true', help='print the report as JSON')
    e.add_argument('--csv', metavar='FILE', help='also write per-class metrics to FILE as CSV')
    e.add_argument('--force', action='store_true',
                   help='replace FILE if it is a metrics CSV from an earlier eval')
    e.add_argument('--tta', action='store_true', help='test-time augmentation: also classify the '
                                                      'mirrored photo and average')
    e.set_defaults(func=cmd_eval)

    pr = sub.add_parser(
        'predict', parents=[common], formatter_class=_Formatter, help='classify photos or folders',
        description='Print the most likely classes of each photo (folders are searched for photos). '
                    'Every file gets a line; one that cannot be read gets an ERROR line, and the '
                    'exit status is then 1.')
    pr.add_argument('model', metavar='MODEL', help='a model file saved by petcognizer (.safetensors)')
    pr.add_argument('paths', metavar='PATH', nargs='+', help='photo files or folders of photos')
    pr.add_argument('--top-k', '-k', type=_positive, default=3, metavar='K',
                    help='how many classes to list per photo, most likely first')
    pr.add_argument('--json', action='store_true', help='one JSON object a line')
    pr.add_argument('--tta', action='store_true', help='test-time augmentation: also classify the '
                                                       'mirrored photo and average')
    pr.add_argument('--no-unknown', action='store_true',
                    help='never flag a photo as none of the classes ("Not one of: ...")')
    pr.set_defaults(func=cmd_predict)

    x = sub.add_parser(
        'export', parents=[common], formatter_class=_Formatter,
        help='export a model to another format',
        description='Write MODEL as a file that runs outside petcognizer:\n'
                    + '\n'.join(f'  {f.name}: {f.description}' for f in EXPORT_FORMATS.values())
                    + "\nA name without the format's extension gets it (and says so); a name with "
                      "another format's extension is refused.")
    x.add_argument('model', metavar='MODEL', help='a model file saved by petcognizer (.safetensors)')
    x.add_argument('--out', '-o', required=True, metavar='FILE', help='the file to write')
    x.add_argument('--format', choices=tuple(EXPORT_FORMATS), default='safetensors',
                   help='the file format')
    x.add_argument('--force', action='store_true',
                   help='replace FILE if it is an earlier petcognizer export (never any other file)')
    x.add_argument('--also', metavar='FORMATS', default='',
                   help='with --format onnx: more formats into the bundle folder, comma-separated: '
                        'fp16, int8 (quantised ONNX), openvino, coreml, pt2 (torch.export), web (a page with '
                        'onnxruntime-web and libjpeg-turbo in WebAssembly, fetched with npm; serve '
                        'its folder over http); each checked')
    x.set_defaults(func=cmd_export)


def _others(sub, common) -> None:
    b = sub.add_parser(
        'backbones', parents=[common], formatter_class=_Formatter,
        help='list backbones and whether they can be used now',
        description='List the pretrained networks petcognizer can train on, their size and '
                    'ImageNet accuracy, and whether their weights are here (the bundled '
                    'EfficientNet-Lite0/1/2 always are).')
    b.add_argument('--json', action='store_true', help='print the list as JSON')
    b.add_argument('--all', action='store_true', help='include the test backbones')
    b.add_argument('--import-weights', metavar='FILE',
                   help='install a weights file downloaded on another computer')
    b.set_defaults(func=cmd_backbones)

    s = sub.add_parser(
        'similar', parents=[common], formatter_class=_Formatter,
        help='find photos in a project that look like one',
        description='List the photos of PROJECT that look most like IMAGE (cosine similarity of '
                    'the backbone features), best first.')
    s.add_argument('project', metavar='PROJECT', help='a petcognizer project folder')
    s.add_argument('image', metavar='IMAGE', help='a photo, in the project or anywhere')
    s.add_argument('-k', '--top-k', dest='k', type=_positive, default=12, metavar='K',
                   help='how many photos to list')
    s.add_argument('--json', action='store_true', help='one JSON object a line')
    s.set_defaults(func=cmd_similar)

    d = sub.add_parser(
        'doctor', parents=[common], formatter_class=_Formatter,
        help='find problems in the photos: duplicates, leaks, likely mislabelled photos',
        description='Check the photos of DATA before training: exact and near duplicates '
                    '(resized or recompressed copies), duplicates split between the training and '
                    'the validation photos (leakage), photos that look like another class (likely '
                    'mislabelled), classes with too few photos or far fewer than another, and files '
                    'that cannot be read. Each finding lists its photos and the fix; nothing is '
                    'changed (the app applies a fix with one click, undoably). Exits 0 when the '
                    'check ran, whatever it found.')
    d.add_argument('data', metavar='DATA', help='a project folder, or a folder of class folders')
    d.add_argument('--backbone', default=DEFAULT_BACKBONE,
                   help='the network whose features compare the photos')
    d.add_argument('--json', action='store_true', help='print the report as JSON')
    d.set_defaults(func=cmd_doctor)

    n = sub.add_parser(
        'new', parents=[common], formatter_class=_Formatter, help='create a project',
        description='Create a petcognizer project in the folder PROJECT (new or empty). With '
                    '--from, the photos of a folder of class folders are copied in (the originals '
                    f'are never changed), as "{IMPORT_BUTTON}" does in the app.')
    n.add_argument('project', metavar='PROJECT', help='the folder to create the project in')
    n.add_argument('--from', dest='source', metavar='FOLDER',
                   help='import this folder: one subfolder of photos per class (e.g. photos/cat, '
                        'photos/dog); loose photos go to Unlabelled')
    n.add_argument('--class', dest='classes', action='append', metavar='NAME',
                   help='add a class of this name (repeat for more)')
    n.set_defaults(func=cmd_new)

    g = sub.add_parser(
        'gui', parents=[common], formatter_class=_Formatter, help='open the desktop app',
        description='Open the desktop app, on PROJECT if given (`petcognizer new` makes one).')
    g.add_argument('project', metavar='PROJECT', nargs='?', help='a project folder to open')
    g.add_argument('--screenshot', metavar='DIR', help='render each page to DIR/*.png and exit')
    g.set_defaults(func=cmd_gui)


def build_parser() -> argparse.ArgumentParser:
    """The ``petcognizer`` parser with all its commands."""
    p = _Parser(
        prog='petcognizer', formatter_class=_Formatter,
        description='Train an image classifier from folders of photos, offline. '
                    'Run without arguments to open the desktop app. '
                    'Errors are one line and exit 1 (2 for a wrong command line).')
    p.add_argument('--version', action='version', version=f'petcognizer {__version__}')
    p.add_argument('--debug', action='store_true', help='show the full traceback on errors')
    sub = p.add_subparsers(dest='command', metavar='COMMAND', parser_class=_Parser)
    common = _common()
    _train(sub, common)
    _models(sub, common)
    _others(sub, common)
    return p
