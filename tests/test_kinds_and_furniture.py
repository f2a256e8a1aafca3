"""Information vs stance attributions, page furniture, derived sources, and the end-to-end sources measurement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.labelstudio.convert import parse_result, prediction_result
from annotator.layout import find_furniture
from annotator.pipeline import ScorePipeline
from annotator.schema import AnnotatedArticle, Article, Attribution, Span

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline(tagger) -> ScorePipeline:
    return ScorePipeline.from_pretrained()


def _kinds(tagger, text: str) -> dict[str, tuple[str, bool]]:
    """cue text -> (kind, declined) for one article run through the shipped model."""
    (doc,) = tagger.annotate([text])
    spans = doc.span_by_id()
    return {spans[a.cue].text: (a.kind, a.declined) for a in doc.attributions if a.cue}


def test_the_kind_head_tells_information_from_stance_in_context(tagger) -> None:
    text = (
        "The mayor said on Monday that the bridge would reopen in May. "
        "Residents want the council to build a second crossing, and many fear another closure. "
        "The transport agency declined to comment on the repairs."
    )
    kinds = _kinds(tagger, text)
    said = next(v for k, v in kinds.items() if "said" in k)
    assert said == ("information", False)
    assert any(v[0] == "stance" for k, v in kinds.items() if "want" in k or "fear" in k)
    assert any(v == ("information", True) for k, v in kinds.items() if "declined" in k)


def test_only_information_attributions_make_sources(pipeline) -> None:
    text = (
        "Council votes to close library\n\n"
        "ASHFORD, May 2 - The town council voted on Tuesday to close the library, the council's chair said.\n\n"
        "Parents want the building kept open, and some fear the children will lose their only quiet place to study.\n\n"
        "The library's director, Ruth Ellison, told reporters the decision was a mistake."
    )
    (record,) = pipeline.score_texts([text])
    names = [s["name"] for s in record["sources"]]
    assert any("Ellison" in n for n in names)
    assert not any("Parents" in n or n == "some" for n in names)  # wanting and fearing inform nobody
    stance = [a for a in record["attributions"] if a["kind"] == "stance"]
    assert stance, "the stance attributions stay in the record"
    title = next(f for f in record["furniture"] if f["kind"] == "title")
    assert record["text"][title["start"] : title["end"]] == "Council votes to close library"


def test_headline_byline_and_dateline_never_yield_sources(pipeline) -> None:
    text = (
        "Harbour dredging delayed, officials say\n\nBy Mara Quint\n\n"
        "KELSO BAY (Reuters) - Dredging of the harbour will start a month late because the contractor is short of "
        "crews, the port authority said in a statement on Friday.\n\nMara Quint reported from Kelso Bay."
    )
    furniture = find_furniture(text)
    assert [f.kind for f in furniture] == ["title", "byline", "dateline", "credit"]
    (record,) = pipeline.score_texts([text])
    texts = [m["text"] for s in record["sources"] for m in s["mentions"]]
    assert "officials" not in texts and not any("Quint" in t for t in texts)
    assert any("port authority" in t for t in texts)


def test_a_short_line_after_the_title_is_a_deck_not_the_lede() -> None:
    deck = "Mayors condemn the closure; the minister vows a review."
    lede = (
        "The regional health board voted on Tuesday to close the maternity ward at Hollin General Hospital, "
        "citing a shortage of midwives, the board's chair said after the meeting."
    )
    text = f"Maternity ward to close\n\n{deck}\n\n{lede}"
    kinds = [(f.kind, text[f.start : f.end]) for f in find_furniture(text)]
    assert kinds == [("title", "Maternity ward to close"), ("subhead", deck)]
    # a long first line after the title is the lede: it stays body text
    assert [f.kind for f in find_furniture(f"Maternity ward to close\n\n{lede}\n\n{deck}")] == ["title"]


def test_a_capitals_sub_heading_may_end_with_one_full_stop() -> None:
    """Corpora split into sentences end every line with a full stop ("HARBOUR WORRIES."): still a sub-heading."""
    body = "The regional health board voted on Tuesday to close the ward, its chair said after the meeting."
    for heading, expected in (("HARBOUR WORRIES.", True), ("HARBOUR WORRIES", True), ("WHY NOW?", False)):
        text = f"Maternity ward to close\n\n{body}\n\n{heading}\n\n{body}"
        kinds = [(f.kind, text[f.start : f.end]) for f in find_furniture(text)]
        assert (("subhead", heading) in kinds) is expected, heading


def test_methodology_groups_and_cited_sources_are_sources(pipeline) -> None:
    (record,) = pipeline.score_texts([(EXAMPLES / "port-strike-counted-sources.txt").read_text(encoding="utf-8")])
    derived = {m["text"]: m["derived"] for s in record["sources"] for m in s["mentions"] if m.get("derived")}
    assert derived.get("two shipping agents") == "methodology"
    groups = {s["name"]: s["count"] for s in record["sources"] if s["type"].startswith("ANONYMOUS")}
    assert groups.get("three union officials") == 3 and groups.get("two port managers") == 2
    text = "According to a report by the Harbour Gazette, which cited four port workers, the cranes had failed twice."
    (record,) = pipeline.score_texts([text])
    cited = next(s for s in record["sources"] if any(m.get("derived") == "cited" for m in s["mentions"]))
    assert cited["count"] == 4 and cited["secondhand"] is True


def test_label_studio_shows_and_returns_the_kind() -> None:
    text = "Ana Ruiz said the vote was fair. Ana Ruiz hopes to win."
    spans = [
        Span("s1", 0, 8, "SOURCE", "Ana Ruiz"),
        Span("c1", 9, 13, "CUE", "said"),
        Span("t1", 14, 31, "CONTENT", "the vote was fair"),
        Span("s2", 33, 41, "SOURCE", "Ana Ruiz"),
        Span("c2", 42, 47, "CUE", "hopes"),
        Span("t2", 48, 54, "CONTENT", "to win"),
    ]
    attributions = [Attribution("a1", "s1", "c1", ["t1"]), Attribution("a2", "s2", "c2", ["t2"], kind="stance")]
    result = prediction_result(AnnotatedArticle(Article("x", text), spans, attributions))
    kinds = {r["id"]: r["value"]["choices"][0] for r in result if r.get("from_name") == "attribution_kind"}
    assert kinds == {"c1": "information", "c2": "stance"}
    for r in result:  # an annotator marks the first one as a refusal
        if r.get("from_name") == "attribution_kind" and r["id"] == "c1":
            r["value"]["choices"] = ["declined"]
    parsed = parse_result("x", text, result)
    back = {a.cue: (a.kind, a.declined) for a in parsed.doc.attributions}
    assert back == {"c1": ("information", True), "c2": ("stance", False)}


def test_eval_sources_keeps_its_floor(shared_dir: Path, tagger) -> None:
    """The end-to-end measurement on our gold set of every information source in 534 real articles (measured at the
    end of the twelfth round, 2-core AMD EPYC with AVX-512: tune + holdout P 0.906, R 0.915; fresh P 0.925, R 0.785;
    fresh2 P 0.774, R 0.908; fresh3 P 0.820, R 0.877; train12 to train12j, train12m to train12q read after their first
    measurements (docs/sources.md has each figure); train12k P 0.881, R 0.914, train12l P 0.789, R 0.833 and train12r
    P 0.752, R 0.835 (not read; first 0.740 / 0.835); all 366 P 0.846, R 0.859, type 0.924, count 0.965; kind 0.937;
    train12s, train12t and train12u, added in the thirteenth round, first P 0.859, R 0.831; P 0.810, R 0.821; P 0.764,
    R 0.775; train12v and train12w, added in the fourteenth, first P 0.780, R 0.842; P 0.792, R 0.763; train12x and
    train12y, added in the fifteenth, first P 0.793, R 0.760; P 0.819, R 0.809)."""
    result = runner.invoke(app, ["eval-sources", "--shared", str(shared_dir), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output[result.output.index("{") :])
    assert metrics["articles"] == 534
    read = [metrics["by_split"][k] for k in ("tune", "holdout")]
    matched, pred, gold = (sum(s[k] for s in read) for k in ("matched", "predicted", "gold"))
    assert matched / pred >= 0.89 and matched / gold >= 0.90
    # precision and recall floors of each split after its first measurement, a point or two under the figures above
    floors = {
        "fresh": (0.87, 0.77),
        "fresh2": (0.75, 0.87),
        "fresh3": (0.80, 0.85),
        "train12": (0.85, 0.75),
        "train12b": (0.80, 0.88),
        "train12c": (0.72, 0.76),
        "train12d": (0.85, 0.79),
        "train12e": (0.75, 0.86),
        "train12f": (0.87, 0.83),
        "train12g": (0.92, 0.83),  # recall 0.868 on an AVX2-only CPU, 0.849 with AVX-512 VNNI (other int8 kernels)
        "train12h": (0.76, 0.75),
        "train12i": (0.82, 0.82),
        "train12j": (0.75, 0.86),
        "train12k": (0.85, 0.89),
        "train12l": (0.70, 0.80),
        "train12m": (0.75, 0.78),
        "train12n": (0.68, 0.78),
        "train12o": (0.77, 0.83),
        "train12p": (0.79, 0.83),
        "train12q": (0.78, 0.74),
        "train12r": (0.72, 0.81),
        "train12s": (0.84, 0.80),
        "train12t": (0.79, 0.80),
        "train12u": (0.74, 0.75),
        "train12v": (0.76, 0.82),
        "train12w": (0.77, 0.74),
        "train12x": (0.80, 0.75),
        "train12y": (0.80, 0.79),
    }
    for split, (precision, recall) in floors.items():
        measured = metrics["by_split"][split]
        assert measured["precision"] >= precision and measured["recall"] >= recall, (split, measured["precision"], measured["recall"])
    assert metrics["type_accuracy"] >= 0.90 and metrics["count_accuracy"] >= 0.95
    assert metrics["attribution_kind"]["accuracy"] >= 0.93
    assert metrics["by_split"]["holdout"]["precision"] >= 0.87
    # the figures shipped with the model (and stated in every report) are what this code measures on their splits,
    # within what other CPUs' int8 kernels move (train12g above)
    from annotator.evidence import read_evidence
    from annotator.tagger import default_model_dir

    shipped = read_evidence(default_model_dir(), tagger.model_version)
    assert shipped is not None and shipped.splits
    pooled = [metrics["by_split"][s] for s in shipped.splits]
    matched, pred, gold = (sum(s[k] for s in pooled) for k in ("matched", "predicted", "gold"))
    assert shipped.gold == gold
    assert abs(shipped.precision - matched / pred) <= 0.02 and abs(shipped.recall - matched / gold) <= 0.02, (matched, pred, gold)
    # every false and missed source has one cause
    causes = metrics["error_causes"]["all"]
    assert sum(causes["false_source"].values()) == metrics["predicted"] - metrics["matched"]
    assert sum(causes["missed_source"].values()) == metrics["gold"] - metrics["matched"]
