"""Boilerplate cleaning for the scoring job: one scraped page in, the main story's text out.

Why: scraped pages carry navigation, share widgets, newsletter boxes, captions, related-story teasers and
sometimes several unrelated stories. Left in, they add unattributed "claims", fake sources and other
stories' quotes to the score. The ``annotate`` command does not clean (its offsets refer to the input);
``score`` does, and every offset in a score record refers to the *cleaned* text written with it.

The rule, line by line (all patterns and numbers in ``configs/cleaning.yaml``):

1. Whitespace inside a line is collapsed (no-break spaces included); blank lines separate nothing
   further, because every kept line becomes its own paragraph (``"\\n\\n"`` between lines).
2. Story split: a *story header* is a headline-like line (short, no sentence-final punctuation) that is
   repeated or followed by an "Updated ..." dateline within a few lines. A header starts a new story
   when the current story already has body text. The main story is the first with enough body words
   (else the one with the most); the other stories are dropped and counted.
3. Inside the main story, a line is dropped when it is: a navigation bar or widget line (whole-line
   patterns), a short line with a boilerplate keyword (newsletter, read more, copyright, ...), a caption or
   photo credit, a related-story teaser (a headline-like line before "Read more", or after a
   "Related stories" header), anything after an end marker (author box, copyright), or an exact repeat of
   an earlier kept line (repeated headlines, a page that carries the article twice).
4. Language: the cleaned text is checked with langdetect (seeded); a confident non-English verdict is a
   per-record ``not_english`` error.

The result keeps the text of kept lines verbatim apart from whitespace, so quotes and names are untouched.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.configcheck import ConfigError, Int, ListOf, Num, Regex, Str, check, load_yaml
from annotator.resources import config_file
from annotator.schema import Article, RecordError

DEFAULT_CONFIG = config_file("cleaning.yaml")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")

_SCHEMA: dict[str, Any] = {
    "lines": {
        "short_line_words": Int(1, 200),
        "headline_max_words": Int(1, 200),
        "body_min_words": Int(1, 200),
        "drop_fullmatch": ListOf(Regex()),
        "nav_separators": Regex(),
        "nav_min_items": Int(2, 100),
        "nav_item_max_words": Int(1, 20),
        "drop_short_keywords": ListOf(Regex()),
        "drop_any_keywords": ListOf(Regex()),
        "caption_patterns": ListOf(Regex()),
        "teaser_headers": ListOf(Regex()),
        "read_more_patterns": ListOf(Regex()),
        "end_markers": ListOf(Regex()),
    },
    "furniture": {
        "title_max_words": Int(1, 200),
        "lead_max_lines": Int(0, 50),
        "dateline_patterns": ListOf(Regex()),
        "byline_patterns": ListOf(Regex()),
        "credit_patterns": ListOf(Regex()),
        "name_line_max_words": Int(1, 20),
    },
    "stories": {"header_lookahead": Int(1, 50), "dateline_patterns": ListOf(Regex()), "min_story_words": Int(0, 100_000)},
    "language": {
        "seed": Int(0),
        "min_chars": Int(0),
        "max_chars": Int(1),
        "min_probability": Num(0.0, 1.0),
        "expected": Str(),
    },
}


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p.replace("MONTH", _MONTH), re.IGNORECASE) for p in patterns]


@dataclass
class CleaningConfig:
    """The validated ``configs/cleaning.yaml`` with its patterns compiled."""

    raw: dict[str, Any]
    fullmatch: list[re.Pattern[str]] = field(init=False)
    short_keywords: list[re.Pattern[str]] = field(init=False)
    any_keywords: list[re.Pattern[str]] = field(init=False)
    captions: list[re.Pattern[str]] = field(init=False)
    teaser_headers: list[re.Pattern[str]] = field(init=False)
    read_more: list[re.Pattern[str]] = field(init=False)
    end_markers: list[re.Pattern[str]] = field(init=False)
    datelines: list[re.Pattern[str]] = field(init=False)
    nav_separators: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        lines = self.raw["lines"]
        self.fullmatch = _compile(lines["drop_fullmatch"])
        self.short_keywords = _compile(lines["drop_short_keywords"])
        self.any_keywords = _compile(lines["drop_any_keywords"])
        self.captions = _compile(lines["caption_patterns"])
        self.teaser_headers = _compile(lines["teaser_headers"])
        self.read_more = _compile(lines["read_more_patterns"])
        self.end_markers = _compile(lines["end_markers"])
        self.datelines = _compile(self.raw["stories"]["dateline_patterns"])
        self.nav_separators = re.compile(lines["nav_separators"])

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> CleaningConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        raw = load_yaml(path, "cleaning")
        check(raw, _SCHEMA, path.name)
        for key in ("drop_fullmatch", "drop_short_keywords", "caption_patterns", "teaser_headers", "read_more_patterns", "end_markers"):
            for i, pattern in enumerate(raw["lines"][key]):
                try:
                    re.compile(pattern.replace("MONTH", _MONTH))
                except re.error as exc:  # MONTH expansion can only break a pattern that was already odd
                    raise ConfigError(f"{path.name}: lines.{key}[{i}]: invalid pattern: {exc}") from exc
        return cls(raw)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> CleaningConfig:
    return CleaningConfig.from_yaml(path)


@dataclass(slots=True)
class Cleaned:
    """The main story's text plus what was removed (written to the record as ``cleaning``).

    ``line_map`` holds, per kept line, its start in ``text`` and its start and end in the input, so an offset
    in the cleaned text can be taken back to the input (``raw_offset``): evaluations against annotations of the
    raw file need it.
    """

    text: str
    dropped_lines: int
    dropped_stories: int
    kept_lines: int
    source: str = ""
    line_map: list[tuple[int, int, int]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"kept_lines": self.kept_lines, "dropped_lines": self.dropped_lines, "dropped_stories": self.dropped_stories}

    def raw_offset(self, offset: int) -> int:
        """The input offset of cleaned-text ``offset`` (a line's end for the separators between lines)."""
        if not self.line_map:
            return offset
        i = max(0, bisect.bisect_right([m[0] for m in self.line_map], offset) - 1)
        clean_start, raw_start, raw_end = self.line_map[i]
        positions = _collapsed_positions(self.source[raw_start:raw_end])
        k = offset - clean_start
        return raw_start + (positions[k] if k < len(positions) else (positions[-1] + 1 if positions else 0))


def _collapsed_positions(raw_line: str) -> list[int]:
    """For each character of the line as cleaning writes it (whitespace runs collapsed, ends stripped), its
    index in the raw line."""
    out: list[int] = []
    pending_space: int | None = None
    for i, ch in enumerate(raw_line):
        if _WS.match(ch) or ch == "\n":
            if out and pending_space is None:
                pending_space = i
            continue
        if pending_space is not None:
            out.append(pending_space)
            pending_space = None
        out.append(i)
    return out


def _n_words(line: str) -> int:
    return len(line.split())


def _matches(patterns: list[re.Pattern[str]], line: str, full: bool = False) -> bool:
    return any((p.fullmatch(line) if full else p.search(line)) for p in patterns)


def _is_headline_like(line: str, cfg: CleaningConfig) -> bool:
    return 0 < _n_words(line) <= cfg["lines"]["headline_max_words"] and not _SENTENCE_END.search(line)


def _is_body(line: str, cfg: CleaningConfig) -> bool:
    return _n_words(line) >= cfg["lines"]["body_min_words"] and bool(_SENTENCE_END.search(line))


def _is_nav_bar(line: str, cfg: CleaningConfig) -> bool:
    items = [i.strip() for i in cfg.nav_separators.split(line) if i.strip()]
    lines = cfg["lines"]
    return len(items) >= lines["nav_min_items"] and all(_n_words(i) <= lines["nav_item_max_words"] for i in items)


def _is_boilerplate(line: str, cfg: CleaningConfig) -> bool:
    if _matches(cfg.fullmatch, line, full=True) or _is_nav_bar(line, cfg) or _matches(cfg.any_keywords, line):
        return True
    if _n_words(line) <= cfg["lines"]["short_line_words"] and _matches(cfg.short_keywords, line):
        return True
    return _matches(cfg.captions, line)


def _story_starts(lines: list[str], cfg: CleaningConfig) -> list[int]:
    """Indices (into ``lines``, non-empty lines only) where a new story begins; always includes 0."""
    look = cfg["stories"]["header_lookahead"]
    starts = [0]
    body_since_start = False
    for i, line in enumerate(lines):
        if _is_headline_like(line, cfg) and not _is_boilerplate(line, cfg):
            following = lines[i + 1 : i + 1 + look]
            is_header = any(f == line for f in following) or any(_matches(cfg.datelines, f, full=True) for f in following)
            if is_header and body_since_start and i != starts[-1]:
                starts.append(i)
                body_since_start = False
                continue
        if _is_body(line, cfg):
            body_since_start = True
    return starts


def _clean_story(lines: list[str], cfg: CleaningConfig) -> list[int]:
    """Indices of the story's lines that are kept."""
    keep = [True] * len(lines)
    in_teasers = False
    ended = False
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if ended:
            keep[i] = False
            continue
        if _matches(cfg.end_markers, line, full=True):
            ended = True
            keep[i] = False
            continue
        if _matches(cfg.teaser_headers, line, full=True):
            keep[i] = False
            in_teasers = True
            if _matches(cfg.read_more, line, full=True):
                j = i - 1
                while j >= 0 and not keep[j]:
                    j -= 1
                if j >= 0 and _is_headline_like(lines[j], cfg):
                    keep[j] = False
            continue
        if in_teasers and _is_headline_like(line, cfg):
            keep[i] = False
            continue
        in_teasers = False
        if _is_boilerplate(line, cfg):
            keep[i] = False
            continue
        key = line.casefold()
        if key in seen:
            keep[i] = False
            continue
        seen.add(key)
    return [i for i, k in enumerate(keep) if k]


def clean_text(text: str, config: CleaningConfig | None = None) -> Cleaned:
    """The main story of a scraped page, boilerplate removed; see the module docstring for the rule."""
    cfg = config or load_config()
    lines: list[str] = []
    spans: list[tuple[int, int]] = []  # each non-empty line's range in the input
    for m in re.finditer(r"[^\r\n]+", text):
        line = _WS.sub(" ", m.group()).strip()
        if line:
            lines.append(line)
            spans.append((m.start(), m.end()))
    if not lines:
        return Cleaned("", 0, 0, 0, text)
    starts = _story_starts(lines, cfg) + [len(lines)]
    stories = [(a, lines[a:b]) for a, b in zip(starts, starts[1:], strict=False)]
    body_words = [sum(_n_words(s) for s in story if _is_body(s, cfg)) for _, story in stories]
    main = next((k for k, n in enumerate(body_words) if n >= cfg["stories"]["min_story_words"]), None)
    if main is None:
        main = max(range(len(stories)), key=lambda k: (body_words[k], -k))
    offset, story = stories[main]
    kept = [offset + i for i in _clean_story(story, cfg)]
    line_map: list[tuple[int, int, int]] = []
    position = 0
    for i in kept:
        line_map.append((position, *spans[i]))
        position += len(lines[i]) + 2
    return Cleaned(
        text="\n\n".join(lines[i] for i in kept),
        dropped_lines=len(lines) - len(kept),
        dropped_stories=len(stories) - 1,
        kept_lines=len(kept),
        source=text,
        line_map=line_map,
    )


def detect_language(text: str, config: CleaningConfig | None = None) -> tuple[str, float] | None:
    """``(language, probability)`` of the text's first characters, or None when too short to judge.

    langdetect is random by design; the seed from the config makes it deterministic.
    """
    cfg = config or load_config()
    lang_cfg = cfg["language"]
    sample = text[: lang_cfg["max_chars"]]
    if len(sample.strip()) < lang_cfg["min_chars"]:
        return None
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = lang_cfg["seed"]
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang, float(best.prob)


def clean_article(item: Article | RecordError, config: CleaningConfig | None = None) -> Article | RecordError:
    """The cleaned article (meta ``cleaning`` holds the summary) or a per-record error."""
    if isinstance(item, RecordError):
        return item
    cfg = config or load_config()
    cleaned = clean_text(item.text, cfg)
    path = item.meta.get("path")
    if not cleaned.text.strip():
        return RecordError(item.id, "empty_after_cleaning", "nothing is left after removing navigation and boilerplate lines", path, item.source)
    lang = detect_language(cleaned.text, cfg)
    expected = cfg["language"]["expected"]
    if lang is not None and lang[0] != expected and lang[1] >= cfg["language"]["min_probability"]:
        message = f"the article looks like '{lang[0]}' (probability {lang[1]:.2f}), not '{expected}'; the tagger reads English only"
        return RecordError(item.id, "not_english", message, path, item.source)
    meta = dict(item.meta)
    meta["cleaning"] = cleaned.summary()
    return Article(item.id, cleaned.text, meta, item.source)
