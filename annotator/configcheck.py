"""Strict validation of the judgment-call YAML configs (``configs/scoring.yaml``, ``configs/cleaning.yaml``).

The code declares the *shape* of a config (keys, types, ranges); the YAML holds every value. A config with
an unknown key, a missing key, a value of the wrong type or out of range is refused with a message that
names the key path, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Num:
    """A real number in ``[lo, hi]``."""

    lo: float = float("-inf")
    hi: float = float("inf")


@dataclass(frozen=True)
class Int:
    lo: int = -(10**12)
    hi: int = 10**12


@dataclass(frozen=True)
class Str:
    pass


@dataclass(frozen=True)
class Bool:
    pass


@dataclass(frozen=True)
class Regex:
    """A string that must compile as a Python regular expression."""


@dataclass(frozen=True)
class ListOf:
    item: Any
    min_items: int = 0


@dataclass(frozen=True)
class MapOf:
    """A mapping with free keys (optionally restricted to ``allowed``) and one value spec."""

    value: Any
    allowed: tuple[str, ...] | None = None
    required: bool = False  # every allowed key must be present


def load_yaml(path: str | Path, what: str, error: type[ValueError] = ConfigError, empty_ok: bool = False) -> dict[str, Any]:
    """Read a YAML mapping, raising ``error`` with the file name on a missing file, bad YAML or a non-mapping.

    Every config loader goes through here so that all config errors read alike.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{what} config not found: {path}") from exc
    except OSError as exc:
        raise error(f"cannot read {what} config {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if raw is None and empty_ok:
        return {}
    if not isinstance(raw, dict):
        raise error(f"{path}: top level: a {what} config must be a mapping of keys to values")
    return raw


def check(value: Any, spec: Any, where: str) -> None:
    """Raise ``ConfigError`` naming ``where`` (e.g. ``scoring.yaml: weights.coverage``) if ``value`` does not fit."""
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
        unknown = sorted(set(value) - set(spec))
        if unknown:
            raise ConfigError(f"{where}: unknown keys {unknown} (allowed: {sorted(spec)})")
        missing = sorted(set(spec) - set(value))
        if missing:
            raise ConfigError(f"{where}: missing keys {missing}")
        for key, sub in spec.items():
            check(value[key], sub, f"{where}.{key}")
    elif isinstance(spec, Num):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        if not spec.lo <= value <= spec.hi:
            raise ConfigError(f"{where}: {value} is out of range [{spec.lo}, {spec.hi}]")
    elif isinstance(spec, Int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        if not spec.lo <= value <= spec.hi:
            raise ConfigError(f"{where}: {value} is out of range [{spec.lo}, {spec.hi}]")
    elif isinstance(spec, Bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
    elif isinstance(spec, Str):
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
    elif isinstance(spec, Regex):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: expected a regular expression string, got {value!r}")
        try:
            re.compile(value)
        except re.error as exc:
            raise ConfigError(f"{where}: invalid regular expression {value!r}: {exc}") from exc
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        if len(value) < spec.min_items:
            raise ConfigError(f"{where}: needs at least {spec.min_items} item(s)")
        for i, item in enumerate(value):
            check(item, spec.item, f"{where}[{i}]")
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
        if spec.allowed is not None:
            unknown = sorted(set(value) - set(spec.allowed))
            if unknown:
                raise ConfigError(f"{where}: unknown keys {unknown} (allowed: {sorted(spec.allowed)})")
            missing = sorted(set(spec.allowed) - set(value)) if spec.required else []
            if missing:
                raise ConfigError(f"{where}: missing keys {missing}")
        for key, item in value.items():
            check(item, spec.value, f"{where}.{key}")
    else:  # pragma: no cover - a programming error in a spec
        raise TypeError(f"unknown spec {spec!r}")


def check_sums_to_one(weights: dict[str, float], where: str, tolerance: float = 1e-6) -> None:
    total = sum(weights.values())
    if abs(total - 1.0) > tolerance:
        raise ConfigError(f"{where}: weights must sum to 1, they sum to {total:.6g}")
