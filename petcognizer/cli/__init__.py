"""Command line: ``petcognizer train|eval|predict|export|backbones|similar|doctor|new|gui``.

With no arguments, ``petcognizer`` opens the desktop app. Errors print one line
(``petcognizer: error: ...``, the file and what to do) and exit 1; a wrong
command line exits 2; ``--debug`` shows the traceback. Every check that can fail
(``--out``, a read-only project) runs before any work.

Modules, bottom up: ``text`` (safe file names, plurals, rates), ``progress``,
``places`` (where a command may write), ``training``, ``models`` (eval, predict,
export), ``projects`` (new, similar, gui, backbones), ``doctor``, ``parser``, ``entry``.
The commands that need torch import their core module when they run, so
``petcognizer --help`` is instant and ``petcognizer gui`` never loads torch.
"""

from petcognizer.cli.entry import main
from petcognizer.cli.parser import build_parser

__all__ = ['build_parser', 'main']
