"""The sources gold loader: every adjudication decision for one article and annotator lands in one version."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.workflows.sources_eval import load_gold


def _source(kind: str, start: int, end: int) -> dict:
    return {"type": kind, "count": 1, "secondhand": False, "mentions": [[start, end]]}


def test_all_decisions_for_one_annotator_are_kept(tmp_path: Path) -> None:
    text = "Mayor Ana Ruiz said the bridge would close. Two engineers said so too. A third person agreed."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "articles.tsv").write_text("id\tsplit\tpath\nexample/bridge\ttune\ta.txt\n", encoding="utf-8")
    gold = {"article": "example/bridge", "annotator": "G1", "sources": [_source("NAMED_PERSON", 0, 14)], "not_sources": []}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    decisions = {
        "add_sources": [
            {"article": "example/bridge", "annotator": "G1", "source": _source("ANONYMOUS_DESCRIBED", 44, 57)},
            {"article": "example/bridge", "annotator": "G1", "source": _source("ANONYMOUS_VAGUE", 71, 85)},
        ],
        "add_mentions": [{"article": "example/bridge", "annotator": "G1", "source": 0, "span": [6, 14]}],
    }
    (tmp_path / "adjudication.json").write_text(json.dumps(decisions), encoding="utf-8")
    versions = load_gold(tmp_path / "gold.jsonl", tmp_path / "articles.tsv", tmp_path, tmp_path, tmp_path / "adjudication.json")["example/bridge"]
    primary = versions[0]
    assert primary.annotator == "G1+adjudicated"
    assert [s.type for s in primary.sources] == ["NAMED_PERSON", "ANONYMOUS_DESCRIBED", "ANONYMOUS_VAGUE"]
    assert primary.sources[0].mentions == [(0, 14), (6, 14)]
    assert [v.annotator for v in versions] == ["G1+adjudicated", "G1"]
    assert len(versions[1].sources) == 1  # the raw annotation is untouched


def test_a_source_the_pooled_review_rejected_is_removed_after_merges(tmp_path: Path) -> None:
    text = "Mayor Ana Ruiz said the bridge would close. Ruiz said so again. A preview clip showed the river."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "articles.tsv").write_text("id\tsplit\tpath\nexample/bridge\ttune\ta.txt\n", encoding="utf-8")
    sources = [_source("NAMED_PERSON", 0, 14), _source("NAMED_PERSON", 44, 48), _source("DOCUMENT", 64, 78)]
    gold = {"article": "example/bridge", "annotator": "G1", "sources": sources, "not_sources": []}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    decisions = {
        "merge": [{"article": "example/bridge", "annotator": "G1", "into": 0, "sources": [1]}],
        "remove_sources": [{"article": "example/bridge", "annotator": "G1", "source": 2}],
    }
    (tmp_path / "adjudication.json").write_text(json.dumps(decisions), encoding="utf-8")
    versions = load_gold(tmp_path / "gold.jsonl", tmp_path / "articles.tsv", tmp_path, tmp_path, tmp_path / "adjudication.json")["example/bridge"]
    assert [(s.type, s.mentions) for s in versions[0].sources] == [("NAMED_PERSON", [(0, 14), (44, 48)])]
    assert len(versions[-1].sources) == 3  # the raw annotation keeps it


def test_annotator_agreement_is_reported_per_split(tmp_path: Path) -> None:
    from annotator.workflows.sources_eval import annotator_agreement

    text = "Mayor Ana Ruiz said the bridge would close. Two engineers said so too."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "articles.tsv").write_text("id\tsplit\tpath\nexample/a\ttune\ta.txt\nexample/b\tfresh\tb.txt\n", encoding="utf-8")
    both = [_source("NAMED_PERSON", 0, 14), _source("ANONYMOUS_DESCRIBED", 44, 57)]
    rows = [
        {"article": "example/a", "annotator": "G1", "sources": both},
        {"article": "example/a", "annotator": "G2", "sources": both[:1]},
        {"article": "example/b", "annotator": "F1", "sources": both},
        {"article": "example/b", "annotator": "F7", "sources": both},
    ]
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    gold = load_gold(tmp_path / "gold.jsonl", tmp_path / "articles.tsv", tmp_path, tmp_path)
    agreement = annotator_agreement(gold)
    assert agreement["articles"] == 2 and agreement["matched"] == 3
    assert agreement["by_split"]["tune"]["recall"] == 0.5 and agreement["by_split"]["fresh"]["recall"] == 1.0
