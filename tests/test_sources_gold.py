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


def test_each_error_names_its_cause() -> None:
    """Missed and false sources say where they were lost: no SOURCE span, a stance, a merge, a split, a gold
    non-source or nothing in the gold at all."""
    from annotator.workflows.sources_eval import GoldSource, compare, tagged_spans

    text = "Ana Ruiz said the dam was safe. Ruiz added more. Two engineers fear floods. A rumour spread. The clerk waved."
    spans = [
        {"id": "s1", "start": 0, "end": 8, "label": "SOURCE"},  # Ana Ruiz
        {"id": "s2", "start": 32, "end": 36, "label": "SOURCE"},  # Ruiz
        {"id": "s3", "start": 49, "end": 62, "label": "SOURCE"},  # Two engineers
        {"id": "s4", "start": 93, "end": 102, "label": "SOURCE"},  # The clerk
    ]
    attributions = [
        {"id": "a1", "source": "s1", "kind": "information", "declined": False},
        {"id": "a2", "source": "s2", "kind": "information", "declined": False},
        {"id": "a3", "source": "s3", "kind": "stance", "declined": False},
        {"id": "a4", "source": "s4", "kind": "information", "declined": False},
    ]
    assert [text[s["start"] : s["end"]] for s in spans] == ["Ana Ruiz", "Ruiz", "Two engineers", "The clerk"]
    assert text[76:84] == "A rumour"
    tagged = tagged_spans({"spans": spans, "attributions": attributions}, lambda o: o)
    assert [t.status for t in tagged] == ["information", "information", "stance", "information"]

    def gold(kind: str, *ranges: tuple[int, int]) -> GoldSource:
        return GoldSource(kind, 1, False, list(ranges))

    golds = [gold("NAMED_PERSON", (0, 8), (32, 36)), gold("ANONYMOUS_DESCRIBED", (49, 62)), gold("ANONYMOUS_VAGUE", (76, 84))]
    pred = [
        {"type": "NAMED_PERSON", "ranges": [(0, 8)]},
        {"type": "NAMED_PERSON", "ranges": [(32, 36)]},  # Ruiz again, as a second source
        {"type": "REFERENCE", "ranges": [(93, 102)]},  # the clerk: in the gold's not_sources
    ]
    tally, errors = compare(pred, golds, tagged, [((93, 102), "action")])
    assert (tally.matched, tally.pred, tally.gold) == (1, 3, 3)
    causes = sorted((e["error"], e["cause"]) for e in errors if e["error"] != "attribute")
    assert causes == [
        ("false_source", "not_source:action"),
        ("false_source", "split"),
        ("missed_source", "not_tagged"),  # "A rumour": no SOURCE span at all
        ("missed_source", "stance"),  # the engineers' fear
    ]
    # without the record's spans, errors carry no cause (annotator agreement compares two gold versions)
    assert all("cause" not in e for e in compare(pred, golds)[1])


def test_eval_sources_takes_several_splits_and_names_an_unknown_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotator.cli import app

    (tmp_path / "articles.tsv").write_text("id\tsplit\tpath\nexample/a\ttune\ta.txt\nexample/b\tfresh\tb.txt\n", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval-sources", "--gold", str(tmp_path), "--split", "tune,frsh", "--shared", str(tmp_path)])
    assert result.exit_code != 0
    assert "fresh, tune (joined by commas) or all, got 'tune,frsh'" in result.output
    # both known: the command goes on past the split check, to the article files (absent here)
    result = CliRunner().invoke(app, ["eval-sources", "--gold", str(tmp_path), "--split", "tune, fresh", "--shared", str(tmp_path)])
    assert result.exit_code != 0 and "no usable gold article" in result.output
