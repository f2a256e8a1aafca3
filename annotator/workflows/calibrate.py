"""``annotator calibrate``: fit the score's weights and 0-100 mapping to human 1-5 ratings, and report how well
the score agrees with them (cross-validated), what each component contributes and where it disagrees most.

The articles come from a manifest (``data/ratings/articles.tsv``: id, path; ``example/`` ids under the checkout,
the rest under the shared data directory) or, for a Label Studio round pulled with ``annotator ls pull``, from the
ratings file itself. Each is annotated once with the model (records cached in ``--records``, so a re-fit costs
seconds); the components are computed from the records with the base config (``annotator.scoring.calibration``
says how the fit works).

Who published each article (``meta["publisher"]``: the reporting outlet's own poll or interview named with its name
is its own reporting, ``annotator.scoring.relay``) comes from the manifest's optional ``publisher`` column, else
from the collection's own ``metadata.tsv`` (``filename``, ``publisher`` columns, in a directory above the article
file: PolNeAR ships one), else from a ``publisher`` field of the ratings rows. It is part of the cache key.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from annotator.ratings import RatingSet
from annotator.resources import configs_dir
from annotator.schema import AnnotatedArticle, Article
from annotator.scoring import COMPONENTS, REGISTRY, ScoringConfig, score_article
from annotator.scoring.calibration import choose_ridge, fit_mapping, fit_weights, nested_cv, rank_corr, rating_to_target
from annotator.scoring.context import build_context


class CalibrationError(ValueError):
    """Ratings and articles that cannot be calibrated on (missing articles, too few ratings)."""


META_KEYS = ("publisher",)  # article metadata the records and the score depend on (part of the records cache key)
COLLECTION_METADATA = "metadata.tsv"  # a collection's own metadata beside its texts: filename (stem), publisher


class Manifest(dict[str, Path]):
    """Article id -> file, and each article's metadata (``meta``: id -> {"publisher": ...})."""

    def __init__(self, paths: Mapping[str, Path] | None = None, meta: Mapping[str, dict[str, str]] | None = None) -> None:
        super().__init__(paths or {})
        self.meta: dict[str, dict[str, str]] = dict(meta or {})


class ArticleTexts(dict[str, str]):
    """Article id -> text, and the metadata the articles carry (``meta``, see :data:`META_KEYS`)."""

    def __init__(self, texts: Mapping[str, str] | None = None, meta: Mapping[str, dict[str, str]] | None = None) -> None:
        super().__init__(texts or {})
        self.meta: dict[str, dict[str, str]] = dict(meta or {})


def collection_metadata(article: Path, stop: Path, cache: dict[Path, dict[str, dict[str, str]]] | None = None) -> dict[str, str]:
    """The :data:`META_KEYS` of one article from its collection's ``metadata.tsv`` (a TSV with ``filename``, the file's
    stem, and ``publisher`` columns) in the article's directory or one above it, up to ``stop``; empty without one."""
    cache = {} if cache is None else cache
    stop = stop.resolve()
    folder = article.resolve().parent
    while True:
        table = folder / COLLECTION_METADATA
        if table.is_file():
            if table not in cache:
                with open(table, encoding="utf-8", newline="") as f:
                    rows = list(csv.DictReader(f, delimiter="\t"))
                cache[table] = {r["filename"]: {k: r[k] for k in META_KEYS if r.get(k) and r[k] != "None"} for r in rows if r.get("filename")}
            return cache[table].get(article.stem, {})
        if folder == stop or folder.parent == folder or stop not in folder.parents:
            return {}
        folder = folder.parent


def article_file(path_text: str, article_id: str, here: Path, repo: Path, shared: Path) -> Path:
    """The file a manifest row names: an absolute path as it is, else relative to the manifest's own folder when the
    file is there (a user's collection beside its manifest), else under the checkout for ``example/`` ids and under
    the shared data directory for the rest (PolNeAR, the seed pages)."""
    path = Path(path_text).expanduser()
    if path.is_absolute():
        return path
    if (here / path).is_file():
        return here / path
    return (repo if article_id.startswith("example/") else shared) / path


def collection_root(file: Path, here: Path, repo: Path, shared: Path) -> Path:
    """How far up :func:`collection_metadata` may look for a ``metadata.tsv``: the shared directory, the checkout or the
    manifest's folder, whichever holds the file (else only the file's own folder)."""
    resolved = file.resolve()
    for root in (shared, repo, here):
        if root.resolve() in resolved.parents:
            return root
    return file.parent


def read_manifest(path: Path, repo: Path, shared: Path) -> Manifest:
    """Article id -> file (:func:`article_file`), from a TSV with ``id`` and ``path`` columns; an optional ``publisher`` column, else the
    collection's ``metadata.tsv`` (:func:`collection_metadata`), gives each article's publisher."""
    out = Manifest()
    tables: dict[Path, dict[str, dict[str, str]]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            if not row.get("id") or not row.get("path"):
                raise CalibrationError(f"{path}:{n}: needs 'id' and 'path'")
            out[row["id"]] = file = article_file(row["path"], row["id"], path.parent, repo, shared)
            meta = {k: row[k].strip() for k in META_KEYS if (row.get(k) or "").strip()}
            if not meta and file.is_file():
                meta = collection_metadata(file, collection_root(file, path.parent, repo, shared), tables)
            if meta:
                out.meta[row["id"]] = meta
    return out


def article_texts(ratings: RatingSet, manifest: Mapping[str, Path] | None) -> ArticleTexts:
    """The text of every rated article, from the ratings file (Label Studio rounds) or the manifest, with the
    articles' metadata (the manifest's, else a ``publisher`` field of the ratings rows)."""
    texts = ArticleTexts()
    missing: list[str] = []
    for rid in ratings.ids:
        if rid in ratings.texts:
            texts[rid] = ratings.texts[rid]
        elif manifest is not None and rid in manifest and manifest[rid].is_file():
            texts[rid] = manifest[rid].read_text(encoding="utf-8")
        else:
            missing.append(rid)
            continue
        meta = getattr(manifest, "meta", {}).get(rid) or ratings.meta.get(rid)
        if meta:
            texts.meta[rid] = dict(meta)
    if missing:
        where = "the manifest (--articles)" if manifest is not None else "the ratings file (pass --articles)"
        raise CalibrationError(f"{len(missing)} rated article(s) not found in {where}: {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    return texts


SCORING_FILES = ("scoring.yaml",)  # configs the records do not depend on: they are re-scored with the config being fitted


def pipeline_fingerprint(pipeline: Any) -> str:
    """What the annotated records depend on: the model version, the configs and the package's code (the scoring
    package and ``configs/scoring.yaml`` excluded: records are re-scored with the config being fitted, so writing the
    calibrated config does not make the cache stale). A cached record made by anything else is stale."""
    import annotator

    digest = hashlib.sha256(str(getattr(pipeline, "model_version", "")).encode())
    package = Path(annotator.__file__).parent
    configs = sorted(f for f in configs_dir().rglob("*.*") if f.name not in SCORING_FILES)
    files = configs + sorted(f for f in package.rglob("*.py") if "scoring" not in f.relative_to(package).parts)
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def article_meta(texts: Mapping[str, str], key: str, scoring: ScoringConfig | None = None) -> dict[str, str]:
    """The :data:`META_KEYS` an article carries (``ArticleTexts.meta``), as strings; a publisher given as a key of the
    scoring config's ``publishers`` ("wash-post") becomes the outlet's first name there ("The Washington Post"), so
    the sources stage and the score read the same outlet."""
    meta = getattr(texts, "meta", {}).get(key) or {}
    out = {k: str(meta[k]) for k in META_KEYS if meta.get(k)}
    if "publisher" in out and scoring is not None:
        out["publisher"] = scoring.publisher_names(out["publisher"])[0]
    return out


def annotated_records(texts: Mapping[str, str], pipeline: Any, cache: Path | None, progress: bool = True) -> dict[str, dict[str, Any]]:
    """Records for every article, reusing ``cache`` rows made from the same text and metadata (``raw_meta``: the
    publisher) by the same pipeline (:func:`pipeline_fingerprint`) and appending new ones."""
    records: dict[str, dict[str, Any]] = {}
    fingerprint = pipeline_fingerprint(pipeline) if cache is not None else ""
    scoring = getattr(pipeline, "scoring_config", None)
    metas = {k: article_meta(texts, k, scoring if isinstance(scoring, ScoringConfig) else None) for k in texts}
    if cache is not None and cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn last line from an interrupted run: annotated again below
            rid = rec.get("id")
            same = rec.get("raw_text") == texts.get(rid) and rec.get("pipeline") == fingerprint and (rec.get("raw_meta") or {}) == metas.get(rid)
            if same and "error" not in rec:
                records[rec["id"]] = rec
    todo = [k for k in texts if k not in records]
    if todo:
        out = open(cache, "a", encoding="utf-8") if cache is not None else None
        try:
            with tqdm(total=len(todo), desc="annotating rated articles", unit="article", disable=not progress) as bar:
                for i in range(0, len(todo), 8):
                    batch = todo[i : i + 8]
                    prepared = [pipeline.prepare(Article(k, texts[k], dict(metas[k]))) for k in batch]
                    ok = [p for p in prepared if isinstance(p, Article)]
                    done = iter(pipeline.process(ok)) if ok else iter(())
                    for k, p in zip(batch, prepared, strict=True):
                        rec = next(done) if isinstance(p, Article) else p.to_record()
                        if "error" in rec:
                            raise CalibrationError(f"article {k} could not be annotated: {rec['error']}")
                        rec["raw_text"] = texts[k]
                        rec["raw_meta"] = metas[k]
                        rec["pipeline"] = fingerprint
                        records[k] = rec
                        if out is not None:
                            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    if out is not None:
                        out.flush()
                    bar.update(len(batch))
        finally:
            if out is not None:
                out.close()
    return records


def record_article(rec: Mapping[str, Any]) -> AnnotatedArticle:
    """A cached record as the score sees it: with the metadata it was annotated with (``raw_meta``: the publisher)."""
    doc = AnnotatedArticle.from_record(dict(rec))
    doc.article.meta.update(rec.get("raw_meta") or {})
    return doc


def component_matrix(records: Sequence[Mapping[str, Any]], cfg: ScoringConfig, names: Sequence[str] = COMPONENTS) -> np.ndarray:
    """Rows: articles; columns: every registered component's value (weights play no part)."""
    rows = []
    for rec in records:
        ctx = build_context(record_article(rec), cfg)
        rows.append([REGISTRY[n](ctx)["value"] for n in names])
    return np.array(rows, dtype=float)


@dataclass
class Calibration:
    """The fitted weights and mapping, and the report that justifies them."""

    weights: dict[str, float]
    calibration: dict[str, Any]
    report: dict[str, Any]


def calibrate(
    records: Mapping[str, Mapping[str, Any]],
    ratings: RatingSet,
    base: ScoringConfig,
    names: Sequence[str] | None = None,
    folds: int = 5,
    repeats: int = 5,
    log: Callable[[str], None] = lambda m: None,
) -> Calibration:
    """Fit weights (ridge chosen by CV Spearman) and the logistic mapping on all articles; report nested-CV
    Spearman, each component's own correlation and weight, the drop-one loss, and the worst disagreements.

    ``names``: the components to fit, by default those the base config's ``weights`` name (a registered component
    left out of the config stays out; the report gives its own correlation and the CV Spearman with it added)."""
    names = tuple(names) if names is not None else tuple(base.weights)
    left_out = [n for n in COMPONENTS if n not in names]
    means = ratings.mean()
    ids = [k for k in means if k in records]
    if len(ids) < 2 * folds:
        raise CalibrationError(f"need at least {2 * folds} rated articles for {folds}-fold cross-validation, have {len(ids)}")
    y = np.array([means[k] for k in ids])
    log(f"computing {len(names)} components on {len(ids)} articles")
    x = component_matrix([records[k] for k in ids], base, names)
    log("cross-validating (nested: the ridge is chosen inside each training fold)")
    cv = nested_cv(x, y, folds=folds, repeats=repeats)
    ridge = choose_ridge(x, y, folds=folds)
    w = fit_weights(x, y, ridge)
    raw = x @ w
    xs, ys, (a, b) = fit_mapping(raw, rating_to_target(y))
    weights = {n: round(float(v), 4) for n, v in zip(names, w, strict=True)}
    drift = round(1.0 - sum(weights.values()), 4)  # rounding: put the remainder on the largest weight
    weights[max(weights, key=weights.get)] += drift
    weights = {k: round(v, 4) for k, v in weights.items()}
    base_scores = [score_article(record_article(records[k]), base).overall for k in ids]
    fitted = ScoringConfig.from_dict({**base.to_dict(), "weights": weights, "calibration": {"raw": xs, "score": ys, "fitted_on": "fit"}})
    fitted_scores = [fitted.to_score(float(r)) for r in raw]
    components = {}
    for j, n in enumerate(names):
        keep = [i for i in range(len(names)) if i != j]
        drop = nested_cv(x[:, keep], y, folds=folds, repeats=2).spearman if weights[n] > 0 else cv.spearman
        components[n] = {
            "weight": weights[n],
            "spearman_alone": round(rank_corr(x[:, j], y), 3),
            "mean_value": round(float(x[:, j].mean()), 3),
            "share_of_raw": round(float((w[j] * x[:, j]).sum() / raw.sum()), 3) if raw.sum() else 0.0,
            "cv_spearman_without": round(drop, 3),
            "doc": (REGISTRY[n].__doc__ or "").strip().split("\n")[0],
        }
    unused = {}
    if left_out:
        extra = component_matrix([records[k] for k in ids], base, left_out)
        for j, n in enumerate(left_out):
            unused[n] = {
                "spearman_alone": round(rank_corr(extra[:, j], y), 3),
                "cv_spearman_with": round(nested_cv(np.column_stack([x, extra[:, j]]), y, folds=folds, repeats=2).spearman, 3),
                "doc": (REGISTRY[n].__doc__ or "").strip().split("\n")[0],
            }
    reasons: dict[str, list[str]] = {}
    for r in ratings.ratings:
        reasons.setdefault(r.id, []).append(f"{r.rater} {r.rating}: {r.reason}")
    rank_pred = np.argsort(np.argsort(cv.predictions)) / (len(ids) - 1)
    rank_true = np.argsort(np.argsort(y + 1e-6 * np.arange(len(y)))) / (len(ids) - 1)
    worst = np.argsort(-np.abs(rank_pred - rank_true))[:10]
    disagreements = [
        {
            "id": ids[i],
            "mean_rating": round(float(y[i]), 2),
            "score": round(fitted_scores[i], 1),
            "direction": "score too high" if rank_pred[i] > rank_true[i] else "score too low",
            "rank_gap": round(float(rank_pred[i] - rank_true[i]), 2),
            "components": {n: round(float(x[i, j]), 2) for j, n in enumerate(names)},
            "raters": reasons.get(ids[i], [])[:2],
        }
        for i in worst
    ]
    report = {
        "articles": len(ids),
        "raters": len(ratings.raters),
        "cv": {"folds": folds, "repeats": repeats, "spearman": round(cv.spearman, 3), "sd": round(cv.spread, 3)},
        "in_sample_spearman": round(rank_corr(raw, y), 3),
        "base_config_spearman": round(rank_corr(base_scores, y), 3),
        "ridge": ridge,
        "mapping": {"a": round(a, 4), "b": round(b, 4), "score_range": [round(min(fitted_scores), 1), round(max(fitted_scores), 1)]},
        "components": components,
        "left_out": unused,
        "worst_disagreements": disagreements,
    }
    calibration = {"raw": xs, "score": ys, "fitted_on": f"{len(ids)} articles, {len(ratings.raters)} raters"}
    return Calibration(weights, calibration, report)


def _block(key: str, lines: list[str]) -> str:
    return f"{key}:" + "".join(f"\n  {line}" for line in lines) + "\n"


def write_config(base_path: Path, result: Calibration, out: Path) -> None:
    """The base YAML with its ``weights`` and ``calibration`` blocks replaced (comments elsewhere kept)."""
    text = base_path.read_text(encoding="utf-8")
    weight_lines = [f"{k}: {v:<8g}  # {result.report['components'][k]['doc']}" for k, v in result.weights.items()]
    cal = result.calibration
    cal_lines = [f"raw: [{', '.join(f'{v:g}' for v in cal['raw'])}]", f"score: [{', '.join(f'{v:g}' for v in cal['score'])}]", f"fitted_on: {cal['fitted_on']}"]
    header_w = "# component weights (non-negative, sum to 1), fitted by `annotator calibrate`; a component left out is dropped\n"
    header_c = "# raw (weighted sum, 0-1) -> overall (0-100), piecewise linear through a fitted logistic (`annotator calibrate`)\n"
    for key, header, lines in (("weights", header_w, weight_lines), ("calibration", header_c, cal_lines)):
        pattern = re.compile(rf"^(#[^\n]*\n)*{key}:[^\n]*\n(?:[ \t]+[^\n]*\n|[ \t]*#[^\n]*\n)*", re.MULTILINE)
        if not pattern.search(text):
            raise CalibrationError(f"{base_path}: no top-level '{key}:' block to replace")
        text = pattern.sub(lambda m, h=header, k=key, ls=lines: h + _block(k, ls), text, count=1)
    ScoringConfig.from_dict(__import__("yaml").safe_load(text), str(out))  # refuse to write a config we cannot load
    out.write_text(text, encoding="utf-8")


def format_report(report: Mapping[str, Any]) -> str:
    """The calibration report as Markdown (also what the command prints)."""
    cv = report["cv"]
    lines = [
        f"# Calibration on {report['articles']} rated articles ({report['raters']} raters)",
        "",
        f"- Cross-validated Spearman with the mean rating: **{cv['spearman']:.3f}** (sd {cv['sd']:.3f}; nested "
        f"{cv['folds']}-fold x {cv['repeats']}, ridge chosen inside each training fold)",
        f"- In-sample Spearman of the fitted weights: {report['in_sample_spearman']:.3f}; the base config's score: {report['base_config_spearman']:.3f}",
        f"- Mapping: score = 100 / (1 + exp(-({report['mapping']['a']:.3f} + {report['mapping']['b']:.3f} * raw))); "
        f"scores on this set span {report['mapping']['score_range'][0]:g}-{report['mapping']['score_range'][1]:g}; ridge {report['ridge']:g}",
        "",
        "| component | weight | share of raw | Spearman alone | CV Spearman without it | what it measures |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, c in report["components"].items():
        lines.append(f"| {name} | {c['weight']:.3f} | {c['share_of_raw']:.2f} | {c['spearman_alone']:+.3f} | {c['cv_spearman_without']:.3f} | {c['doc']} |")
    for name, c in (report.get("left_out") or {}).items():
        lines.append(f"| {name} (not in the config) | - | - | {c['spearman_alone']:+.3f} | with it: {c['cv_spearman_with']:.3f} | {c['doc']} |")
    ag = report.get("rater_agreement")
    if ag:
        pairs = ", ".join(f"{k} {v:.2f}" for k, v in ag["pairwise_spearman"].items())
        loo = ", ".join(f"{k} {v:.2f}" for k, v in ag["rater_vs_others"].items())
        lines += [
            "",
            "## Rater agreement (the ceiling for any score)",
            "",
            f"- {ag['ratings']} ratings, {ag['raters_per_article']['min']}-{ag['raters_per_article']['max']} raters per article",
            f"- Pairwise Spearman: {pairs} (mean {ag['mean_pairwise_spearman']:.3f})",
            f"- Each rater against the mean of the others: {loo} (mean {ag['mean_rater_vs_others']:.3f})",
            f"- Krippendorff's alpha: interval {ag['krippendorff_alpha_interval']:.3f}, ordinal {ag['krippendorff_alpha_ordinal']:.3f}",
        ]
    lines += ["", "## Worst disagreements (out-of-fold rank vs mean-rating rank)", ""]
    for d in report["worst_disagreements"]:
        lines.append(f"- `{d['id']}`: mean rating {d['mean_rating']:g}, score {d['score']:g} ({d['direction']}, rank gap {d['rank_gap']:+.2f})")
        for r in d["raters"]:
            lines.append(f"  - {r}")
    return "\n".join(lines) + "\n"
