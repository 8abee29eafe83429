"""Entry point: ``petcognizer`` with no arguments opens the desktop app."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (tests and embedders call this)."""
    from petcognizer.cli import main as cli_main

    return cli_main(argv)


def run() -> None:
    """The process's entry point (``petcognizer``, ``python -m petcognizer``): exits."""
    from petcognizer.core.perf import exit_without_teardown, register_quick_exit

    register_quick_exit()
    exit_without_teardown(main())


if __name__ == '__main__':
    run()
