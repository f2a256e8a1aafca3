"""Model card (README.md in the model directory) generated from metrics.json, so it never disagrees with
the measured figures."""

from __future__ import annotations

from pathlib import Path

from annotator.schema import LABELS


def _row(name: str, m: dict) -> str:
    return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |"


def render_model_card(metrics: dict) -> str:
    dev = metrics.get("dev") or {}
    lines = [
        f"# {metrics.get('model_version', 'attribution tagger')}",
        "",
        "Token classifier for attribution in news: BIO tags over SOURCE, CUE and CONTENT spans (one label per",
        "word), decoded with BIO-constrained Viterbi over overlapping windows, and linked into attributions by",
        "a pairwise logistic-regression linker (`linker.json`).",
        "",
        "## Data",
        f"- Base encoder: `{metrics.get('base_model')}` (uncased MiniLM, 6 layers, 384 hidden) plus a word-shape embedding.",
        "- Training: PolNeAR (Newell, Margolin & Ruths, LREC 2018) train split, every annotator's file"
        f" ({metrics.get('train_articles')} annotated articles, {metrics.get('train_windows')} windows).",
        f"- Selection and figures below: PolNeAR dev split ({metrics.get('dev_articles')} articles, one annotator"
        " per article, the first by file name). The test split was not used.",
        "- Correction rounds from Label Studio are added by `annotator retrain` when present (see metrics.json `config.data`).",
        "",
    ]
    if dev:
        lines += [
            "## Dev scores",
            "",
            "Word-token (definitions in `annotator/modeling/evaluation.py`):",
            "",
            "| label | P | R | F1 |",
            "| --- | --- | --- | --- |",
        ]
        lines += [_row(lab, dev["token"][lab]) for lab in (*LABELS, "pooled")]
        lines += ["", "Exact span:", "", "| label | P | R | F1 |", "| --- | --- | --- | --- |"]
        lines += [_row(lab, dev["exact_span"][lab]) for lab in (*LABELS, "pooled")]
        lines += ["", "Overlap span:", "", "| label | P | R | F1 |", "| --- | --- | --- | --- |"]
        lines += [_row(lab, dev["overlap_span"][lab]) for lab in (*LABELS, "pooled")]
        if "linking" in dev:
            lk = dev["linking"]
            lines += ["", f"Linking accuracy on gold spans: {lk['triple_accuracy']:.3f} of {lk['attributions']} gold attributions rebuilt exactly."]
        if "attribution_end_to_end" in dev:
            e2e = dev["attribution_end_to_end"]
            lines += [f"End-to-end attribution F1 (exact spans): {e2e['f1']:.3f}."]
    if dev.get("decoding"):
        lines += [
            "",
            "Decoding, measured on dev with the same weights (pooled F1):",
            "",
            "| decoding | token | exact span | end-to-end attribution |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {r['decoding']} | {r['token_f1']:.3f} | {r['exact_f1']:.3f} | {r['attribution_f1']:.3f} |" for r in dev["decoding"]]
    if metrics.get("history"):
        lines += ["", "Dev after each epoch (plain BIO Viterbi; the best epoch is kept):", "", "| epoch | token F1 | exact F1 |", "| --- | --- | --- |"]
        lines += [f"| {h['epoch']:g} | {h['token_f1']:.3f} | {h['exact_f1']:.3f} |" for h in metrics["history"]]
    opt = (metrics.get("config") or {}).get("optim", {})
    model_cfg = (metrics.get("config") or {}).get("model", {})
    lines += [
        "",
        "## Training",
        f"- {metrics.get('steps')} steps, {opt.get('epochs')} epochs max, batch {opt.get('batch_size')}, lr {opt.get('learning_rate')}"
        f" (head {opt.get('head_learning_rate')}), warmup {opt.get('warmup_ratio')}, label smoothing {opt.get('label_smoothing')},"
        f" seed {opt.get('seed')}; windows of {model_cfg.get('max_length')} subwords overlapping by {model_cfg.get('stride')}.",
        f"- Selected on dev by `{metrics.get('selection_metric')}`; {metrics.get('train_seconds')} s on CPU.",
        f"- Decoding: BIO-constrained Viterbi with a transition prior counted on train, weight {metrics.get('transition_weight', 0.0)} (tuned on dev).",
        "- Weights stored as float16 safetensors; loaded as float32.",
        "",
        "## Claims head",
        "- `claims_head.safetensors` (when present) is the check-worthiness head on this encoder's states, trained on ClaimBuster;",
        "  its data and dev scores are in `claims_card.md` and `claims_metrics.json`.",
        "",
        "## Limits",
        "- Trained on US political news of 2015-2016 in English; other domains and languages are out of scope.",
        "- The encoder is uncased; capitalisation enters only through the word-shape feature.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(directory: Path, metrics: dict) -> None:
    (Path(directory) / "README.md").write_text(render_model_card(metrics), encoding="utf-8")


def replace_card_section(directory: Path, name: str, body: str) -> None:
    """Put ``body`` in the model card between ``<!-- name:start -->`` and ``<!-- name:end -->``, replacing the
    section an earlier run wrote, so a measurement stored with a model is also what its card says."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    card = Path(directory) / "README.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else ""
    section = f"{start}\n{body.rstrip()}\n{end}\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    card.write_text(text, encoding="utf-8")
