"""The command line. Parses switches, calls the library, and turns a ``DraftingError``
into a red message on stderr and exit code 1. The only package that imports Typer/Rich;
library imports are deferred so ``drafting --help`` starts fast."""

from __future__ import annotations

from . import batch_cmd, desk, letters  # noqa: F401 - each registers its commands on the app
from .common import app


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["app", "main"]
