"""The UI translations (issue 12, item 5): complete, up to date, and well-formed.

* every text the window's code passes to ``translate()`` is in each ``.ts`` and translated
  (``pyside6-lupdate`` run into a copy finds nothing new or unfinished);
* the committed ``.qm`` files give the ``.ts`` files' translations (looked up through QTranslator);
* each translation keeps the source's ``{placeholders}``, ``%n``, keyboard accelerator
  (one ``&``) and the key after a tab; Russian plurals have three forms, Chinese one;
* the language comes from ``$PETCOGNIZER_LANG``, the user's choice, else the system locale;
  View ▸ Language remembers the choice in the settings.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from petcognizer.core.settings import load_settings
from petcognizer.gui import i18n

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / 'resources' / 'i18n'
LANGS = ('zh_CN', 'ru')


def _update_module():
    spec = importlib.util.spec_from_file_location('i18n_update', I18N / 'update.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <message>) of every message of ``ts``."""
    root = ET.parse(ts).getroot()
    return [(ctx.findtext('name') or '', msg.findtext('source') or '', msg)
            for ctx in root.iter('context') for msg in ctx.iter('message')]


def translations(msg: ET.Element) -> list[str]:
    tr = msg.find('translation')
    forms = [f.text or '' for f in tr.iter('numerusform')]
    return forms if msg.get('numerus') == 'yes' else [tr.text or '']


def fields(text: str) -> set[str]:
    """The ``str.format`` fields of ``text`` (``{name}``, ``{n:.1f}``)."""
    return {f'{name}{"!" + conv if conv else ""}{":" + spec if spec else ""}'
            for _, name, spec, conv in string.Formatter().parse(text) if name is not None}


def accelerators(text: str) -> int:
    return len(re.findall(r'&(?!&)\S', text.replace('&&', '')))


@pytest.mark.parametrize('lang', LANGS)
def test_every_message_is_translated(lang):
    found = messages(I18N / f'petcognizer_{lang}.ts')
    assert len(found) > 500
    unfinished = [f'{ctx}: {src!r}' for ctx, src, msg in found
                  if msg.find('translation').get('type') in ('unfinished', 'vanished', 'obsolete')
                  or not all(t.strip() for t in translations(msg))]
    assert not unfinished, f'{len(unfinished)} untranslated in petcognizer_{lang}.ts:\n' + '\n'.join(unfinished[:20])


def test_the_ts_files_hold_every_text_of_the_code(tmp_path):
    """lupdate into a copy: nothing new, nothing unfinished."""
    update = _update_module()
    copies = []
    for lang in LANGS:
        copy = tmp_path / f'petcognizer_{lang}.ts'
        shutil.copy(I18N / copy.name, copy)
        copies.append(copy)
    update.lupdate(copies)
    for copy in copies:
        before = {(c, s) for c, s, _ in messages(I18N / copy.name)}
        after = {(c, s) for c, s, _ in messages(copy)}
        # (a text the code no longer has is harmless: the next update.py drops it)
        assert after <= before, (f'{copy.name} lacks texts of the code: run resources/i18n/update.py and '
                                 f'translate them (new: {sorted(after - before)[:5]})')
        unfinished = [s for _, s, m in messages(copy) if m.find('translation').get('type') == 'unfinished']
        assert not unfinished, f'{copy.name}: untranslated after lupdate: {unfinished[:5]}'


@pytest.mark.parametrize('lang', LANGS)
def test_the_committed_qm_holds_the_translations_of_the_ts(lang):
    """Every message of the .ts, looked up in the committed .qm, gives the .ts's translation (each plural form).

    Compared through QTranslator, not byte for byte: another Qt version's lrelease may lay the file out
    differently.
    """
    from PySide6.QtCore import QTranslator

    qm = I18N / f'petcognizer_{lang}.qm'
    translator = QTranslator()
    assert translator.load(str(qm)), f'cannot load {qm}'
    counts = {'ru': (1, 2, 5), 'zh_CN': (1,)}[lang]  # one count for each plural form, in Qt's order
    stale = []
    for ctx, src, msg in messages(I18N / f'petcognizer_{lang}.ts'):
        wanted = translations(msg)
        if msg.get('numerus') == 'yes':
            got = [translator.translate(ctx, src, None, n) for n in counts]
        else:
            got = [translator.translate(ctx, src)]
        if got != wanted:
            stale.append(f'{ctx}: {src!r}: {got} in the .qm, {wanted} in the .ts')
    assert not stale, (f'{qm.name} is older than its .ts: run resources/i18n/update.py --qm and commit it\n'
                       + '\n'.join(stale[:10]))


@pytest.mark.parametrize('lang', LANGS)
def test_translations_keep_placeholders_plurals_accelerators_and_keys(lang):
    forms_wanted = {'zh_CN': 1, 'ru': 3}[lang]
    bad = []
    for ctx, src, msg in messages(I18N / f'petcognizer_{lang}.ts'):
        texts = translations(msg)
        where = f'{ctx}: {src!r}'
        if msg.get('numerus') == 'yes':
            if len(texts) != forms_wanted:
                bad.append(f'{where}: {len(texts)} plural forms, not {forms_wanted}')
            bad += [f'{where}: no %n in {t!r}' for t in texts if '%n' not in t]
        elif '%n' in src:
            bad.append(f'{where}: %n but not a plural message')
        for t in texts:
            if fields(t) != fields(src):
                bad.append(f'{where}: fields {sorted(fields(t))} instead of {sorted(fields(src))} in {t!r}')
            if accelerators(src) and accelerators(t) != 1:
                bad.append(f'{where}: needs one & accelerator, has {accelerators(t)} in {t!r}')
            if '\t' in src and t.split('\t', 1)[-1] != src.split('\t', 1)[-1]:
                bad.append(f'{where}: the key after the tab changed in {t!r}')
            if t.count('\n') != src.count('\n') and src.count('\n') and lang == 'ru':
                bad.append(f'{where}: line breaks differ in {t!r}')
    assert not bad, '\n'.join(bad)


def test_the_accelerators_of_each_menu_differ(qapp):
    """In each language the letters after & in one menu bar are different (Alt+letter opens one menu)."""
    from petcognizer.gui.main_window import MainWindow

    app = qapp
    for lang in LANGS:
        assert i18n.install_translators(lang, app)
        try:
            win = MainWindow()
            letters = [re.search(r'&(\w)', a.text()).group(1).lower() for a in win.menuBar().actions()]
            assert len(letters) == len(set(letters)), f'{lang}: {letters}'
            win.shutdown(2000)
            win.deleteLater()
        finally:
            i18n.remove_translators(app)


def test_plural_forms_follow_each_language(qapp):
    t = i18n.translate
    assert [t('data_panels', '%n file(s) could not be added', None, n) for n in (1, 2)] == [
        '1 file could not be added', '2 files could not be added']
    assert i18n.install_translators('ru', qapp)
    try:
        assert [t('data_panels', '%n file(s) could not be added', None, n) for n in (1, 3, 5, 21)] == [
            'Не удалось добавить 1 файл', 'Не удалось добавить 3 файла',
            'Не удалось добавить 5 файлов', 'Не удалось добавить 21 файл']
        assert t('main_window', '&File') == '&Файл'
    finally:
        i18n.remove_translators(qapp)
    assert i18n.install_translators('zh_CN', qapp)
    try:
        assert t('data_page', '%n photo(s)', None, 7) == '7 张照片'
    finally:
        i18n.remove_translators(qapp)
    assert t('main_window', '&File') == '&File'


def test_language_choice_order(monkeypatch):
    monkeypatch.delenv('PETCOGNIZER_LANG', raising=False)
    assert i18n.system_language(QLocale('ru_RU')) == 'ru'
    assert i18n.system_language(QLocale('zh_CN')) == 'zh_CN'
    assert i18n.system_language(QLocale('zh_TW')) == 'en'  # traditional script: not translated
    assert i18n.system_language(QLocale('de_DE')) == 'en'
    assert i18n.choose_language(None, QLocale('ru_RU')) == 'ru'
    assert i18n.choose_language('zh_CN', QLocale('ru_RU')) == 'zh_CN'  # the user's choice wins
    assert i18n.choose_language('xx', QLocale('ru_RU')) == 'ru'  # a bad setting is ignored
    monkeypatch.setenv('PETCOGNIZER_LANG', 'en')
    assert i18n.choose_language('ru', QLocale('zh_CN')) == 'en'
    monkeypatch.setenv('PETCOGNIZER_LANG', 'ru_RU.UTF-8')
    assert i18n.choose_language(None, QLocale('de_DE')) == 'ru'


def test_every_language_has_its_qm_and_qt_has_its_own(qapp):
    for lang in LANGS:
        assert i18n.qm_path(lang).is_file(), f'{i18n.qm_path(lang)} is missing: run resources/i18n/update.py'
        assert i18n.install_translators(lang, qapp)
        i18n.remove_translators(qapp)


def test_view_language_menu_remembers_the_choice(qtbot):
    from petcognizer.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    titles = [a.text() for a in win.language_menu.actions()]
    assert titles[0].startswith('System language') and titles[1:] == ['English', '简体中文', 'Русский']
    assert win.language_actions[None].isChecked()
    assert 'restart' in win.language_menu.title()
    win.language_actions['ru'].trigger()
    assert load_settings().extra['language'] == 'ru'
    assert win.language_actions['ru'].isChecked() and not win.language_actions[None].isChecked()
    assert 'Русский' in win.statusBar().currentMessage()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.language_actions['ru'].isChecked()
    again.language_actions[None].trigger()
    assert 'language' not in load_settings().extra
    win.shutdown(2000)
    again.shutdown(2000)


#: Photo counts that reach every branch of core.hints.data_hint (with and without unlabelled photos).
HINT_CASES = [({}, 0), ({'cat': 4}, 2), ({'cat': 0, 'dog': 5}, 0), ({'cat': 0, 'dog': 0}, 1),
              ({'cat': 1, 'dog': 5}, 0), ({'cat': 4, 'dog': 12}, 1), ({'cat': 12, 'dog': 12}, 0),
              ({f'c{i}': 1 for i in range(12)}, 0)]


def test_core_hints_in_english_are_the_cores_and_translated_otherwise(qapp):
    from petcognizer.core.hints import class_need, data_hint
    from petcognizer.gui.core_text import class_need_text, data_hint_text

    for counts, unlabelled in HINT_CASES:
        assert data_hint_text(counts, unlabelled) == data_hint(counts, unlabelled).text
    assert [class_need_text(n) for n in range(12)] == [class_need(n) for n in range(12)]
    for lang, script in (('ru', re.compile('[а-яА-Я]')), ('zh_CN', re.compile('[\u4e00-\u9fff]'))):
        assert i18n.install_translators(lang, qapp)
        try:
            for counts, unlabelled in HINT_CASES:
                text = data_hint_text(counts, unlabelled)
                assert script.search(text) and not re.search(r'\b(the|photos?|class)\b', text), (lang, text)
                for name in data_hint(counts, unlabelled).needs[:10]:  # the rest are counted
                    assert name in text
            needs = [class_need_text(n) for n in range(12)]
            assert all(script.search(t) for t in needs[:10]) and needs[10:] == ['', '']
        finally:
            i18n.remove_translators(qapp)


def test_dates_use_the_windows_language(qapp):
    from petcognizer.gui.formatting import format_when

    when = '2026-12-02T07:42:00'  # naive: local time
    assert format_when(when) == '02 Dec 07:42'
    for lang, expected in (('ru', '2 дек. 07:42'), ('zh_CN', '12月2日 07:42')):
        assert i18n.install_translators(lang, qapp)
        try:
            assert format_when(when) == expected
        finally:
            i18n.remove_translators(qapp)
    assert format_when('not a date') == 'not a date'


def test_the_app_starts_in_the_language_of_the_settings(qapp, monkeypatch, tmp_path):
    """``petcognizer gui`` (app.run) installs the chosen language before building the window, and takes it out after."""
    from petcognizer.core.settings import save_settings
    from petcognizer.gui import app as app_module

    settings = load_settings()
    settings.extra['language'] = 'ru'
    save_settings(settings)
    monkeypatch.delenv('PETCOGNIZER_LANG', raising=False)
    seen = []
    monkeypatch.setattr(app_module, 'take_screenshots',
                        lambda window, out, project=None: seen.append((window.tabs.tabText(0), i18n.language())))
    assert app_module.run(screenshot_dir=str(tmp_path / 'shots')) == 0
    assert seen == [('Данные', 'ru')]
    assert i18n.language() == 'en' and i18n.translate('main_window', 'Data') == 'Data'
    monkeypatch.setenv('PETCOGNIZER_LANG', 'zh_CN')  # the environment wins over the settings
    assert app_module.run(screenshot_dir=str(tmp_path / 'shots')) == 0
    assert seen[-1] == ('数据', 'zh_CN')
