"""Inference precision: which one `auto` picks on which CPU, what int8 keeps in fp32, that every precision tags real
text with the shipped weights, and that the model card records every precision's dev figures. No timing here:
speed is measured by scripts/bench.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from annotator.cli import app
from annotator.modeling.precision import PRECISIONS, FullRangeDynamicLinear, apply, choose, inference_config, int8_layers, int8_qconfig, native_precisions
from annotator.tagger import Tagger, default_model_dir

AMX = frozenset({"avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "amx_tile"})
AVX2 = frozenset({"avx2", "fma"})
OLD = frozenset({"sse4_2"})


def _figures(tmp_path: Path, int8_loss: float, bf16_loss: float = 0.001) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    figures = {"fp32": {"exact_f1": 0.72, "words_per_s": 100}, "bf16": {"exact_f1": 0.72 - bf16_loss, "words_per_s": 50},
               "int8": {"exact_f1": 0.72 - int8_loss, "words_per_s": 150}}  # fmt: skip
    (tmp_path / "precision.json").write_text(json.dumps({"precisions": figures}), encoding="utf-8")
    return tmp_path


def test_native_precisions_follow_the_cpu_flags() -> None:
    assert native_precisions(AMX) == ["fp32", "bf16", "int8"]
    assert native_precisions(AVX2) == ["fp32", "int8"]
    assert native_precisions(OLD) == ["fp32"]


def test_auto_takes_the_preferred_native_precision_that_kept_accuracy(tmp_path: Path) -> None:
    ok = _figures(tmp_path / "ok", int8_loss=0.004)
    assert choose("auto", ok, AMX)[0] == "int8"
    assert choose("auto", ok, AVX2)[0] == "int8"
    assert choose("auto", ok, OLD)[0] == "fp32"  # nothing faster runs natively: fall back
    lossy = _figures(tmp_path / "lossy", int8_loss=0.02)
    assert choose("auto", lossy, AMX)[0] == "bf16"  # int8 lost too much; bf16 is native on AMX and kept accuracy
    assert choose("auto", lossy, AVX2)[0] == "fp32"
    assert choose("auto", tmp_path, AMX) == ("fp32", "auto: no per-precision figures stored with the model")
    assert choose("bf16", ok, OLD)[1].endswith("it will be slow)")  # explicit requests are honoured, with a warning
    with pytest.raises(ValueError, match="precision must be one of"):
        choose("fp16", ok, AMX)


def test_int8_quantizes_the_configured_layers() -> None:
    tagger = Tagger.from_pretrained(precision="fp32")
    linears = [n for n, m in tagger.model.encoder.named_modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 37 and all(n.startswith("encoder.layer.") for n in linears[:-1]) and linears[-1] == "pooler.dense"
    # keep_fp32 patterns are searched in these names: one that names layer 0 keeps exactly its six layers in fp32
    assert int8_layers(tagger.model, [r"^encoder\.layer\.0\."]) == [n for n in linears if not n.startswith("encoder.layer.0.")]
    assert int8_layers(tagger.model, [r"\.output\.dense$"]) == [n for n in linears if not n.endswith("output.dense")]
    settings = inference_config().int8
    expected = set(int8_layers(tagger.model, settings.keep_fp32))
    model = apply(tagger.model, "int8")  # replaces the encoder of the model it is given
    quantized = {n for n, m in model.encoder.named_modules() if isinstance(m, FullRangeDynamicLinear)}
    kept = {n for n, m in model.encoder.named_modules() if type(m) is torch.nn.Linear}
    assert settings.reduced_range == "weights"
    assert quantized == expected and kept == set(linears) - quantized
    assert type(model.classifier) is torch.nn.Linear  # the classifier stays fp32


def test_full_range_int8_keeps_weights_on_7_bits_and_activations_on_8() -> None:
    torch.manual_seed(0)
    layer = torch.nn.Sequential(torch.nn.Linear(64, 32))
    qconfig = int8_qconfig(per_channel=True, reduced_range="weights")
    q = torch.ao.quantization.quantize_dynamic(layer, {"0": qconfig}, dtype=torch.qint8, mapping={torch.nn.Linear: FullRangeDynamicLinear})
    weight = q[0].weight().int_repr()
    assert weight.min() >= -64 and weight.max() <= 63 and weight.abs().max() >= 60  # 7 bits, and the range is used
    x = torch.randn(5, 64)
    with torch.inference_mode():
        ours, ref = q(x), layer(x)
        again = q(x)
    assert torch.equal(ours, again)  # deterministic
    assert (ours - ref).abs().max() < 0.05 * ref.abs().max()


@pytest.mark.parametrize("precision", PRECISIONS)
def test_every_precision_tags_real_text_like_fp32(precision: str) -> None:
    text = 'The county engineer, Dana Whitfield, said the repairs would take four months. "We found more rust," she said.'
    reference = {(s.start, s.end, s.label) for s in Tagger.from_pretrained(precision="fp32").annotate([text])[0].spans}
    other = Tagger.from_pretrained(precision=precision)
    assert other.precision == precision
    spans = {(s.start, s.end, s.label) for s in other.annotate([text])[0].spans}
    assert len(spans & reference) >= 0.8 * len(reference) and ("SOURCE" in {s[2] for s in spans})


def test_the_model_card_records_every_precision() -> None:
    data = json.loads((default_model_dir() / "precision.json").read_text(encoding="utf-8"))
    assert set(data["precisions"]) == set(PRECISIONS)
    card = (default_model_dir() / "README.md").read_text(encoding="utf-8")
    for p, m in data["precisions"].items():
        assert f"| {p} | {m['exact_f1']:.4f} |" in card


def test_a_bad_precision_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("The mayor said the bridge would reopen.", encoding="utf-8")
    result = CliRunner().invoke(app, ["annotate", str(src), "--out", str(tmp_path / "o.jsonl"), "--precision", "fp16"])
    assert result.exit_code == 2 and "precision must be one of" in result.output
