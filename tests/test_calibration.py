"""Ratings, rater agreement, the calibration fit, and the validity floor of the shipped score on the stored
blind-rated set (data/ratings/), measured end to end with the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.ratings import Rating, RatingsError, RatingSet, agreement, krippendorff_alpha, read_ratings
from annotator.scoring import COMPONENTS, ScoringConfig
from annotator.scoring.calibration import fit_mapping, fit_weights, nested_cv
from tests.scoring_articles import hand_annotated

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RATINGS = ROOT / "data" / "ratings"
runner = CliRunner()


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_ratings_from_a_panel_a_label_studio_round_and_a_csv(tmp_path: Path) -> None:
    panel = _write(tmp_path / "panel.jsonl", [{"id": "a", "rater": "r1", "rating": 4, "reason": "named"}, {"id": "a", "rater": "r2", "rating": 2}])
    pulled = _write(
        tmp_path / "round.jsonl",
        [
            {"id": "b", "text": "A short story we wrote.", "rating": {"value": 5, "comment": "fine"}, "labelstudio": {"annotator": "ed@desk"}},
            {"id": "c", "text": "Unrated.", "rating": None, "labelstudio": {"annotator": "ed@desk"}},
        ],
    )
    table = tmp_path / "table.csv"
    table.write_text("id,rating\nd,3\n", encoding="utf-8")
    rs = read_ratings([panel, pulled, table])
    assert rs.mean() == {"a": 3.0, "b": 5.0, "d": 3.0}
    assert rs.texts == {"b": "A short story we wrote.", "c": "Unrated."}
    assert {r.rater for r in rs.ratings} == {"r1", "r2", "ed@desk", "rater"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "rating": 6}', r"bad.jsonl:2: rating must be an integer 1-5, got 6"),
        ('{"id": "a", "rating": "good"}', r"bad.jsonl:2: rating must be an integer 1-5"),
        ('{"rating": 3}', r"bad.jsonl:2: row has no 'id'"),
        ("{not json", r"bad.jsonl:2: not JSON"),
    ],
)
def test_a_bad_rating_row_names_its_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "ok", "rating": 3}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RatingsError, match=message):
        read_ratings([bad])


def test_krippendorff_alpha_reproduces_the_published_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4-observer, 12-unit example."""
    n = np.nan
    m = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
        ]
    )
    assert krippendorff_alpha(m, "interval") == pytest.approx(0.849, abs=1e-3)
    assert krippendorff_alpha(m, "ordinal") == pytest.approx(0.815, abs=1e-3)


def test_the_fit_finds_the_informative_components_and_keeps_weights_readable() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(120, 4))
    y = 1 + 3 * x[:, 0] + 1 * x[:, 2] + rng.normal(scale=0.2, size=120)  # column 1 and 3 carry nothing
    w = fit_weights(x, y, ridge=0.0)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    assert w[0] > 0.6 and w[2] > 0.15 and w[1] < 0.05 and w[3] < 0.05
    cv = nested_cv(x, y, folds=5, repeats=2)
    assert cv.spearman > 0.9
    xs, ys, _ = fit_mapping(x @ w, (y - 1) * 25)
    assert all(b >= a for a, b in zip(ys, ys[1:])) and ys[0] < 20 and ys[-1] > 80


def _rated_stories(n: int) -> tuple[dict[str, dict], RatingSet]:
    """Stories we write with 1..n named people quoted, each rated by how many speak (more sources, higher)."""
    records: dict[str, dict] = {}
    ratings = []
    names = ["Ana Lind", "Tom Reyes", "Ida Moss", "Per Hult", "Eva Sand", "Leo Brandt", "Mia Falk", "Jon Ek", "Ulla Berg", "Nils Ott"]
    for i in range(n):
        people = names[: 1 + i % len(names)]
        text = " ".join(f"{p} said the council had met {k + 2} times." for k, p in enumerate(people))
        quotes = [(p, "said", f"the council had met {k + 2} times") for k, p in enumerate(people)]
        doc = hand_annotated(text, quotes, [{"type": "NAMED_PERSON", "name": p, "needles": [p]} for p in people])
        doc.article.id = f"story-{i}"
        records[doc.article.id] = doc.to_record()
        rating = 1 + min(4, len(people) // 2)
        ratings += [Rating(doc.article.id, rater, min(5, rating + (rater == "r2" and i % 3 == 0))) for rater in ("r1", "r2", "r3")]
    return records, RatingSet(ratings)


def test_calibrate_fits_the_components_the_config_names_and_reports_the_others() -> None:
    from annotator.workflows.calibrate import calibrate, format_report

    records, ratings = _rated_stories(20)
    base = ScoringConfig.from_yaml(ROOT / "configs" / "scoring.yaml")
    result = calibrate(records, ratings, base, repeats=1)
    assert set(result.weights) == set(base.weights) and sum(result.weights.values()) == pytest.approx(1.0, abs=1e-3)
    left_out = set(COMPONENTS) - set(base.weights)
    assert set(result.report["left_out"]) == left_out
    text = format_report(result.report)
    for name in left_out:
        assert f"| {name} (not in the config) |" in text
    assert result.report["cv"]["spearman"] > 0.5  # more people quoted, rated higher: the fit finds it


def test_the_records_cache_does_not_go_stale_when_the_scoring_config_is_rewritten(tmp_path: Path, monkeypatch) -> None:
    import annotator.workflows.calibrate as wf

    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "scoring.yaml").write_text("weights: {}\n", encoding="utf-8")
    (configs / "sources.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr(wf, "configs_dir", lambda: configs)
    pipeline = type("P", (), {"model_version": "m1"})()
    before = wf.pipeline_fingerprint(pipeline)
    (configs / "scoring.yaml").write_text("weights: {coverage: 1}\n", encoding="utf-8")  # `calibrate --out` rewrote it
    assert wf.pipeline_fingerprint(pipeline) == before
    (configs / "sources.yaml").write_text("a: 2\n", encoding="utf-8")  # the records depend on this one
    assert wf.pipeline_fingerprint(pipeline) != before


def test_the_publisher_comes_from_the_manifest_the_collections_metadata_or_the_ratings(tmp_path: Path) -> None:
    from annotator.workflows.calibrate import article_texts, read_manifest

    shared = tmp_path / "shared"
    texts = shared / "data" / "papers" / "train" / "text"
    texts.mkdir(parents=True)
    for stem in ("courier_one", "courier_two", "gazette_three"):
        (texts / f"{stem}.txt").write_text(f"Story {stem}.", encoding="utf-8")
    (shared / "data" / "papers" / "metadata.tsv").write_text(
        "filename\tpublisher\tauthor\ncourier_one\tcourier\tA. Writer\ncourier_two\tcourier\tB. Writer\ngazette_three\tNone\tC\n", encoding="utf-8"
    )
    manifest = tmp_path / "articles.tsv"
    manifest.write_text(
        "id\tpath\tpublisher\n"
        "p/one\tdata/papers/train/text/courier_one.txt\t\n"  # no column value: the collection's metadata says
        "p/two\tdata/papers/train/text/courier_two.txt\tThe Tarn Courier\n"  # the manifest wins
        "p/three\tdata/papers/train/text/gazette_three.txt\t\n",  # "None" in the metadata: no publisher
        encoding="utf-8",
    )
    m = read_manifest(manifest, tmp_path, shared)
    assert m.meta == {"p/one": {"publisher": "courier"}, "p/two": {"publisher": "The Tarn Courier"}}
    ratings = _write(
        tmp_path / "r.jsonl",
        [{"id": k, "rating": 3} for k in ("p/one", "p/two", "p/three")] + [{"id": "p/three", "rater": "r2", "rating": 2, "publisher": "Gazette"}],
    )
    rs = read_ratings([ratings])
    assert rs.meta == {"p/three": {"publisher": "Gazette"}}
    got = article_texts(rs, m)
    assert got["p/one"] == "Story courier_one." and got.meta == {
        "p/one": {"publisher": "courier"},
        "p/two": {"publisher": "The Tarn Courier"},
        "p/three": {"publisher": "Gazette"},
    }


def test_the_records_cache_is_keyed_on_the_publisher_too(tmp_path: Path) -> None:
    """A record made without the publisher (or with another one) is annotated again; the same one is reused."""
    from annotator.schema import Article
    from annotator.workflows.calibrate import ArticleTexts, annotated_records, record_article

    seen: list[dict] = []

    class Pipeline:
        model_version = "m1"
        scoring_config = ScoringConfig.from_yaml(ROOT / "configs" / "scoring.yaml")  # its `publishers` name the slugs

        def prepare(self, article: Article) -> Article:
            return article

        def process(self, articles: list[Article]) -> list[dict]:
            seen.extend(dict(a.meta) for a in articles)
            return [{"id": a.id, "text": a.text, "spans": [], "attributions": []} for a in articles]

    cache = tmp_path / "records.jsonl"
    plain = ArticleTexts({"a": "The mayor said so."})
    annotated_records(plain, Pipeline(), cache, progress=False)
    with_publisher = ArticleTexts({"a": "The mayor said so."}, {"a": {"publisher": "wash-post"}})
    records = annotated_records(with_publisher, Pipeline(), cache, progress=False)
    assert seen == [{}, {"publisher": "The Washington Post"}]  # annotated again, the slug read as the outlet's name
    assert record_article(records["a"]).article.meta["publisher"] == "The Washington Post"  # the score sees it
    annotated_records(with_publisher, Pipeline(), cache, progress=False)
    assert len(seen) == 2  # the same text and publisher: reused


def test_the_stored_ratings_have_enough_raters_and_agree() -> None:
    rs = read_ratings([RATINGS / "ratings.jsonl"])
    report = agreement(rs)
    assert report["articles"] >= 120 and report["raters_per_article"]["min"] >= 3
    assert report["krippendorff_alpha_interval"] >= 0.8
    assert all(r.reason for r in rs.ratings)  # every rating carries its one-line reason


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "data" / "polnear").is_dir(), reason="../shared (PolNeAR, seed pages) is not beside the checkout")
def test_the_shipped_score_agrees_with_the_blind_ratings(tmp_path: Path, tagger) -> None:  # tagger: fails early if the model is missing
    """The validity floor: annotate all rated articles with the shipped model, refit, and compare."""
    report = tmp_path / "report.json"
    out = tmp_path / "scoring.yaml"
    result = runner.invoke(
        app,
        [
            "calibrate",
            "--ratings", str(RATINGS / "ratings.jsonl"),
            "--articles", str(RATINGS / "articles.tsv"),
            "--shared", str(SHARED),
            "--records", str(tmp_path / "records.jsonl"),
            "--report", str(report),
            "--out", str(out),
            "--repeats", "3",
            "--quiet",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    r = json.loads(report.read_text(encoding="utf-8"))
    assert r["articles"] >= 120
    assert r["base_config_spearman"] >= 0.78  # the shipped configs/scoring.yaml (0.824 when fitted; before issue 11: 0.37)
    assert r["cv"]["spearman"] >= 0.78  # the fit, cross-validated with the ridge chosen inside each fold (0.810 when fitted)
    lo, hi = r["mapping"]["score_range"]
    assert lo < 20 and hi > 80  # the scale is used end to end
    refit = ScoringConfig.from_yaml(out)
    shipped = ScoringConfig.from_yaml(ROOT / "configs" / "scoring.yaml")
    assert set(refit.weights) == set(shipped.weights) and all(w >= 0 for w in refit.weights.values())
    assert "| component | weight |" in result.output
