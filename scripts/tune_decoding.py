#!/usr/bin/env python
"""Add (or refresh) the transition prior of an existing model directory and tune its weight on dev.

`annotator train` does this itself; this script applies it to a model trained before, e.g.
    .venv/bin/python scripts/tune_decoding.py --model runs/r2 --polnear ../shared/data/polnear
It rewrites config.json, metrics.json (dev figures) and the model card in place.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.bio import spans_to_bio, transition_log_probs
from annotator.modeling.model_card import write_model_card
from annotator.modeling.trainer import tune_transition_weight
from annotator.polnear import load_split
from annotator.tagger import Tagger
from annotator.text import words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--polnear", type=Path, default=Path("../shared/data/polnear"))
    ap.add_argument("--metric", default="exact_f1", choices=["exact_f1", "token_f1", "mean"])
    args = ap.parse_args()

    tagger = Tagger.from_pretrained(args.model)
    train = load_split(args.polnear / "train", all_annotators=True)
    dev = load_split(args.polnear / "dev")
    cfg = tagger.model.config
    cfg.transition_scores = transition_log_probs([spans_to_bio(words(d.text), d.spans) for d in train]).round(4).tolist()
    weight, metrics = tune_transition_weight(tagger.model, tagger.tokenizer, tagger.linker, dev, args.metric)
    cfg.transition_weight = weight
    cfg.save(args.model)
    path = args.model / "metrics.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    linking = saved.get("dev", {}).get("linking")
    saved["dev"] = metrics | ({"linking": linking} if linking else {})
    saved["transition_weight"] = weight
    path.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
    write_model_card(args.model, saved)
    print(f"transition weight {weight}; dev exact F1 {metrics['exact_span']['pooled']['f1']:.4f}, token F1 {metrics['token']['pooled']['f1']:.4f}")


if __name__ == "__main__":
    main()
