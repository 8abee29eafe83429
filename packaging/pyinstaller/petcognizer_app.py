"""Entry point of the one-folder desktop build (PyInstaller runs this, not ``python -m``).

The engine runs in a ``multiprocessing`` *spawn* child: in a frozen program that
child is this same executable, and ``freeze_support()`` turns it into the child
before the command line is parsed.
"""

import multiprocessing

if __name__ == '__main__':
    multiprocessing.freeze_support()
    from petcognizer.__main__ import run

    run()
