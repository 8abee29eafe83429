"""Refresh the UI translations: extract the window's texts, then compile them.

    python resources/i18n/update.py          # lupdate (.ts) + lrelease (.qm)
    python resources/i18n/update.py --qm     # lrelease only (after editing a .ts)

``pyside6-lupdate`` reads every ``translate('context', 'text')`` /
``QT_TRANSLATE_NOOP`` call in ``petcognizer/gui`` and adds new texts to
``petcognizer_<lang>.ts`` as unfinished (old ones are kept, removed ones
dropped). Translate them in Qt Linguist (``pyside6-linguist``) or a text
editor, then run this again: ``pyside6-lrelease`` writes the ``.qm`` files the
app loads. Commit both. See docs/I18N.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = ('zh_CN', 'ru')
#: Plural forms of each language (Qt's rules: Chinese has one, Russian three: 1, 2-4, 5+).
PLURAL_FORMS = {'zh_CN': 1, 'ru': 3}


def tool(name: str) -> str:
    """``pyside6-<name>`` next to this Python (a venv's bin), else on PATH."""
    exe = Path(sys.executable).with_name(f'pyside6-{name}')
    if exe.exists():
        return str(exe)
    found = shutil.which(f'pyside6-{name}')
    if found is None:
        sys.exit(f'pyside6-{name} not found: install PySide6 (pip install -e .) and run this with its Python')
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'petcognizer' / 'gui').glob('*.py'))


def ts_files(folder: Path = HERE) -> list[Path]:
    return [folder / f'petcognizer_{lang}.ts' for lang in LANGUAGES]


def read_numerus(ts: Path) -> dict[tuple[str, str], list[str]]:
    """(context, source) -> plural forms of every plural message of ``ts``."""
    if not ts.exists():
        return {}
    out = {}
    for ctx in ET.parse(ts).getroot().iter('context'):
        name = ctx.findtext('name') or ''
        for msg in ctx.iter('message'):
            forms = [f.text or '' for f in msg.iter('numerusform')]
            if forms:
                out[(name, msg.findtext('source') or '')] = forms
    return out


def mark_numerus(ts: Path, saved: dict[tuple[str, str], list[str]]) -> None:
    """Make every message with ``%n`` a plural one again, with its saved forms.

    pyside6-lupdate's Python parser sees plurals only in ``self.tr(text, '', n)``,
    not in ``QCoreApplication.translate(context, text, None, n)``, and turns the
    plural messages of an existing file into plain ones: this undoes that.
    """
    lang = ts.stem.split('_', 1)[1]
    tree = ET.parse(ts)
    for ctx in tree.getroot().iter('context'):
        name = ctx.findtext('name') or ''
        for msg in ctx.iter('message'):
            source = msg.findtext('source') or ''
            if '%n' not in source:
                continue
            msg.set('numerus', 'yes')
            tr = msg.find('translation')
            if tr is None:
                tr = ET.SubElement(msg, 'translation')
            for child in list(tr):
                tr.remove(child)
            tr.text = None
            forms = saved.get((name, source)) or []
            forms = (forms + [''] * PLURAL_FORMS[lang])[:PLURAL_FORMS[lang]]
            if all(forms):
                tr.attrib.pop('type', None)
            else:
                tr.set('type', 'unfinished')
            for form in forms:
                ET.SubElement(tr, 'numerusform').text = form
    write_ts(tree, ts)


def write_ts(tree: ET.ElementTree, ts: Path) -> None:
    ET.indent(tree, space='    ')
    body = ET.tostring(tree.getroot(), encoding='unicode')
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + '\n', encoding='utf-8')


def lupdate(ts: list[Path]) -> None:
    saved = {path: read_numerus(path) for path in ts}
    subprocess.run([tool('lupdate'), *sources(), '-no-obsolete', '-locations', 'none',
                    '-ts', *map(str, ts)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    for path in ts:
        mark_numerus(path, saved[path])


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool('lrelease'), str(ts), '-qm', str(qm)], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    if '--qm' not in argv:
        lupdate(ts_files())
    for ts in ts_files():
        lrelease(ts, ts.with_suffix('.qm'))
        print(f'{ts.relative_to(ROOT)} -> {ts.with_suffix(".qm").name}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
