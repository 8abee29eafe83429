"""Entry point: ``petcognizer`` with no arguments opens the desktop app."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from petcognizer.cli import main as cli_main

    return cli_main(argv)


if __name__ == '__main__':
    raise SystemExit(main())
