"""Where the package's data lives: configs, lexicons, templates and the default model.

Why one module: the configs and the shipped model are package data (``annotator.configs`` and ``annotator.models``
map to the top-level ``configs/`` and ``models/`` directories in ``pyproject.toml``), so a plain ``pip install .``
carries them and every command works from any directory. From a checkout that was never installed, the same
directories are found beside the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


@cache
def _data_dir(name: str) -> Path:
    """``annotator/<name>`` inside an installed package, else ``<checkout>/<name>`` (editable or no install)."""
    installed = Path(str(resources.files("annotator"))) / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def configs_dir() -> Path:
    """The directory holding ``scoring.yaml``, ``sources.yaml``, ``lexicons/`` and the other shipped configs."""
    return _data_dir("configs")


def config_file(name: str) -> Path:
    """A shipped config by file name (``"scoring.yaml"``, ``"lexicons/places.txt"``)."""
    return configs_dir() / name


def models_dir() -> Path:
    """The directory holding the shipped model directories."""
    return _data_dir("models")


def template_file(name: str) -> Path:
    """A template shipped inside the package (``annotator/templates``)."""
    return Path(__file__).resolve().parent / "templates" / name
