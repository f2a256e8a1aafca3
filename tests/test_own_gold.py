"""`eval-sources --gold DIR` on a gold set of someone else's articles: files beside the gold, mentions as the
guideline writes them, no ../shared, and every unusable record named while the rest are measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.workflows.gold_set import GoldError, GoldProblem, load_gold

runner = CliRunner()

ARTICLE = """Harbour levy to rise in spring

The harbour board will raise its mooring levy by a tenth in April, board chair Marta Quill said on Tuesday.
"We have held the levy for six years and the pontoons need work," Quill told reporters after the meeting.
According to the board's annual report, repairs to the east pontoon will cost about 400,000 crowns.
Two skippers who moor in the outer basin said the rise would push smaller boats to Saltby.
"""


def _gold_dir(root: Path, *, extra_rows: str = "", extra_lines: list[str] | None = None) -> Path:
    gold = root / "my-gold"
    (gold / "texts").mkdir(parents=True)
    (gold / "texts" / "harbour.txt").write_text(ARTICLE, encoding="utf-8")
    (gold / "articles.tsv").write_text("id\tpath\tpublisher\nown/harbour\ttexts/harbour.txt\tHarbour Weekly\n" + extra_rows, encoding="utf-8")
    record = {
        "article": "own/harbour",
        "annotator": "R1",
        "sources": [
            {
                "name": "Marta Quill",
                "type": "NAMED_PERSON",
                "count": 1,
                "secondhand": False,
                "mentions": [{"line": 3, "text": "board chair Marta Quill", "nth": 1}, {"line": 4, "text": "Quill", "nth": 1}],
            },
            {"name": "annual report", "type": "DOCUMENT", "count": 1, "mentions": [{"line": 5, "text": "the board's annual report"}]},
            {"name": "two skippers", "type": "ANONYMOUS_DESCRIBED", "count": 2, "mentions": [{"line": 6, "text": "Two skippers who moor in the outer basin"}]},
        ],
        "not_sources": [{"line": 1, "text": "Harbour levy to rise in spring", "nth": 1, "why": "page_furniture"}],
    }
    lines = [json.dumps(record)] + (extra_lines or [])
    (gold / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gold


def test_guideline_mentions_become_ranges_of_the_file_beside_the_gold(tmp_path: Path) -> None:
    gold_dir = _gold_dir(tmp_path)
    gold = load_gold(gold_dir / "gold.jsonl", gold_dir / "articles.tsv", tmp_path / "no-shared", tmp_path)
    article = gold["own/harbour"][0]
    assert article.path == gold_dir / "texts" / "harbour.txt" and article.split == "gold"
    assert article.meta == {"publisher": "Harbour Weekly"}
    quill = article.sources[0]
    assert [ARTICLE[a:b] for a, b in quill.mentions] == ["board chair Marta Quill", "Quill"]
    assert ARTICLE[slice(*article.not_sources[0][0])] == "Harbour levy to rise in spring"


def test_unusable_records_are_named_and_the_rest_kept(tmp_path: Path) -> None:
    bad_mention = {"article": "own/harbour", "annotator": "R2", "sources": [{"type": "NAMED_PERSON", "mentions": [{"line": 3, "text": "Marta Quil Said"}]}]}
    bad_type = {"article": "own/harbour", "annotator": "R3", "sources": [{"type": "PERSON", "mentions": [[0, 6]]}]}
    missing = {"article": "own/missing", "annotator": "R1", "sources": []}
    extra = [json.dumps(bad_mention), json.dumps(bad_type), "{not json", json.dumps(missing)]
    gold_dir = _gold_dir(tmp_path, extra_rows="own/missing\tgone.txt\t\n", extra_lines=extra)
    problems: list[GoldProblem] = []
    gold = load_gold(gold_dir / "gold.jsonl", gold_dir / "articles.tsv", tmp_path / "no-shared", tmp_path, problems=problems)
    assert [v.annotator for v in gold["own/harbour"]] == ["R1"]
    messages = [str(p) for p in problems]
    assert len(messages) == 5, messages
    assert "articles.tsv:3: own/missing: article file" in messages[0]
    assert "gold.jsonl:2: own/harbour: source 1: 'Marta Quil Said' does not occur 1 time(s) on line 3" in messages[1]
    assert "gold.jsonl:3: own/harbour: source 1: type 'PERSON' is not one of" in messages[2]
    assert "gold.jsonl:4: not JSON" in messages[3]
    assert "gold.jsonl:5: own/missing: the article is not in articles.tsv" in messages[4]
    with pytest.raises(GoldError, match="does not occur"):  # our own set is read strictly
        load_gold(gold_dir / "gold.jsonl", gold_dir / "articles.tsv", tmp_path / "no-shared", tmp_path)


def test_eval_sources_measures_an_outside_gold_set_without_shared(tmp_path: Path) -> None:
    """The whole command, shipped model and all, on a gold folder anywhere: the good article is measured, the broken
    records are listed, and the PolNeAR-only measures say they were skipped."""
    gold_dir = _gold_dir(tmp_path, extra_lines=["{not json"])
    result = runner.invoke(app, ["eval-sources", "--gold", str(gold_dir), "--shared", str(tmp_path / "no-shared"), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout[result.stdout.index("{") :])
    assert metrics["articles"] == 1 and metrics["gold"] == 3
    assert metrics["matched"] >= 2  # the chair and the skippers are plain "X said" sources
    assert [p["where"].rsplit(":", 1)[1] for p in metrics["gold_problems"]] == ["2"]
    assert "PolNeAR dev" in metrics["skipped"] and "span_typing" not in metrics and "attribution_kind" not in metrics
    text = runner.invoke(app, ["eval-sources", "--gold", str(gold_dir), "--shared", str(tmp_path / "no-shared")])
    assert "1 gold record(s) left out:" in text.stdout and "not JSON" in text.stdout


def test_eval_sources_says_when_nothing_is_usable(tmp_path: Path) -> None:
    gold_dir = tmp_path / "empty-gold"
    gold_dir.mkdir()
    (gold_dir / "articles.tsv").write_text("id\tpath\nown/a\tnowhere.txt\n", encoding="utf-8")
    (gold_dir / "gold.jsonl").write_text(json.dumps({"article": "own/a", "sources": []}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval-sources", "--gold", str(gold_dir), "--shared", str(tmp_path)])
    assert result.exit_code == 2
    assert "no usable gold article" in result.output and "nowhere.txt not found" in result.output


def test_the_label_files_are_found_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kind and span-typing labels ship with the checkout: a relative default still finds them elsewhere."""
    from annotator.cli import _checkout_file

    monkeypatch.chdir(tmp_path)
    found = _checkout_file(Path("data/attribution-kinds/dev.tsv"))
    assert found is not None and found.is_absolute() and found.is_file()
    assert _checkout_file(Path("no/such/labels.tsv")) == Path("no/such/labels.tsv")  # left as given: reported as absent
