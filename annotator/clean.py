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
4. Language: the cleaned text is checked with langdetect (seeded; a short sample first, the longer one only when
   the short one is not confidently English); a confident non-English verdict is a per-record ``not_english`` error.

The result keeps the text of kept lines verbatim apart from whitespace, so quotes and names are untouched.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, PrivateAttr, model_validator

from annotator.config import IntRange, NumRange, Pattern, StrictModel, Text, Unit, load_model, read_alias_file
from annotator.resources import config_file
from annotator.schema import Article, RecordError

DEFAULT_CONFIG = config_file("cleaning.yaml")
_ANY_MONTH = r"(?:[a-z]{3,9})"  # stands in for MONTH while a pattern is checked, before the months file is read
_WS = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


def _month_pattern(pattern: str) -> str:
    """A line pattern with MONTH expanded; must compile after the expansion as well."""
    try:
        re.compile(pattern.replace("MONTH", _ANY_MONTH))
    except re.error as exc:
        raise ValueError(f"invalid pattern once MONTH is expanded: {exc}") from None
    return pattern


LinePattern = Annotated[Pattern, AfterValidator(_month_pattern)]


class Lines(StrictModel):
    short_line_words: IntRange(1, 200)
    headline_max_words: IntRange(1, 200)
    body_min_words: IntRange(1, 200)
    drop_fullmatch: list[LinePattern]
    nav_separators: Pattern
    nav_min_items: IntRange(2, 100)
    nav_item_max_words: IntRange(1, 20)
    drop_short_keywords: list[LinePattern]
    drop_any_keywords: list[LinePattern]
    caption_patterns: list[LinePattern]
    teaser_headers: list[LinePattern]
    teaser_title_case_share: NumRange(0.0, 1.0)
    read_more_patterns: list[LinePattern]
    end_markers: list[LinePattern]


class FurnitureRules(StrictModel):
    title_max_words: IntRange(1, 200)
    lead_max_lines: IntRange(0, 50)
    dateline_patterns: list[Pattern]
    byline_patterns: list[Pattern]
    credit_patterns: list[Pattern]
    entry_marker_patterns: list[Pattern]
    name_line_max_words: IntRange(1, 20)
    deck_max_words: IntRange(0, 100)
    caps_subhead_max_words: IntRange(0, 100)


class Stories(StrictModel):
    header_lookahead: IntRange(1, 50)
    dateline_patterns: list[LinePattern]
    min_story_words: IntRange(0, 100_000)


class Language(StrictModel):
    seed: IntRange(0)
    min_chars: IntRange(0)
    quick_chars: IntRange(1)
    max_chars: IntRange(1)
    min_probability: Unit
    expected: Text

    @model_validator(mode="after")
    def _quick_within_max(self) -> Language:
        if self.quick_chars > self.max_chars:
            raise ValueError(f"quick_chars ({self.quick_chars}) must not exceed max_chars ({self.max_chars})")
        return self


class LexiconFiles(StrictModel):
    months: Text  # month names and abbreviations (configs/lexicons/months.txt), relative to this config


_LINE_PATTERN_KEYS = ("drop_fullmatch", "drop_short_keywords", "drop_any_keywords", "caption_patterns", "teaser_headers", "read_more_patterns", "end_markers")


def _compile(patterns: list[str], month: str) -> list[re.Pattern[str]]:
    return [re.compile(p.replace("MONTH", month), re.IGNORECASE) for p in patterns]


class CleaningConfig(StrictModel):
    """The validated ``configs/cleaning.yaml``; its patterns are compiled on first use."""

    lexicon_files: LexiconFiles
    lines: Lines
    furniture: FurnitureRules
    stories: Stories
    language: Language
    _base: Path = PrivateAttr(default=DEFAULT_CONFIG.parent)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> CleaningConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        cfg = load_model(path, cls, "cleaning")
        cfg._base = path.parent
        _ = cfg.month  # a missing or empty months file is an error now, not at the first article
        return cfg

    @cached_property
    def month(self) -> str:
        """MONTH of the line patterns: any month name or abbreviation of the months lexicon."""
        path = self._base / self.lexicon_files.months
        forms = sorted(read_alias_file(path), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(f) for f in forms) + ")"

    @cached_property
    def patterns(self) -> dict[str, list[re.Pattern[str]]]:
        """Every line pattern list compiled once (MONTH expanded), by its YAML key."""
        out = {key: _compile(getattr(self.lines, key), self.month) for key in _LINE_PATTERN_KEYS}
        out["dateline_patterns"] = _compile(self.stories.dateline_patterns, self.month)
        return out

    @cached_property
    def nav_separators(self) -> re.Pattern[str]:
        return re.compile(self.lines.nav_separators)


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
    return 0 < _n_words(line) <= cfg.lines.headline_max_words and not _SENTENCE_END.search(line)


_WRAPPERS = "\"'“”‘’«»*_()[] "
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def _is_teaser_header(line: str, cfg: CleaningConfig) -> bool:
    """A line opening a list of teasers ("Related:", "Read more"), also when quoted or starred (""Related:"")."""
    return _matches(cfg.patterns["teaser_headers"], line.strip(_WRAPPERS), full=True)


def _is_teaser(line: str, cfg: CleaningConfig) -> bool:
    """A line in a list of teasers: headline-like, or a short line in title case even with a full stop ("Ana Roe
    Wins Harbour Seat."), as some sites and archives end every headline."""
    if _is_headline_like(line, cfg):
        return True
    words = _WORD.findall(line)
    if not 0 < len(words) <= cfg.lines.headline_max_words:
        return False
    long_words = [w for w in words if len(w) > 3]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= cfg.lines.teaser_title_case_share * len(long_words)


def _is_body(line: str, cfg: CleaningConfig) -> bool:
    return _n_words(line) >= cfg.lines.body_min_words and bool(_SENTENCE_END.search(line))


def _is_nav_bar(line: str, cfg: CleaningConfig) -> bool:
    items = [i.strip() for i in cfg.nav_separators.split(line) if i.strip()]
    lines = cfg.lines
    return len(items) >= lines.nav_min_items and all(_n_words(i) <= lines.nav_item_max_words for i in items)


def _is_boilerplate(line: str, cfg: CleaningConfig) -> bool:
    if _matches(cfg.patterns["drop_fullmatch"], line, full=True) or _is_nav_bar(line, cfg) or _matches(cfg.patterns["drop_any_keywords"], line):
        return True
    if _n_words(line) <= cfg.lines.short_line_words and _matches(cfg.patterns["drop_short_keywords"], line):
        return True
    return _matches(cfg.patterns["caption_patterns"], line)


def _story_starts(lines: list[str], cfg: CleaningConfig) -> list[int]:
    """Indices (into ``lines``, non-empty lines only) where a new story begins; always includes 0."""
    look = cfg.stories.header_lookahead
    starts = [0]
    body_since_start = False
    for i, line in enumerate(lines):
        if _is_headline_like(line, cfg) and not _is_boilerplate(line, cfg):
            following = lines[i + 1 : i + 1 + look]
            is_header = any(f == line for f in following) or any(_matches(cfg.patterns["dateline_patterns"], f, full=True) for f in following)
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
        if _matches(cfg.patterns["end_markers"], line, full=True):
            ended = True
            keep[i] = False
            continue
        if _is_teaser_header(line, cfg):
            keep[i] = False
            in_teasers = True
            if _matches(cfg.patterns["read_more_patterns"], line, full=True):
                j = i - 1
                while j >= 0 and not keep[j]:
                    j -= 1
                if j >= 0 and _is_headline_like(lines[j], cfg):
                    keep[j] = False
            continue
        if in_teasers and _is_teaser(line, cfg):
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
    main = next((k for k, n in enumerate(body_words) if n >= cfg.stories.min_story_words), None)
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

    Two steps, because langdetect costs about as much as the rest of cleaning: the first ``quick_chars`` characters
    first; a confident verdict for the expected language is final, anything else is decided on the first
    ``max_chars`` as before (so a foreign article is refused with the same verdict and probability as before).
    langdetect is random by design; the seed from the config makes it deterministic.
    """
    cfg = config or load_config()
    lang_cfg = cfg.language
    sample = text[: lang_cfg.max_chars]
    if len(sample.strip()) < lang_cfg.min_chars:
        return None
    quick = text[: lang_cfg.quick_chars]
    if len(quick) < len(sample) and len(quick.strip()) >= lang_cfg.min_chars:
        verdict = _detect(quick, lang_cfg.seed)
        if verdict is not None and verdict[0] == lang_cfg.expected and verdict[1] >= lang_cfg.min_probability:
            return verdict
    return _detect(sample, lang_cfg.seed)


def _detect(sample: str, seed: int) -> tuple[str, float] | None:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = seed
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
    expected = cfg.language.expected
    if lang is not None and lang[0] != expected and lang[1] >= cfg.language.min_probability:
        message = f"the article looks like '{lang[0]}' (probability {lang[1]:.2f}), not '{expected}'; the tagger reads English only"
        return RecordError(item.id, "not_english", message, path, item.source)
    meta = dict(item.meta)
    meta["cleaning"] = cleaned.summary()
    return Article(item.id, cleaned.text, meta, item.source)
