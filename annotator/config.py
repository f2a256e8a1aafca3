"""The config layer: YAML files validated by pydantic models, one error type that names the file and key path.

Every judgment-call number lives in a YAML file under ``configs/``; the models here only say what shape it must
have (no defaults in code: a missing key is an error), so a typo never silently falls back to a default.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from annotator.configcheck import ConfigError, load_yaml

M = TypeVar("M", bound="StrictModel")


class StrictModel(BaseModel):
    """A config section: unknown keys are errors, values are not coerced across types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def load_model(path: str | Path, model: type[M], what: str) -> M:
    """Read ``path`` and validate it as ``model``; a bad file raises :class:`ConfigError` with file and key path."""
    raw = load_yaml(path, what)
    return validate(raw, model, Path(path).name)


def validate(raw: object, model: type[M], where: str) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            problems.append(f"{key}: {err['msg']}")
        raise ConfigError(f"{where}: " + "; ".join(problems)) from None
