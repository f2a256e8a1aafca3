"""The explainable sourcing score: 0-100 from the rubric in ``configs/scoring.yaml``.

Why a rubric and not a model: a standards desk must be able to read *why* an article scored what it did.
Each component is a value in [0, 1] with its weight, the span ids that earned it and a short reason; the
overall score is ``100 * sum(weight * value)``. The function is pure (article + spans + attributions +
sources + claims + config in, a dict out) and deterministic.

Components (the numbers live in the config):

* ``coverage``: share of check-worthy claims that an attribution carries. Sentences about the reporting
  itself (a methodology statement, a request for comment) are not claims to attribute.
* ``transparency``: mean over sources, weighted by how many attributions each carries, of a per-type value
  (named person 1.0 ... vague anonymous low); anonymous sources earn a bonus for specificity; another
  outlet's report is worth no more than the outlet itself (``secondhand_cap``).
* ``breadth``: people and bodies the story rests on, ``n / (n + half_saturation)``. A source with an
  explicit count ("three officials") counts that many, people reached through other outlets a fraction; a
  methodology sentence ("spoke to four officials and two diplomats") counts too: breadth takes the larger.
* ``diversity``: distinct affiliations among the sources (unaffiliated sources form one group per kind:
  named, anonymous, documents; other outlets one group), ``g / (g + half_saturation)``.
* ``primary``: one minus the share of attributions resting on other outlets' reporting.
* ``practice``: direct quotes (on the record count fully), a methodology statement, comment sought from
  the people concerned, a reason given for anonymity.

The reporting outlet ("Reuters talked to ...", "told Reuters": sources marked ``reporter``, or named only in
a methodology sentence) is not a source and is left out of the source statistics; so are sources that no
attribution uses (a SOURCE span the linker attached to no cue), unless ``sources.count_unlinked`` is set, and
attributions that only report a refusal to comment (``sources.skip_non_answers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.configcheck import Bool, ConfigError, Int, ListOf, MapOf, Num, Regex, Str, check, check_sums_to_one, load_yaml
from annotator.schema import SOURCE_TYPES, AnnotatedArticle
from annotator.text import sentences

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "scoring.yaml"
COMPONENTS = ("coverage", "transparency", "breadth", "diversity", "primary", "practice")
ANONYMOUS_TYPES = ("ANONYMOUS_DESCRIBED", "ANONYMOUS_VAGUE")
ON_RECORD_TYPES = ("NAMED_PERSON", "NAMED_ORGANIZATION", "DOCUMENT")
SIGNALS = ("direct_quotes", "methodology", "sought_comment", "anonymity_reason")
FLAGS = (
    "no_attribution",
    "all_anonymous",
    "mostly_anonymous",
    "single_source",
    "single_anonymous_source",
    "mostly_secondhand",
    "low_coverage",
    "methodology_statement",
    "sought_comment",
    "on_record_quotes",
    "anonymity_explained",
)
_QUOTES = '"“”„«»'
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "dozen": 12, "a dozen": 12, "two dozen": 24, "dozens of": 24,
}  # fmt: skip

_UNIT = Num(0.0, 1.0)
_SCHEMA: dict[str, Any] = {
    "weights": MapOf(_UNIT, allowed=COMPONENTS, required=True),
    "coverage": {"min_checkworthy": _UNIT, "no_claims_value": _UNIT},
    "sources": {"count_unlinked": Bool(), "skip_non_answers": Bool()},
    "transparency": {
        "type_values": MapOf(_UNIT, allowed=SOURCE_TYPES, required=True),
        "anonymous_specificity_bonus": _UNIT,
        "max_specificity": Num(1e-9),
        "secondhand_cap": _UNIT,
        "secondhand_cap_exempt": ListOf(Str()),
    },
    "breadth": {"half_saturation": Num(1e-9), "max_methodology_count": Int(1, 100_000), "secondhand_weight": _UNIT},
    "diversity": {"half_saturation": Num(1e-9), "outlets_as_one_group": Bool()},
    "primary": {"secondhand_types": ListOf(Str()), "media_words": ListOf(Regex())},
    "practice": {
        "signal_weights": MapOf(_UNIT, allowed=SIGNALS, required=True),
        "quotes_for_full": Int(1, 1000),
        "anonymous_quote_value": _UNIT,
        "anonymity_reason_when_no_anonymous": _UNIT,
    },
    "flags": {"mostly_anonymous": _UNIT, "mostly_secondhand": _UNIT, "low_coverage": _UNIT, "on_record_quotes": Int(1, 1000)},
    "patterns": {"methodology": ListOf(Regex(), 1), "sought_comment": ListOf(Regex(), 1), "anonymity_reason": ListOf(Regex(), 1)},
    "methodology_counts": {"people_nouns": ListOf(Str(), 1), "max_words_between": Int(0, 20)},
}


@dataclass
class ScoringConfig:
    """The validated ``configs/scoring.yaml`` (patterns compiled)."""

    raw: dict[str, Any]
    path: str = "scoring.yaml"

    def __post_init__(self) -> None:
        where = Path(self.path).name
        check(self.raw, _SCHEMA, where)
        check_sums_to_one(self.raw["weights"], f"{where}: weights")
        check_sums_to_one(self.raw["practice"]["signal_weights"], f"{where}: practice.signal_weights")
        for key, types in (
            ("primary.secondhand_types", self.raw["primary"]["secondhand_types"]),
            ("transparency.secondhand_cap_exempt", self.raw["transparency"]["secondhand_cap_exempt"]),
        ):
            bad = sorted(set(types) - set(SOURCE_TYPES))
            if bad:
                raise ConfigError(f"{where}: {key}: unknown source types {bad} (known: {list(SOURCE_TYPES)})")
        self.patterns = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in self.raw["patterns"].items()}
        self.media_words = [re.compile(p, re.IGNORECASE) for p in self.raw["primary"]["media_words"]]
        nouns = "|".join(sorted({re.escape(n.lower()) for n in self.raw["methodology_counts"]["people_nouns"]}, key=len, reverse=True))
        numbers = "|".join(sorted((re.escape(k) for k in _NUMBER_WORDS), key=len, reverse=True))
        between = self.raw["methodology_counts"]["max_words_between"]
        self.count_re = re.compile(rf"\b(?P<num>\d+|{numbers})\s+(?:[\w’'\-.]+\s+){{0,{between}}}?(?P<noun>{nouns})\b", re.IGNORECASE)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> ScoringConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        return cls(load_yaml(path, "scoring"), str(path))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], name: str = "scoring config") -> ScoringConfig:
        return cls(dict(raw), name)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> ScoringConfig:
    return ScoringConfig.from_yaml(path)


# ------------------------------------------------------------------------------------------ helpers


@dataclass
class _Source:
    id: str
    type: str
    specificity: float
    people: int
    weight: int
    span_ids: list[str]
    affiliation: str | None
    name: str | None
    secondhand: bool

    @property
    def anonymous(self) -> bool:
        return self.type in ANONYMOUS_TYPES


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside_any(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= start and end <= hi for lo, hi in ranges)


def _norm(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"^(the)\s+", "", text.strip().lower())
    text = re.sub(r"[’'`]s\b", "", text)
    return re.sub(r"\s+", " ", text) or None


def _is_secondhand(source: Mapping[str, Any], cfg: ScoringConfig) -> bool:
    """Another outlet's reporting: marked so by the sources stage, of a secondhand type, or named with a media
    word in any mention ("the Iraqi newspaper Al-Mada", "the regional broadcaster Valley One")."""
    if source.get("secondhand") or str(source.get("type")) in cfg["primary"]["secondhand_types"]:
        return True
    texts = [str(m.get("text", "")) for m in source.get("mentions", [])]
    return any(p.search(t) for p in cfg.media_words for t in texts)


def _non_answers(doc: AnnotatedArticle, cfg: ScoringConfig) -> set[str]:
    """Attributions that report a refusal, not information ("Qaani ... did not immediately reply to requests
    for comment", "a spokesperson declined to comment"): their cue and content match a sought_comment pattern."""
    spans = doc.span_by_id()
    out: set[str] = set()
    for a in doc.attributions:
        parts = [doc.text[spans[i].start : spans[i].end] for i in [a.cue, *a.content] if i and i in spans]
        if parts and any(p.search(" ".join(parts)) for p in cfg.patterns["sought_comment"]):
            out.add(a.id)
    return out


def _people(source: Mapping[str, Any]) -> int:
    """People one source stands for, counted as the sources stage counts them ("three officials" -> 3)."""
    from annotator.sources import distinct_source_count

    return distinct_source_count([dict(source)])


def _signal_sentences(text: str, ranges: Sequence[tuple[int, int]], cfg: ScoringConfig) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = {k: [] for k in cfg.patterns}
    for start, end in ranges:
        sentence = text[start:end]
        for name, patterns in cfg.patterns.items():
            if any(p.search(sentence) for p in patterns):
                found[name].append((start, end))
    return found


def methodology_people(text: str, ranges: Sequence[tuple[int, int]], cfg: ScoringConfig) -> int:
    """People counted in methodology sentences: "three Iranian officials, a senior Iraqi security official" -> 4."""
    total = 0
    for start, end in ranges:
        for m in cfg.count_re.finditer(text[start:end]):
            num = m.group("num").lower()
            value = int(num) if num.isdigit() else _NUMBER_WORDS.get(num, 0)
            total += min(value, cfg["breadth"]["max_methodology_count"])
    return total


def _round(x: float) -> float:
    return round(float(x), 4)


def _component(value: float, weight: float, spans: Sequence[str], reason: str, **extra: Any) -> dict[str, Any]:
    out = {"value": _round(max(0.0, min(1.0, value))), "weight": weight, "spans": list(spans), "reason": reason}
    out.update(extra)
    return out


def _plural(n: int | float, word: str) -> str:
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


# ------------------------------------------------------------------------------------------- score


def score_article(doc: AnnotatedArticle, config: ScoringConfig | None = None) -> dict[str, Any]:
    """The ``score`` field of a record: overall, components (value, weight, spans, reason), flags, evidence.

    Reads ``doc.spans``, ``doc.attributions``, ``doc.sources`` and ``doc.claims`` (empty lists when absent).
    """
    cfg = config or load_config()
    text = doc.text
    spans = doc.span_by_id()
    order = {s.id: (s.start, s.end) for s in doc.spans}

    def sort_ids(ids: set[str] | list[str]) -> list[str]:
        return sorted({i for i in ids if i in order}, key=lambda i: order[i])

    sentence_ranges = sentences(text)
    signals = _signal_sentences(text, sentence_ranges, cfg)
    reporting_sentences = signals["methodology"] + signals["sought_comment"]

    # ---- sources: resolve span -> source, weigh by the attributions each carries
    non_answers = _non_answers(doc, cfg) if cfg["sources"]["skip_non_answers"] else set()
    attributions_by_source_span: dict[str, list[str]] = {}
    for a in doc.attributions:
        if a.source is not None and a.id not in non_answers:
            attributions_by_source_span.setdefault(a.source, []).append(a.id)
    source_of_span: dict[str, _Source] = {}
    all_sources: list[_Source] = []
    kept_raw: list[Mapping[str, Any]] = []
    for raw in doc.sources or []:
        mention_spans = [m.get("span") for m in raw.get("mentions", []) if m.get("span")]
        mention_ranges = [(int(m["start"]), int(m["end"])) for m in raw.get("mentions", []) if "start" in m and "end" in m]
        if raw.get("reporter") or (mention_ranges and all(_inside_any(s, e, signals["methodology"]) for s, e in mention_ranges)):
            continue  # the reporting outlet itself ("Reuters talked to ...", "told MEE"), not a source
        n_attr = sum(len(attributions_by_source_span.get(sid, [])) for sid in mention_spans)
        if n_attr == 0 and not cfg["sources"]["count_unlinked"]:
            continue  # a SOURCE span that no attribution uses: nothing is attributed to it
        spec = raw.get("specificity")
        spec_value = float(spec) if isinstance(spec, (int, float)) and not isinstance(spec, bool) else 0.0
        src = _Source(
            id=str(raw.get("id")),
            type=str(raw.get("type", "REFERENCE")),
            specificity=max(0.0, min(1.0, spec_value / cfg["transparency"]["max_specificity"])),
            people=_people(raw),
            weight=max(1, n_attr),
            span_ids=[s for s in mention_spans if s in spans],
            affiliation=_norm(raw.get("affiliation")),
            name=_norm(raw.get("name")),
            secondhand=_is_secondhand(raw, cfg),
        )
        all_sources.append(src)
        kept_raw.append(raw)
        for sid in src.span_ids:
            source_of_span[sid] = src
    known = [s for s in all_sources if s.type != "REFERENCE"]  # unresolved references say nothing about type
    total_weight = sum(s.weight for s in known)

    components: dict[str, dict[str, Any]] = {}
    weights = cfg["weights"]

    # ---- coverage
    min_cw = cfg["coverage"]["min_checkworthy"]
    claims = [
        c
        for c in (doc.claims or [])
        if float(c.get("checkworthy", 1.0)) >= min_cw and not any(_overlaps((c["start"], c["end"]), r) for r in reporting_sentences)
    ]
    attributed = [c for c in claims if c.get("attributed")]
    attribution_by_id = {a.id: a for a in doc.attributions}
    earned: set[str] = set()
    for c in attributed:
        a = attribution_by_id.get(c.get("attribution"))
        if a is not None:
            earned.update(x for x in (a.source, a.cue) if x)
    if claims:
        cov = len(attributed) / len(claims)
        reason = f"{len(attributed)} of {_plural(len(claims), 'check-worthy claim')} attributed"
    else:
        cov = cfg["coverage"]["no_claims_value"]
        reason = "no check-worthy claims found (neutral value)"
    components["coverage"] = _component(cov, weights["coverage"], sort_ids(earned), reason)

    # ---- transparency
    tv = cfg["transparency"]["type_values"]
    bonus = cfg["transparency"]["anonymous_specificity_bonus"]

    cap = cfg["transparency"]["secondhand_cap"]
    exempt = set(cfg["transparency"]["secondhand_cap_exempt"])

    def transparency_of(s: _Source) -> float:
        value = tv.get(s.type, tv["REFERENCE"])
        if s.anonymous:
            value += bonus * s.specificity
        if s.secondhand and s.type not in exempt:
            value = min(value, cap)  # another outlet's report: the reader cannot see how it was sourced
        return min(1.0, value)

    scored = [s for s in all_sources if s.type != "REFERENCE"] or all_sources
    if scored:
        tw = sum(s.weight for s in scored)
        transparency = sum(s.weight * transparency_of(s) for s in scored) / tw
        on_record = [s for s in scored if s.type in ON_RECORD_TYPES]
        anon = [s for s in scored if s.anonymous]
        reason = f"{len(on_record)} of {_plural(len(scored), 'source')} on the record, {len(anon)} anonymous"
        if anon:
            reason += f" (mean specificity {sum(s.specificity for s in anon) / len(anon):.2f})"
        earned_ids = [sid for s in on_record for sid in s.span_ids]
    else:
        transparency, reason, earned_ids = 0.0, "no sources", []
    components["transparency"] = _component(transparency, weights["transparency"], sort_ids(earned_ids), reason)

    # ---- breadth
    from annotator.sources import distinct_source_count

    typed_raw = [(dict(r), s) for r, s in zip(kept_raw, all_sources, strict=True) if r.get("type") != "REFERENCE"]
    own_people = distinct_source_count([r for r, s in typed_raw if not s.secondhand])
    relayed_people = distinct_source_count([r for r, s in typed_raw if s.secondhand])
    # other outlets' sources are not the story's own reporting: they count a fraction (breadth.secondhand_weight)
    people_from_sources = own_people + cfg["breadth"]["secondhand_weight"] * relayed_people
    people_from_method = methodology_people(text, signals["methodology"], cfg)
    people = round(max(people_from_sources, people_from_method), 2)
    h = cfg["breadth"]["half_saturation"]
    n_distinct = len([s for s in all_sources if s.type != "REFERENCE"])
    reason = f"{_plural(n_distinct, 'distinct source')} standing for about {own_people + relayed_people} people or bodies"
    if relayed_people:
        reason += f" ({relayed_people} of them through other outlets, counted x{cfg['breadth']['secondhand_weight']:g})"
    if people_from_method:
        reason += f"; the methodology statement names {people_from_method}"
    components["breadth"] = _component(
        people / (people + h) if people else 0.0,
        weights["breadth"],
        sort_ids([s.span_ids[0] for s in all_sources if s.span_ids and s.type != "REFERENCE"]),
        reason,
        people=people,
    )

    # ---- diversity
    groups: dict[str, list[str]] = {}
    outlets_one_group = cfg["diversity"]["outlets_as_one_group"]
    for s in known:
        if outlets_one_group and s.secondhand and s.type in ("MEDIA_OUTLET", "DOCUMENT", "ANONYMOUS_VAGUE", "ANONYMOUS_DESCRIBED"):
            key = "other outlets' reporting"  # outlets are not sides of the story; who they quote may be
        elif s.affiliation:
            key = f"affiliation: {s.affiliation}"
        elif s.type in ("NAMED_ORGANIZATION", "MEDIA_OUTLET") and s.name:
            key = f"organisation: {s.name}"
        elif s.type == "DOCUMENT":
            key = "documents"
        elif s.anonymous:
            key = "unaffiliated anonymous sources"
        else:
            key = "unaffiliated named sources"
        groups.setdefault(key, []).extend(s.span_ids[:1])
    g = len(groups)
    hd = cfg["diversity"]["half_saturation"]
    reason = f"{_plural(g, 'distinct group')}" + (f": {', '.join(sorted(groups))}" if groups else "")
    group_span_ids = sort_ids([i for ids in groups.values() for i in ids])
    components["diversity"] = _component(g / (g + hd) if g else 0.0, weights["diversity"], group_span_ids, reason, groups=sorted(groups))

    # ---- primary
    if known:
        second = [s for s in known if s.secondhand]
        share_second = sum(s.weight for s in second) / total_weight
        primary = 1.0 - share_second
        reason = f"{share_second:.0%} of attributions rest on other outlets' reporting ({len(second)} of {_plural(len(known), 'source')})"
        earned_ids = [sid for s in known if not s.secondhand for sid in s.span_ids]
    else:
        share_second, primary, reason, earned_ids = 0.0, 0.0, "no sources", []
    components["primary"] = _component(primary, weights["primary"], sort_ids(earned_ids), reason)

    # ---- practice
    pc = cfg["practice"]
    sw = pc["signal_weights"]
    on_record_quotes: list[str] = []
    anonymous_quotes: list[str] = []
    for a in doc.attributions:
        parts = [spans[c] for c in a.content if c in spans]
        if not parts or not any(_has_quote(text, p.start, p.end) for p in parts):
            continue
        src = source_of_span.get(a.source) if a.source else None
        if src is None:
            continue
        if src.type in ("NAMED_PERSON", "NAMED_ORGANIZATION"):
            on_record_quotes.extend(p.id for p in parts)
        else:
            anonymous_quotes.extend(p.id for p in parts)
    n_on = len({spans[i].start for i in on_record_quotes})
    n_anon = len({spans[i].start for i in anonymous_quotes})
    quote_value = min(1.0, (n_on + pc["anonymous_quote_value"] * n_anon) / pc["quotes_for_full"])
    has_anon = any(s.anonymous for s in known)
    reason_value = 1.0 if signals["anonymity_reason"] else (pc["anonymity_reason_when_no_anonymous"] if known and not has_anon else 0.0)
    signal_values = {
        "direct_quotes": quote_value,
        "methodology": 1.0 if signals["methodology"] else 0.0,
        "sought_comment": 1.0 if signals["sought_comment"] else 0.0,
        "anonymity_reason": reason_value,
    }
    practice = sum(sw[k] * v for k, v in signal_values.items())
    evidence_ranges = signals["methodology"] + signals["sought_comment"] + signals["anonymity_reason"]
    signal_span_ids = [s.id for s in doc.spans if any(_overlaps((s.start, s.end), r) for r in evidence_ranges)]
    present = [k for k in SIGNALS if signal_values[k] > 0]
    reason = f"{n_on} on-record and {n_anon} anonymous direct quote(s)"
    others = [k.replace("_", " ") for k in ("methodology", "sought_comment", "anonymity_reason") if k in present]
    reason += "; " + (", ".join(others) if others else "no methodology statement, comment request or reason for anonymity")
    components["practice"] = _component(
        practice,
        weights["practice"],
        sort_ids(on_record_quotes + anonymous_quotes + signal_span_ids),
        reason,
        signals={k: _round(v) for k, v in signal_values.items()},
    )

    # ---- flags
    fl = cfg["flags"]
    flags: list[str] = []
    anon_share = sum(s.weight for s in known if s.anonymous) / total_weight if total_weight else 0.0
    has_cue = any(a.cue or a.source for a in doc.attributions)
    if not known and not has_cue:
        flags.append("no_attribution")
    if known and all(s.anonymous for s in known):
        flags.append("all_anonymous")
    if known and anon_share >= fl["mostly_anonymous"]:
        flags.append("mostly_anonymous")
    if len(known) == 1 and known[0].people <= 1 and people_from_method <= 1:
        flags.append("single_source")
        if known[0].anonymous:
            flags.append("single_anonymous_source")
    if known and share_second >= fl["mostly_secondhand"]:
        flags.append("mostly_secondhand")
    if claims and cov < fl["low_coverage"]:
        flags.append("low_coverage")
    if signals["methodology"]:
        flags.append("methodology_statement")
    if signals["sought_comment"]:
        flags.append("sought_comment")
    if n_on >= fl["on_record_quotes"]:
        flags.append("on_record_quotes")
    if signals["anonymity_reason"]:
        flags.append("anonymity_explained")

    overall = 100.0 * sum(c["weight"] * c["value"] for c in components.values())
    return {
        "overall": round(overall, 1),
        "components": components,
        "flags": flags,
        "evidence": {k: [{"start": s, "end": e, "text": text[s:e]} for s, e in v] for k, v in signals.items()},
        "stats": {
            "sources": len(known),
            "references": len(all_sources) - len(known),
            "people": people,
            "claims": len(claims),
            "attributed_claims": len(attributed),
            "anonymous_share": _round(anon_share),
            "secondhand_share": _round(share_second),
        },
    }


def _has_quote(text: str, start: int, end: int) -> bool:
    """A direct quote: quotation marks inside the content span or right around it."""
    return any(q in text[max(0, start - 2) : end + 2] for q in _QUOTES)


def score_record(record: Mapping[str, Any], config: ScoringConfig | None = None) -> dict[str, Any]:
    """Score a JSONL record that already has ``spans``, ``attributions``, ``sources`` and ``claims``."""
    doc = AnnotatedArticle.from_record(dict(record))
    doc.sources = list(record.get("sources") or [])
    doc.claims = list(record.get("claims") or [])
    return score_article(doc, config)
