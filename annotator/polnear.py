"""Reader for PolNeAR brat standoff (Newell, Margolin & Ruths, LREC 2018).

Handles every quirk of the corpus: span text that runs over several lines (continuation lines belong to
the previous T-line), ``#`` AnnotatorNotes lines, discontinuous spans (``Content 10 20;30 40``), extra
labels we do not model (Discuss, Discard), attribution events (E-lines) whose roles are ``Source``,
``Cue``, ``Content`` and sometimes ``Content2``, and several annotator files for one article
(``<stem>_<annotator>.ann``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.schema import AnnotatedArticle, Article, Attribution, Span

BRAT_TO_LABEL = {"Source": "SOURCE", "Cue": "CUE", "Content": "CONTENT"}
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_ID_LINE = re.compile(r"^[TERAMN#*]\d*\t")


@dataclass(slots=True)
class BratSpan:
    id: str
    label: str
    fragments: list[tuple[int, int]]


@dataclass(slots=True)
class BratEvent:
    id: str
    trigger: str | None
    roles: list[tuple[str, str]]


@dataclass(slots=True)
class BratDoc:
    """One annotator's annotation of one article, as written in the .ann file."""

    stem: str
    annotator: str
    text: str
    spans: dict[str, BratSpan] = field(default_factory=dict)
    events: list[BratEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_ann(ann_text: str) -> tuple[dict[str, BratSpan], list[BratEvent], list[str]]:
    """Parse the body of a .ann file; lines that start no record continue the previous span's text."""
    spans: dict[str, BratSpan] = {}
    events: list[BratEvent] = []
    notes: list[str] = []
    for line in ann_text.split("\n"):
        line = line.rstrip("\r")
        if not _ID_LINE.match(line):
            continue  # continuation of a multi-line span text, or blank
        if line.startswith("#"):
            notes.append(line.split("\t", 2)[-1])
            continue
        if m := _T_LINE.match(line):
            fragments = [tuple(map(int, part.split())) for part in m.group(3).split(";")]
            spans[m.group(1)] = BratSpan(m.group(1), m.group(2), [(a, b) for a, b in fragments])
        elif m := _E_LINE.match(line):
            parts = m.group(2).split()
            roles = [tuple(p.split(":", 1)) for p in parts if ":" in p]
            trigger = roles[0][1] if roles else None
            events.append(BratEvent(m.group(1), trigger, [(r, t) for r, t in roles[1:]]))
    return spans, events, notes


def read_brat(text_path: Path, ann_path: Path) -> BratDoc:
    """Read one text/annotation pair; text is read with ``newline=''`` so offsets stay exact."""
    text = _read_exact(text_path)
    stem = text_path.stem
    annotator = ann_path.stem[len(stem) + 1 :] if ann_path.stem.startswith(stem + "_") else ""
    spans, events, notes = parse_ann(_read_exact(ann_path))
    return BratDoc(stem=stem, annotator=annotator, text=text, spans=spans, events=events, notes=notes)


def _read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def iter_split(split_dir: Path, all_annotators: bool = False) -> Iterator[BratDoc]:
    """Yield the articles of one split directory (``.../train`` or ``.../dev``).

    With ``all_annotators=False`` one annotation per article is chosen deterministically: the annotator
    file whose name sorts first. That is the evaluation view; training may use every annotator.
    """
    split_dir = Path(split_dir)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"{split_dir} is not a PolNeAR split (needs text/ and attributions/)")
    by_stem: dict[str, list[Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0] if "_" in ann.stem else ann.stem
        by_stem.setdefault(stem, []).append(ann)
    for stem in sorted(by_stem):
        text_path = text_dir / f"{stem}.txt"
        if not text_path.exists():
            continue
        anns = by_stem[stem] if all_annotators else by_stem[stem][:1]
        for ann in anns:
            yield read_brat(text_path, ann)


def merge_fragments(text: str, fragments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join fragments separated only by whitespace (a line break inside a quote is not a real gap)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if merged and text[merged[-1][1] : start].strip() == "" and start >= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def to_annotated(doc: BratDoc) -> AnnotatedArticle:
    """Convert to our data model: one Span per (whitespace-merged) fragment, one Attribution per E-line.

    A discontinuous CONTENT span ("X, the official said, Y") becomes several CONTENT spans listed in one
    attribution, which is exactly how the tagger's output represents it. Fragments are trimmed of
    surrounding whitespace. Spans of labels we do not model are dropped; duplicates (the same range and
    label used by two attributions, e.g. one source for two cues) become one span.
    """
    text = doc.text
    spans: list[Span] = []
    by_key: dict[tuple[int, int, str], str] = {}
    fragment_ids: dict[str, list[str]] = {}
    for brat in doc.spans.values():
        label = BRAT_TO_LABEL.get(brat.label)
        if label is None:
            continue
        ids: list[str] = []
        for start, end in merge_fragments(text, brat.fragments):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start:
                continue
            key = (start, end, label)
            if key not in by_key:
                by_key[key] = f"T{len(by_key) + 1}"
                spans.append(Span(by_key[key], start, end, label, text[start:end]))
            ids.append(by_key[key])
        fragment_ids[brat.id] = ids
    attributions: list[Attribution] = []
    for event in doc.events:
        source = cue = None
        content: list[str] = []
        for role, ref in event.roles:
            ids = fragment_ids.get(ref, [])
            if role == "Source" and ids:
                source = ids[0]
            elif role == "Cue" and ids:
                cue = ids[0]
            elif role.startswith("Content"):
                content.extend(ids)
        if source is None and cue is None and not content:
            continue
        order = {s.id: s.start for s in spans}
        content = sorted(dict.fromkeys(content), key=lambda i: order[i])
        attributions.append(Attribution(f"A{len(attributions) + 1}", source, cue, content))
    spans.sort(key=lambda s: (s.start, s.end))
    meta = {"annotator": doc.annotator, "source": "polnear"}
    return AnnotatedArticle(Article(doc.stem, text, meta), spans, attributions)


def load_split(split_dir: Path, all_annotators: bool = False) -> list[AnnotatedArticle]:
    """All articles of a split in our data model."""
    return [to_annotated(d) for d in iter_split(split_dir, all_annotators=all_annotators)]
