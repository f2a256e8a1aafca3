"""How far to trust the sources table: its measured figures, stored with the model that made them.

``annotator eval-sources --split ... --write`` measures the sources table against hand-made lists of every
information source (``data/sources-gold``) and stores the pooled figures beside the weights
(``sources_metrics.json``) and in the model card. Every HTML report made with that model then says them, so a
reader sees how often a listed source is not one and how often one is missed. A file measured with another
model version is not shown: after a retrain the figures would be someone else's.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from annotator.config import IntRange, StrictModel, Unit

EVIDENCE_FILE = "sources_metrics.json"


class TableEvidence(StrictModel):
    """The sources table measured end to end on a gold set (definitions: annotator/workflows/sources_eval.py)."""

    model_version: str | None
    gold_set: str  # the gold directory as given to eval-sources
    splits: list[str]  # the gold splits pooled; empty = all
    articles: IntRange(1)
    gold: IntRange(0)
    predicted: IntRange(0)
    matched: IntRange(0)
    precision: Unit  # listed sources that are information sources
    recall: Unit  # information sources that are listed
    type_accuracy: Unit  # of the matched sources
    count_accuracy: Unit


class EvidenceError(ValueError):
    """A stored measurement that cannot be read: said once, and the report goes on without it."""


def read_evidence(model_dir: Path, model_version: str | None) -> TableEvidence | None:
    """The stored measurement of the model in ``model_dir``, or None when there is none or it was made with
    another model version."""
    path = Path(model_dir) / EVIDENCE_FILE
    if not path.is_file():
        return None
    try:
        evidence = TableEvidence.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, ValidationError) as exc:
        raise EvidenceError(f"{path}: not a sources-table measurement ({str(exc).splitlines()[0]})") from exc
    return evidence if evidence.model_version == model_version else None


def write_evidence(model_dir: Path, evidence: TableEvidence) -> Path:
    """Store the measurement beside the weights and as a section of the model card (replaced on a rerun)."""
    from annotator.modeling.model_card import replace_card_section

    path = Path(model_dir) / EVIDENCE_FILE
    path.write_text(json.dumps(evidence.model_dump(), indent=2) + "\n", encoding="utf-8")
    e = evidence
    splits = ", ".join(e.splits) if e.splits else "all"
    body = (
        "## The sources table, measured\n\n"
        f"Against hand-made lists of every information source in {e.articles} news articles ({e.gold} sources; gold set "
        f"`{e.gold_set}`, splits {splits}), the sources table of this model and the rules in `configs/sources.yaml` listed "
        f"{e.predicted} sources, {e.matched} of them right:\n\n"
        "| precision | recall | type accuracy | count accuracy |\n| --- | --- | --- | --- |\n"
        f"| {e.precision:.3f} | {e.recall:.3f} | {e.type_accuracy:.3f} | {e.count_accuracy:.3f} |\n\n"
        f"Every HTML report made with this model states these figures. Measured with `annotator eval-sources --split {','.join(e.splits) or 'all'} --write`."
    )
    replace_card_section(model_dir, "sources", body)
    return path
