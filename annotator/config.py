"""The config layer: YAML files validated by pydantic models, one error type that names the file and key path.

Every judgment-call number lives in a YAML file under ``configs/``; the models here only say what shape it must
have (no defaults in code: a missing key is an error), so a typo never silently falls back to a default. Every
config of the project (cleaning, sources, kinds, claims, scoring, inference, training, retraining) is read through
:func:`load_model`, and every problem is a :class:`ConfigError` that reads ``file: key.path: what is wrong``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

M = TypeVar("M", bound="StrictModel")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key path."""


class StrictModel(BaseModel):
    """A config section: unknown keys are errors, values are not coerced across types, nothing has a default."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# ------------------------------------------------------------------------------------------- field types


def _compiles(pattern: str) -> str:
    if not pattern:
        raise ValueError("expected a regular expression, got an empty string")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Text = Annotated[str, Field(min_length=1)]
Pattern = Annotated[str, AfterValidator(_compiles)]


def IntRange(lo: int, hi: int = 10**12) -> Any:  # noqa: N802 - reads as a type in annotations
    """An integer in ``[lo, hi]``."""
    return Annotated[int, Field(ge=lo, le=hi)]


def NumRange(lo: float, hi: float = float("inf")) -> Any:  # noqa: N802
    """A number in ``[lo, hi]``."""
    return Annotated[float, Field(ge=lo, le=hi, allow_inf_nan=False)]


def exactly(keys: Iterable[str]) -> AfterValidator:
    """A mapping validator: the keys must be exactly ``keys`` (e.g. one value per source type)."""
    wanted = tuple(keys)

    def check(value: dict) -> dict:
        unknown = sorted(set(value) - set(wanted))
        missing = sorted(set(wanted) - set(value))
        if unknown:
            raise ValueError(f"unknown keys {unknown} (allowed: {sorted(wanted)})")
        if missing:
            raise ValueError(f"missing keys {missing}")
        return value

    return AfterValidator(check)


def subset_of(known: Iterable[str], what: str) -> AfterValidator:
    """A list validator: every item must be one of ``known``."""
    allowed = tuple(known)

    def check(value: list) -> list:
        bad = sorted(set(value) - set(allowed))
        if bad:
            raise ValueError(f"unknown {what} {bad} (known: {list(allowed)})")
        return value

    return AfterValidator(check)


# ------------------------------------------------------------------------------------------- loading


def load_yaml(path: str | Path, what: str, error: type[ValueError] = ConfigError, empty_ok: bool = False) -> dict[str, Any]:
    """Read a YAML mapping, raising ``error`` with the file name on a missing file, bad YAML or a non-mapping."""
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


def read_alias_file(path: Path, error: type[ValueError] = ConfigError) -> dict[str, str]:
    """A lexicon file of ``canonical | alias | alias`` lines (``#`` comments) -> {lowercased form: canonical}.

    The one format of every word list under ``configs/lexicons/``; each vocabulary lives in one such file.
    """
    if not path.is_file():
        raise error(f"lexicon file not found: {path}")
    out: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        names = [p.strip() for p in line.split("|")]
        if any(not p for p in names):
            raise error(f"{path}:{n}: empty name in {raw!r}")
        for name in names:
            out.setdefault(name.lower(), names[0])
    if not out:
        raise error(f"{path}: no entries")
    return out


def load_model(path: str | Path, model: type[M], what: str) -> M:
    """Read ``path`` and validate it as ``model``; a bad file raises :class:`ConfigError` with file and key path."""
    return validate(load_yaml(path, what), model, str(path))


def validate(raw: object, model: type[M], where: str, context: dict[str, Any] | None = None) -> M:
    """``model`` built from ``raw``; every problem joined into one :class:`ConfigError` naming ``where``."""
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise ConfigError(f"{where}: " + "; ".join(_problems(exc, model))) from None


def _problems(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """One line per problem; the missing and the unknown keys of one section are listed together."""
    entries: list[str | tuple[str, tuple]] = []
    keys: dict[tuple[str, tuple], list[str]] = {}
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] in ("missing", "extra_forbidden") and loc:
            group = ("missing" if err["type"] == "missing" else "unknown", loc[:-1])
            if group not in keys:
                keys[group] = []
                entries.append(group)
            keys[group].append(str(loc[-1]))
        else:
            entries.append(_describe(err, model))
    lines = []
    for entry in entries:
        if isinstance(entry, str):
            lines.append(entry)
        elif entry[0] == "missing":
            lines.append(f"{_key(entry[1])}: missing keys {keys[entry]}")
        else:
            section = _field_model(model, entry[1])
            allowed = f" (allowed: {sorted(section.model_fields)})" if section else ""
            lines.append(f"{_key(entry[1])}: unknown keys {keys[entry]}{allowed}")
    return lines


def _key(loc: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "top level"


def _field_model(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The section model at ``loc`` inside ``model`` (for listing the allowed keys of a section)."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = current.model_fields[part].annotation
        while get_origin(current) is Annotated:
            current = get_args(current)[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


_KINDS = {"int": "an integer", "float": "a number", "bool": "true or false", "string": "a string", "list": "a list", "dict": "a mapping", "model": "a mapping"}


def _describe(err: dict[str, Any], model: type[BaseModel]) -> str:
    loc = tuple(err["loc"])
    key = _key(loc)
    kind, value = err["type"], err.get("input")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{key}: {value!r} is out of range ({err['msg'].removeprefix('Input should be ')})"
    base = kind.removesuffix("_type").removesuffix("_parsing")
    if kind.endswith("_type") and base in _KINDS:
        return f"{key}: expected {_KINDS[base]}, got {value!r}"
    if kind == "value_error":
        message = err["msg"].removeprefix("Value error, ")
        return f"{key}: {message}" if loc else message
    return f"{key}: {err['msg']} (got {value!r})"
