"""Page furniture: the parts of an article that are not reporting.

A story's title, sub-headings, byline, dateline and credit lines name people and outlets ("..., sources say",
"By Jane Roe", "WASHINGTON (AP) —", "Jane Roe reported from Midway Atoll"), but nobody is cited there: a name
in them is never a source. Cleaning keeps these lines (the report shows them), and this stage marks their
character ranges, which the sources stage then leaves out. It works on line structure, so it runs on cleaned
and uncleaned text alike; every pattern lives in ``configs/cleaning.yaml`` (``furniture``).

The rule: the first line is the **title** when it is short and not the only line (or equals the input's own
title); lines after it and before the first body line (within ``lead_max_lines``) are **sub-headings** or
**bylines** (a short line right after the title is a deck, a sub-heading, even with a full stop; a short line in
capitals inside the body, or a run-in heading in capitals before a dash opening a paragraph, is one too); a
**dateline** opening the first body line is marked up to its dash or colon; **credit** lines ("Reporting by
...", "... contributed to this report") and the **entry** markers of a live page (a line that is only a time or a
separator: "2:45 p.m.", "___") are marked wherever they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.clean import CleaningConfig, _is_body, _n_words, load_config

_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_BULLET = re.compile(r"^[•·*▪►–—-]\s")


@dataclass(frozen=True, slots=True)
class Furniture:
    """A character range ``[start, end)`` of the text that is page furniture, and which kind."""

    start: int
    end: int
    kind: str  # title | subhead | byline | dateline | credit | entry

    def to_dict(self) -> dict[str, int | str]:
        return {"start": self.start, "end": self.end, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class _Patterns:
    datelines: tuple[re.Pattern[str], ...]
    bylines: tuple[re.Pattern[str], ...]
    credits: tuple[re.Pattern[str], ...]
    entries: tuple[re.Pattern[str], ...]


_COMPILED: dict[int, _Patterns] = {}


def _patterns(cfg: CleaningConfig) -> _Patterns:
    key = id(cfg)
    if key not in _COMPILED:
        raw = cfg.furniture
        _COMPILED[key] = _Patterns(
            tuple(re.compile(p) for p in raw.dateline_patterns),
            tuple(re.compile(p, re.IGNORECASE) for p in raw.byline_patterns),
            tuple(re.compile(p, re.IGNORECASE) for p in raw.credit_patterns),
            tuple(re.compile(p, re.IGNORECASE) for p in raw.entry_marker_patterns),
        )
    return _COMPILED[key]


def _name_line(line: str, max_words: int) -> bool:
    """A line that is only a name: 2..max_words capitalised words and nothing else ("Dilan Sirwan")."""
    words = line.split()
    return 2 <= len(words) <= max_words and all(re.fullmatch(r"[A-Z][\w.'’-]*", w) for w in words)


def find_furniture(text: str, config: CleaningConfig | None = None, title: str | None = None) -> list[Furniture]:
    """The furniture ranges of ``text`` in text order (see the module docstring for the rule)."""
    cfg = config or load_config()
    rules = cfg.furniture
    pats = _patterns(cfg)
    lines = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\r\n]+", text) if m.group().strip()]
    if not lines:
        return []
    out: list[Furniture] = []

    def mark(i: int, kind: str) -> None:
        start, end, line = lines[i]
        lead = len(line) - len(line.lstrip())
        out.append(Furniture(start + lead, start + len(line.rstrip()), kind))

    first = lines[0][2].strip()
    bare_dateline = any(p.fullmatch(first) for p in pats.datelines)  # "Baghdad:" on a line of its own
    is_title = not bare_dateline and (
        (title is not None and first.casefold() == title.strip().casefold()) or (len(lines) > 1 and _n_words(first) <= rules.title_max_words)
    )
    if is_title:
        mark(0, "title")
    elif bare_dateline:
        mark(0, "dateline")
    lead_start = 1 if (is_title or bare_dateline) else 0
    first_body = next((i for i in range(lead_start, len(lines)) if _is_body(lines[i][2].strip(), cfg)), len(lines))
    # a dateline opens the first body line at the latest ("WALLACE:" in a transcript's later lines is a speaker)
    window = range(lead_start, min(len(lines), lead_start + rules.lead_max_lines + 1, first_body + 1))
    dated = next(((i, d) for i in window if (d := _dateline(lines[i], pats)) is not None), None)
    if dated is not None:
        body = dated[0]  # everything between the title and a dateline-led line is lead: sub-headings, bylines
        out.append(dated[1])
    else:
        body = first_body
    for i in range(lead_start, min(body, lead_start + rules.lead_max_lines)):
        line = lines[i][2].strip()
        if any(p.fullmatch(line) for p in pats.bylines) or _name_line(line, rules.name_line_max_words):
            mark(i, "byline")
        elif _introduces_quote(line):
            continue  # "From Ana Ruiz writing at the Ledger:", "The mayor said in a statement:": the body begins
        elif is_title and (dated is not None or not _SENTENCE_END.search(line) or _BULLET.match(line) or _n_words(line) <= 3):
            mark(i, "subhead")
    if is_title and dated is None and _deck(lines, lead_start, rules.deck_max_words) and not _introduces_quote(lines[lead_start][2].strip()):
        mark(lead_start, "subhead")
    for i in range(lead_start, len(lines)):
        line = lines[i][2].strip()
        if any(p.fullmatch(line) for p in pats.credits):
            mark(i, "credit")
        elif any(p.fullmatch(line) for p in pats.entries):
            mark(i, "entry")
        elif i >= body and _caps_subhead(line, rules.caps_subhead_max_words):
            mark(i, "subhead")
        elif i >= body and (run := _run_in_heading(line, rules.caps_subhead_max_words)):
            start, _, raw = lines[i]
            lead = len(raw) - len(raw.lstrip())
            out.append(Furniture(start + lead, start + lead + run, "subhead"))
    unique = {(f.start, f.end): f for f in out}
    return sorted(unique.values(), key=lambda f: (f.start, f.end))


def _in_capitals(text: str) -> bool:
    """At least two letters, every one upper case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _introduces_quote(line: str) -> bool:
    """A line of four or more words ending with a colon opens the quoted text that follows: not a sub-heading."""
    return line.endswith(":") and _n_words(line) >= 4


def _caps_subhead(line: str, max_words: int) -> bool:
    """A sub-heading inside the body: a short line in capitals only, with no sentence ending other than one full
    stop (corpora split into sentences end every line with one: "REGIONAL WORRIES.")."""
    return _in_capitals(line) and _n_words(line) <= max_words and not _SENTENCE_END.search(line.rstrip().removesuffix("."))


_RUN_IN = re.compile(r"^(\S+(?:\s+\S+)+?)\s+[—–]\s")


def _run_in_heading(line: str, max_words: int) -> int:
    """Length of a run-in heading in capitals opening a paragraph ("THE BOARD HAS ASKED HIM — The ..."): two to
    ``max_words`` words before a dash; 0 when there is none."""
    m = _RUN_IN.match(line)
    if m is None or not 2 <= _n_words(m.group(1)) <= max_words:
        return 0
    return len(m.group(1)) if _in_capitals(m.group(1)) else 0


def _deck(lines: list[tuple[int, int, str]], i: int, max_words: int) -> bool:
    """The line after the title is a deck: short, and the next line is a longer one (the lede)."""
    if i + 1 >= len(lines):
        return False
    words, following = _n_words(lines[i][2].strip()), _n_words(lines[i + 1][2].strip())
    return 0 < words <= max_words and following > words and _SENTENCE_END.search(lines[i + 1][2].strip()) is not None


def _dateline(entry: tuple[int, int, str], pats: _Patterns) -> Furniture | None:
    """The dateline opening a line ("WASHINGTON (AP) — ..."), when the line goes on after it."""
    start, _, line = entry
    stripped = line.lstrip()
    offset = start + len(line) - len(stripped)
    for p in pats.datelines:
        m = p.match(stripped)
        if m and m.end() < len(stripped.rstrip()):
            return Furniture(offset, offset + len(m.group().rstrip()), "dateline")
    return None


def in_furniture(start: int, end: int, furniture: list[Furniture]) -> bool:
    """Whether ``[start, end)`` lies inside a furniture range (furniture is sorted by start)."""
    for f in furniture:
        if f.start > start:
            break
        if start >= f.start and end <= f.end:
            return True
    return False
