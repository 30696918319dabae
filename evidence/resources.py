"""Where the package's data files and templates live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_path(*parts: str) -> Path:
    """A file under ``evidence/data``."""
    return _PACKAGE.joinpath("data", *parts)


def templates_dir() -> Path:
    """The Jinja2 templates: inside the installed package, or ``templates/`` in a checkout."""
    installed = _PACKAGE / "templates"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "templates"
