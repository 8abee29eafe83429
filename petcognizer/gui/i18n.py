"""The window's language: English, Simplified Chinese (zh_CN) or Russian (ru).

Texts are wrapped with :func:`translate` (``QCoreApplication.translate``;
``pyside6-lupdate`` extracts every ``translate('context', 'text')`` call into
``resources/i18n/petcognizer_<lang>.ts``; ``pyside6-lrelease`` compiles them to
the ``.qm`` files loaded here; see ``docs/I18N.md`` and
``resources/i18n/update.py``).

The language is, in order: ``$PETCOGNIZER_LANG`` (``en``, ``zh_CN``, ``ru``),
the one chosen in View ▸ Language (kept in the user settings as
``extra['language']``), else the system's (``QLocale.system().uiLanguages()``).
Translators must be installed before any widget is created: a change in the
menu applies at the next start.
"""

from __future__ import annotations

import logging
import os
import re
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = [
    'LANGUAGES',
    'LANGUAGE_SETTING',
    'choose_language',
    'install_translators',
    'language',
    'qm_path',
    'remove_translators',
    'system_language',
    'translate',
]

_log = logging.getLogger(__name__)

#: Language code -> its name, written in that language (menus show it untranslated).
LANGUAGES = {'en': 'English', 'zh_CN': '简体中文', 'ru': 'Русский'}
#: Key in :attr:`AppSettings.extra <petcognizer.core.settings.AppSettings>`; missing: the system's.
LANGUAGE_SETTING = 'language'
#: Environment variable that forces a language (screenshots, tests).
ENV = 'PETCOGNIZER_LANG'

_installed: list[QTranslator] = []
_language = ['en']
_PLURAL = re.compile(r'\((e?s)\)')


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``QCoreApplication.translate``: ``text`` in the window's language (``%n`` replaced by ``n``).

    An English plural text says ``photo(s)`` / ``class(es)``: untranslated (English,
    or a text missing from the translation) it reads ``1 photo``, ``2 photos``.
    """
    out = QCoreApplication.translate(context, text, disambiguation, n)
    if n >= 0 and '%n' in text and out == text.replace('%n', str(n)):
        out = _PLURAL.sub(lambda m: m.group(1) if n != 1 else '', out)
    return out


def _match(code: str) -> str | None:
    """``'ru-RU'`` -> ``'ru'``; ``'zh-Hans-CN'`` / ``'zh_CN'`` -> ``'zh_CN'``; ``'en-GB'`` -> ``'en'``; else None."""
    c = code.replace('_', '-').lower()
    if c == 'c' or c.startswith('en'):
        return 'en'
    if c.startswith('ru'):
        return 'ru'
    if c.startswith('zh'):
        # Traditional-script locales (zh-Hant, zh-TW, zh-HK, zh-MO) are not translated.
        if 'hant' in c or c.split('-')[-1] in ('tw', 'hk', 'mo'):
            return None
        return 'zh_CN'
    return None


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's UI languages that petcognizer speaks, else ``'en'``."""
    loc = locale if locale is not None else QLocale.system()
    if loc.language() == QLocale.Language.Chinese and loc.script() == QLocale.Script.TraditionalChineseScript:
        chinese_ok = False  # zh_TW lists "zh-Hant-TW", ..., "zh": its "zh" is not Simplified Chinese
    else:
        chinese_ok = True
    for code in [*loc.uiLanguages(), loc.name()]:
        found = _match(code)
        if found == 'zh_CN' and not chinese_ok:
            continue
        if found is not None:
            return found
    return 'en'


def choose_language(setting: str | None = None, locale: QLocale | None = None) -> str:
    """The language to show: ``$PETCOGNIZER_LANG``, else ``setting`` (the user's choice), else the system's."""
    env = os.environ.get(ENV, '').strip()
    if env:
        found = _match(env)
        if found is not None:
            return found
        _log.warning('%s=%r is not a language petcognizer has (%s); using the system language',
                     ENV, env, ', '.join(LANGUAGES))
    if setting in LANGUAGES:
        return str(setting)
    return system_language(locale)


def qm_path(language: str) -> Path:
    """The compiled translation ``petcognizer_<language>.qm`` (it may not exist)."""
    return Path(str(resources.files('petcognizer.resources').joinpath('i18n', f'petcognizer_{language}.qm')))


def language() -> str:
    """The language :func:`install_translators` installed (``'en'`` when none)."""
    return _language[0]


def remove_translators(app: QCoreApplication | None = None) -> None:
    """Take out the translators :func:`install_translators` put in (back to English)."""
    app = app or QCoreApplication.instance()
    _language[0] = 'en'
    while _installed:
        t = _installed.pop()
        if app is not None:
            app.removeTranslator(t)
        t.deleteLater()


def install_translators(language: str, app: QCoreApplication | None = None) -> bool:
    """Install petcognizer's and Qt's own (``qtbase_*``: standard dialogs) translations.

    English installs nothing. Replaces translators installed by an earlier call.

    Returns:
        True when petcognizer's translation for ``language`` was loaded.
    """
    app = app or QCoreApplication.instance()
    remove_translators(app)
    if app is None or language == 'en' or language not in LANGUAGES:
        return language == 'en'
    ok = False
    path = qm_path(language)
    own = QTranslator(app)
    if own.load(str(path)):
        app.installTranslator(own)
        _installed.append(own)
        _language[0] = language
        ok = True
    else:
        _log.warning('cannot load the translation %s; the window stays in English '
                     '(run resources/i18n/update.py to rebuild it)', path)
    qt = QTranslator(app)
    if qt.load(f'qtbase_{language}', QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return ok
