"""Sources stage: type every SOURCE mention, count the people it denotes, and cluster mentions into sources.

The tagger finds *where* sources are mentioned; this stage says *what kind* of source each mention is
(``NAMED_PERSON`` ... ``REFERENCE``, see docs/sources.md), how specific an anonymous description is, how many
people it stands for, and which mentions are the same source ("Esmail Qaani" ... "Qaani" ... "he").

It is rule-based on purpose: the encoder is uncased, while the raw text's capitalisation is the most
reliable cue for names, and the rest is lexical (titles, roles, outlets, nationalities, document nouns),
so word lists in ``configs/`` do the work, and every judgment number lives in ``configs/sources.yaml``.
Pure Python, no model call: it runs per article inside batch jobs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from annotator.configcheck import load_yaml
from annotator.schema import SOURCE_TYPES, AnnotatedArticle, Span

CONFIG_PATH = Path(__file__).resolve().parent.parent / "configs" / "sources.yaml"

NAMED_PERSON = "NAMED_PERSON"
NAMED_ORGANIZATION = "NAMED_ORGANIZATION"
MEDIA_OUTLET = "MEDIA_OUTLET"
DOCUMENT = "DOCUMENT"
ANONYMOUS_DESCRIBED = "ANONYMOUS_DESCRIBED"
ANONYMOUS_VAGUE = "ANONYMOUS_VAGUE"
REFERENCE = "REFERENCE"
assert SOURCE_TYPES == (NAMED_PERSON, NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT, ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE)
NAMED_TYPES = frozenset({NAMED_PERSON, NAMED_ORGANIZATION, MEDIA_OUTLET})
ANONYMOUS_TYPES = frozenset({ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE})
# When mentions of one source have different types, the source takes the most informative one.
_TYPE_PRIORITY = {t: i for i, t in enumerate(SOURCE_TYPES)}

CUE_KINDS = ("singular", "role", "rank", "nationality", "affiliation", "relation", "named_modifier", "count", "vague_relation")


class SourceConfigError(ValueError):
    """``configs/sources.yaml`` or a lexicon file is missing, malformed or out of range."""


# --------------------------------------------------------------------------------------------------------------
# Lexicon / configuration
# --------------------------------------------------------------------------------------------------------------

_WORD_LIST_KEYS = (
    "person_nouns",
    "vague_heads",
    "group_nouns",
    "organization_nouns",
    "organization_keywords",
    "media_nouns",
    "media_report_nouns",
    "outlet_descriptors",
    "outlet_descriptors_after",
    "outlet_title_words",
    "document_nouns",
    "document_keywords",
    "rank_words",
    "affiliation_words",
    "relation_markers",
    "vague_relation_phrases",
    "singular_determiners",
    "plural_quantifiers",
    "approximators",
    "new_markers",
    "definite_determiners",
    "possessive_determiners",
)
_LEXICON_FILE_KEYS = ("media_outlets", "places", "organizations", "first_names")
_OUTLET_ROLE_KEYS = ("recipient_before", "interviewer_after", "reports_after", "reports_before")
_PRONOUN_NUMBERS = {"sg", "pl", "x"}
_PRONOUN_GENDERS = {"m", "f", "n", "x"}
_PRONOUN_KINDS = {"person", "thing", "any", "speaker", "addressee", "relative", "demonstrative"}


def _fail(path: Path, where: str, message: str) -> SourceConfigError:
    return SourceConfigError(f"{path}: {where}: {message}")


def _read_alias_file(path: Path) -> dict[str, str]:
    """``canonical | alias | alias`` lines -> {lowercased alias or canonical: canonical}."""
    if not path.is_file():
        raise SourceConfigError(f"lexicon file not found: {path}")
    out: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        names = [p.strip() for p in line.split("|")]
        if any(not p for p in names):
            raise SourceConfigError(f"{path}:{n}: empty name in {raw!r}")
        for name in names:
            out.setdefault(name.lower(), names[0])
    if not out:
        raise SourceConfigError(f"{path}: no entries")
    return out


def _read_name_file(path: Path) -> dict[str, str]:
    """Whitespace-separated names, each optionally suffixed /m or /f -> {name: gender or "x"}."""
    if not path.is_file():
        raise SourceConfigError(f"lexicon file not found: {path}")
    names: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.lstrip().startswith("#"):
            continue
        for item in raw.split():
            name, _, gender = item.lower().partition("/")
            if gender not in ("", "m", "f"):
                raise SourceConfigError(f"{path}:{n}: {item!r}: the suffix must be /m or /f")
            names[name] = gender or "x"
    if not names:
        raise SourceConfigError(f"{path}: no entries")
    return names


@dataclass(frozen=True)
class SourceLexicon:
    """Word lists and judgment numbers for typing and clustering (``configs/sources.yaml``)."""

    path: Path
    words: dict[str, frozenset[str]]
    pronouns: dict[str, tuple[str, str, str]]
    titles: dict[str, str | None]
    number_words: dict[str, int]
    outlets: dict[str, str]
    places: dict[str, str]
    organizations: dict[str, str]
    first_names: dict[str, str]  # given name -> m, f or x
    type_value: dict[str, float]
    anonymous_base: dict[str, float]
    cue_weight: dict[str, float]
    cap: float
    plural_without_count: int
    overlap: str
    pronoun_window: int
    description_window: int
    relative_gap: int
    entity_window: int
    max_outlet_tokens: int = 1
    max_title_tokens: int = 1
    # outlet_roles.<key> -> compiled patterns (which outlet did the reporting; see configs/sources.yaml)
    outlet_roles: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> SourceLexicon:
        """Read and validate the config and the lexicon files it names; raise ``SourceConfigError`` if bad."""
        path = Path(path) if path is not None else CONFIG_PATH
        data = load_yaml(path, "source", error=SourceConfigError)
        for key in ("lexicon_files", "specificity", "counting", "clustering", "words", "outlet_roles"):
            if not isinstance(data.get(key), dict):
                raise _fail(path, key, "missing or not a mapping")

        files = data["lexicon_files"]
        for key in _LEXICON_FILE_KEYS:
            if not isinstance(files.get(key), str):
                raise _fail(path, f"lexicon_files.{key}", "missing (expected a path relative to the config)")
        base = path.parent
        outlets = _read_alias_file(base / files["media_outlets"])
        places = {k: v for k, v in _read_alias_file(base / files["places"]).items()}
        organizations = _read_alias_file(base / files["organizations"])
        first_names = _read_name_file(base / files["first_names"])

        spec = data["specificity"]
        type_value = _prob_map(path, "specificity.type_value", spec.get("type_value"), required=SOURCE_TYPES[:4] + (REFERENCE,))
        anonymous_base = _prob_map(path, "specificity.anonymous_base", spec.get("anonymous_base"), required=tuple(ANONYMOUS_TYPES))
        cue_weight = _prob_map(path, "specificity.cue_weight", spec.get("cue_weight"), required=CUE_KINDS)
        cap = _prob(path, "specificity.cap", spec.get("cap"))

        counting = data["counting"]
        pwc = counting.get("plural_without_count")
        if not isinstance(pwc, int) or isinstance(pwc, bool) or pwc < 1:
            raise _fail(path, "counting.plural_without_count", f"expected an integer >= 1, got {pwc!r}")
        overlap = counting.get("overlap")
        if overlap not in ("max", "sum"):
            raise _fail(path, "counting.overlap", f"expected 'max' or 'sum', got {overlap!r}")

        clustering = data["clustering"]
        windows = {}
        for key in ("pronoun_window_chars", "description_window_chars", "relative_gap_chars", "entity_window_chars"):
            value = clustering.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _fail(path, f"clustering.{key}", f"expected an integer >= 0, got {value!r}")
            windows[key] = value

        words_cfg = data["words"]
        words: dict[str, frozenset[str]] = {}
        for key in _WORD_LIST_KEYS:
            value = words_cfg.get(key)
            if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
                raise _fail(path, f"words.{key}", "expected a non-empty list of strings")
            words[key] = frozenset(w.strip().lower() for w in value)
        pronouns_cfg = words_cfg.get("pronouns")
        if not isinstance(pronouns_cfg, dict) or not pronouns_cfg:
            raise _fail(path, "words.pronouns", "expected a mapping pronoun -> [number, gender, kind]")
        pronouns: dict[str, tuple[str, str, str]] = {}
        for word, spec_ in pronouns_cfg.items():
            if (
                not isinstance(spec_, list)
                or len(spec_) != 3
                or spec_[0] not in _PRONOUN_NUMBERS
                or spec_[1] not in _PRONOUN_GENDERS
                or spec_[2] not in _PRONOUN_KINDS
            ):
                raise _fail(
                    path,
                    f"words.pronouns.{word}",
                    f"expected [number in {sorted(_PRONOUN_NUMBERS)}, gender in {sorted(_PRONOUN_GENDERS)}, kind in {sorted(_PRONOUN_KINDS)}], got {spec_!r}",
                )
            pronouns[str(word).lower()] = (spec_[0], spec_[1], spec_[2])
        titles_cfg = words_cfg.get("titles")
        if not isinstance(titles_cfg, dict) or not titles_cfg:
            raise _fail(path, "words.titles", "expected a mapping title -> gender (m, f or null)")
        for title, gender in titles_cfg.items():
            if gender not in ("m", "f", None):
                raise _fail(path, f"words.titles.{title}", f"gender must be m, f or null, got {gender!r}")
        titles = {str(k).lower(): v for k, v in titles_cfg.items()}
        numbers_cfg = words_cfg.get("number_words")
        if not isinstance(numbers_cfg, dict) or not all(isinstance(v, int) and v > 0 for v in numbers_cfg.values()):
            raise _fail(path, "words.number_words", "expected a mapping word -> positive integer")
        number_words = {str(k).lower(): int(v) for k, v in numbers_cfg.items()}

        roles_cfg = data["outlet_roles"]
        unknown = sorted(set(roles_cfg) - set(_OUTLET_ROLE_KEYS))
        if unknown:
            raise _fail(path, "outlet_roles", f"unknown keys {unknown} (expected {list(_OUTLET_ROLE_KEYS)})")
        outlet_roles: dict[str, tuple[re.Pattern[str], ...]] = {}
        for key in _OUTLET_ROLE_KEYS:
            value = roles_cfg.get(key)
            if not isinstance(value, list) or not value or not all(isinstance(p, str) and p for p in value):
                raise _fail(path, f"outlet_roles.{key}", "expected a non-empty list of regular expressions")
            compiled = []
            for n, pattern in enumerate(value):
                try:
                    compiled.append(re.compile(pattern, re.IGNORECASE))
                except re.error as exc:
                    raise _fail(path, f"outlet_roles.{key}[{n}]", f"invalid regular expression: {exc}") from exc
            outlet_roles[key] = tuple(compiled)

        return cls(
            path=path,
            words=words,
            pronouns=pronouns,
            titles=titles,
            number_words=number_words,
            outlets=outlets,
            places=places,
            organizations=organizations,
            first_names=first_names,
            type_value=type_value,
            anonymous_base=anonymous_base,
            cue_weight=cue_weight,
            cap=cap,
            plural_without_count=pwc,
            overlap=overlap,
            pronoun_window=windows["pronoun_window_chars"],
            description_window=windows["description_window_chars"],
            relative_gap=windows["relative_gap_chars"],
            entity_window=windows["entity_window_chars"],
            max_outlet_tokens=max(len(_split_words(k)) for k in outlets),
            max_title_tokens=max(len(k.split()) for k in titles),
            outlet_roles=outlet_roles,
        )

    @classmethod
    def default(cls) -> SourceLexicon:
        """The shipped config, loaded once per process."""
        return _default_lexicon()

    # -- lookups ------------------------------------------------------------------------------------------------
    @cached_property
    def descriptor_tuples(self) -> dict[str, frozenset[tuple[str, ...]]]:
        """Outlet descriptor phrases as word tuples: "before", "after" (the two lists) and "any"."""
        before = frozenset(tuple(d.split()) for d in self.words["outlet_descriptors"])
        after = frozenset(tuple(d.split()) for d in self.words["outlet_descriptors_after"])
        return {"before": before, "after": after, "any": before | after}

    @cached_property
    def descriptor_first_words(self) -> frozenset[str]:
        return frozenset(d[0] for d in self.descriptor_tuples["any"])

    def has(self, list_name: str, word: str) -> bool:
        return word in self.words[list_name]

    def is_common_word(self, low: str) -> bool:
        """A word our lists know as an ordinary noun/modifier (so a capital letter on it proves nothing)."""
        lem = _lemma(low)[0]
        for key in (
            "person_nouns",
            "organization_nouns",
            "document_nouns",
            "media_nouns",
            "rank_words",
            "affiliation_words",
            "relation_markers",
            "singular_determiners",
            "plural_quantifiers",
            "definite_determiners",
            "possessive_determiners",
            "approximators",
        ):
            s = self.words[key]
            if low in s or lem in s:
                return True
        return low in self.pronouns or low in self.number_words or low in _FUNCTION_WORDS


@lru_cache(maxsize=1)
def _default_lexicon() -> SourceLexicon:
    return SourceLexicon.load()


def _prob(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= float(value) <= 1.0:
        raise _fail(path, where, f"expected a number in [0, 1], got {value!r}")
    return float(value)


def _prob_map(path: Path, where: str, value: Any, required: Sequence[str]) -> dict[str, float]:
    if not isinstance(value, dict):
        raise _fail(path, where, "missing or not a mapping")
    missing = [k for k in required if k not in value]
    if missing:
        raise _fail(path, where, f"missing keys {missing}")
    unknown = [k for k in value if k not in required]
    if unknown:
        raise _fail(path, where, f"unknown keys {unknown} (expected {list(required)})")
    return {k: _prob(path, f"{where}.{k}", v) for k, v in value.items()}


# --------------------------------------------------------------------------------------------------------------
# Tokens and document context
# --------------------------------------------------------------------------------------------------------------

# Words keep internal apostrophes, hyphens, dots and ampersands ("O'Neill", "al-Sudani", "U.S.", "AT&T");
# a final dot stays on abbreviations ("Mr.", "Sen.").
_TOKEN_RE = re.compile(r"[^\W_](?:[\w]|[.'’\-&](?=\w))*\.?|[^\w\s]", re.UNICODE)
_FUNCTION_WORDS = frozenset(
    "a an the and or but of for in at from with on by to as into than then so not no nor also just only even "
    "who whom whose which that this these those what where when how why all any each every both either neither "
    "is are was were be been being has have had do does did will would can could may might must shall should "
    "said says say told tells according".split()
)
_POSSESSIVE_SUFFIXES = ("'s", "’s")
_QUOTES_OPEN = "\"“‘'«([{"
_SENTENCE_END = ".!?:;\n•·|"
_NAME_PARTICLES = frozenset(
    {"de", "del", "della", "da", "van", "von", "der", "den", "bin", "ibn", "abu", "al", "el", "la", "le", "du", "st.", "jr.", "sr.", "jr", "sr", "ii", "iii"}
)
_PARTICLE_NAME = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|bin|ibn|abu|de|da|di|du|van|von|le|la)[-’'][A-Z]")
_POSTMOD_PARTICIPLE = re.compile(r"^[a-z]+(?:ing|ed)$")
_IRREGULAR = {
    "men": "man",
    "women": "woman",
    "people": "person",
    "children": "child",
    "spokesmen": "spokesman",
    "spokeswomen": "spokeswoman",
    "businessmen": "businessman",
    "congressmen": "congressman",
    "congresswomen": "congresswoman",
    "militiamen": "militiaman",
    "tribesmen": "tribesman",
    "chairmen": "chairman",
    "wives": "wife",
    "lives": "life",
    "police": "police",
    "media": "media",
    "data": "data",
    "staff": "staff",
    "personnel": "personnel",
    "clergy": "clergy",
    "public": "public",
    "press": "press",
    "news": "news",
    "series": "series",
    "analyses": "analysis",
    "crises": "crisis",
    "memoranda": "memorandum",
    "criteria": "criterion",
}
_PLURAL_ONLY = frozenset({"people", "police", "media", "staff", "personnel", "clergy", "others", "authorities", "data", "returns"})


def _lemma(word: str) -> tuple[str, bool]:
    """(singular form, looked plural) for a lowercase word; crude English rules that suffice for nouns here."""
    w = word.lower().rstrip(".")
    if w in _IRREGULAR:
        lem = _IRREGULAR[w]
        return lem, w in _PLURAL_ONLY or lem != w
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y", True
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
        return w[:-2], True
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")):
        return w[:-1], True
    return w, False


def _split_words(text: str) -> list[str]:
    return [m.group() for m in _TOKEN_RE.finditer(text)]


@dataclass(slots=True)
class Tok:
    """One word of a mention; ``low`` drops case, a possessive ending and a final non-abbreviation dot."""

    text: str
    start: int
    end: int
    low: str
    cap: bool  # first letter upper-case in the raw text
    upper: bool  # all letters upper-case (acronym or shouted text)
    poss: bool  # carried a possessive ending ("Trump's", "Davis'")
    proper: bool = False  # decided per document: a name part


_BEFORE_NAME = re.compile(r"([\w.]+)\s+(?:[A-Z]\.\s+)?$")


class _DocContext:
    """Per-text facts used to decide which capitalised words are names (computed once per text)."""

    def __init__(self, text: str, lexicon: SourceLexicon) -> None:
        self.text = text
        self.lexicon = lexicon
        self._line_caseless: dict[int, bool] = {}
        self._org_evidence: dict[str, bool] = {}
        self._person_evidence: dict[str, bool] = {}
        self._all_tokens: list[Tok] | None = None
        self._outlet_names: dict[tuple[str, ...], str] | None = None
        self._described_outlets: frozenset[str] = frozenset()
        mid_caps: set[str] = set()
        lower: set[str] = set()
        for m in _TOKEN_RE.finditer(text):
            tok = m.group()
            if not tok[0].isalpha():
                continue
            base = _strip_possessive(tok)[0]
            if tok[0].isupper():
                # capitalised where capitals mean something: not sentence-initial, not in a headline
                if not self.sentence_initial(m.start()) and not self.line_is_caseless(m.start()):
                    mid_caps.add(base)
            else:
                lower.add(base.lower())
        self.mid_caps = frozenset(mid_caps)
        self.lower_words = frozenset(lower)

    def line_is_caseless(self, offset: int) -> bool:
        """Headline or all-caps line: capital letters there say nothing about names."""
        start = self.text.rfind("\n", 0, offset) + 1
        cached = self._line_caseless.get(start)
        if cached is not None:
            return cached
        end = self.text.find("\n", offset)
        line = self.text[start : end if end >= 0 else len(self.text)]
        words = [w for w in _split_words(line) if w[0].isalpha()]
        alpha = [w for w in words if w.lower() not in _FUNCTION_WORDS]
        caseless = False
        if len(alpha) >= 3:
            capital = sum(1 for w in alpha if w[0].isupper())
            upper = sum(1 for w in alpha if len(w) > 1 and w.isupper())
            # Title Case needs a capitalised function word ("Rally For Their Schools"); a sentence dense with
            # names ("Sens. Jon Tester and David Vitter spoke") has them in lower case.
            title_function = sum(1 for w in words[1:] if w[0].isupper() and (w.lower() in _FUNCTION_WORDS or w.lower() in self.lexicon.pronouns))
            caseless = (capital / len(alpha) >= 0.75 and title_function >= 1) or upper / len(alpha) >= 0.6
        self._line_caseless[start] = caseless
        return caseless

    def sentence_initial(self, offset: int) -> bool:
        i = offset - 1
        text = self.text
        while i >= 0 and (text[i].isspace() or text[i] in _QUOTES_OPEN or text[i] in "—–-―"):
            if text[i] == "\n":
                return True
            i -= 1
        return i < 0 or text[i] in _SENTENCE_END or text[i] in "”\"’'" and i > 0 and text[i - 1] in ".!?,"

    @cached_property
    def _run_starts(self) -> dict[str, list[int]]:
        """Start offsets of every ``\\w+`` run, by its text: where a word can occur, found once per article
        instead of one scan of the whole text per word (quadratic on long documents)."""
        index: dict[str, list[int]] = {}
        for m in re.finditer(r"\w+", self.text):
            index.setdefault(m.group(), []).append(m.start())
        return index

    def _occurrences(self, word: str) -> list[int]:
        """Offsets where ``word`` starts at the start of a word run and ends at a word boundary."""
        first = re.match(r"\w+", word)
        if first is None:
            return [m.start() for m in re.finditer(rf"{re.escape(word)}\b", self.text)]
        end_ok = re.compile(r"\b")
        return [p for p in self._run_starts.get(first.group(), ()) if self.text.startswith(word, p) and end_ok.match(self.text, p + len(word))]

    def org_elsewhere(self, word: str) -> bool:
        """The article writes ``word`` followed by an organisation keyword ("Patriot Coal", "Peabody Energy")."""
        cached = self._org_evidence.get(word)
        if cached is None:
            cached = False
            if self.person_elsewhere(word):
                self._org_evidence[word] = False
                return False
            after = re.compile(rf"{re.escape(word)}((?:\s+[A-Z][\w&.-]*){{1,3}})")
            for p in self._occurrences(word):
                m = after.match(self.text, p)
                if m and any(w.lower().strip(".,") in self.lexicon.words["organization_keywords"] for w in m.group(1).split()):
                    cached = True
                    break
            self._org_evidence[word] = cached
        return cached

    def person_elsewhere(self, word: str) -> bool:
        """The article writes ``word`` after a given name or a title ("Donald Trump", "Mr. Clarke")."""
        cached = self._person_evidence.get(word)
        if cached is None:
            cached = False
            for p in self._occurrences(word):
                m = _BEFORE_NAME.search(self.text, max(0, p - 80), p)
                if m and (m.group(1).lower() in self.lexicon.first_names or m.group(1).lower() in self.lexicon.titles):
                    cached = True
                    break
            self._person_evidence[word] = cached
        return cached

    def is_name_word(self, word: str) -> bool:
        """A capitalised word in an uninformative position: a name if the article capitalises it elsewhere."""
        return word in self.mid_caps and word.lower() not in self.lower_words

    @property
    def all_tokens(self) -> list[Tok]:
        """Every token of the text (computed on first use), without the per-token name decision: the outlet
        scan needs only the raw capitalisation."""
        if self._all_tokens is None:
            self._all_tokens = _tokens(self.text, 0, len(self.text), self, decide_names=False)
        return self._all_tokens

    @property
    def outlet_names(self) -> dict[tuple[str, ...], str]:
        """Outlets this article names with a descriptor noun ("the Iraqi newspaper Al-Mada", "the Northern Ledger
        newspaper", "Orebody, a business website"): lowercase name words -> name. Unknown to the lexicon, they
        are outlets in this article wherever they appear, and so are shorter forms ("the Ledger")."""
        if self._outlet_names is None:
            self._outlet_names, self._described_outlets = _doc_outlet_names(self)
        return self._outlet_names

    @property
    def described_outlets(self) -> frozenset[str]:
        """Outlets the article introduces with a descriptor noun ("the Lebanese newspaper Al-Akhbar"): it
        describes them to the reader, so they are other outlets, not the one reporting."""
        _ = self.outlet_names
        return self._described_outlets


_CONTEXTS: dict[tuple[int, int], _DocContext] = {}


def _context(text: str, lexicon: SourceLexicon) -> _DocContext:
    """Small cache so typing many spans of one text (Label Studio, eval) builds the context once."""
    key = (id(text), id(lexicon))
    ctx = _CONTEXTS.get(key)
    if ctx is None or ctx.text is not text:
        if len(_CONTEXTS) > 16:
            _CONTEXTS.clear()
        ctx = _DocContext(text, lexicon)
        _CONTEXTS[key] = ctx
    return ctx


def _strip_possessive(word: str) -> tuple[str, bool]:
    for suffix in _POSSESSIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)], True
    return word, False


def _tokens(text: str, start: int, end: int, ctx: _DocContext, decide_names: bool = True) -> list[Tok]:
    """Tokens of ``text[start:end]`` with name decisions (see ``_is_proper``) unless ``decide_names`` is off."""
    out: list[Tok] = []
    for m in _TOKEN_RE.finditer(text, start, end):
        raw = m.group()
        if raw in ("'", "’") and out and out[-1].text.lower().endswith("s") and not out[-1].poss:
            out[-1].poss = True  # "Davis' commentary"
            continue
        word, poss = _strip_possessive(raw)
        low = word.lower()
        if low.endswith(".") and low not in ctx.lexicon.titles and not re.fullmatch(r"(?:\w\.)+", low):
            low = low.rstrip(".")
        first = word[0]
        tok = Tok(
            text=word,
            start=m.start(),
            end=m.start() + len(word),
            low=low,
            cap=first.isupper() or (first.islower() and _PARTICLE_NAME.match(word) is not None),
            upper=word.isupper() and sum(c.isalpha() for c in word) > 1,
            poss=poss,
        )
        out.append(tok)
    if decide_names:
        for i, tok in enumerate(out):
            tok.proper = _is_proper(tok, i, out, ctx)
    return out


def _is_proper(tok: Tok, index: int, toks: list[Tok], ctx: _DocContext) -> bool:
    """Whether a token is part of a name. Capitalisation decides, except where it is uninformative."""
    lex = ctx.lexicon
    if not tok.text[0].isalpha() and not tok.text[0].isdigit():
        return False
    if not tok.cap:
        return False
    known_name = tok.low in lex.first_names or tok.text.lower() in lex.places or tok.low in lex.organizations or tok.low in lex.outlets
    if ctx.line_is_caseless(tok.start):
        return known_name or ctx.is_name_word(tok.text)
    if (tok.low in _FUNCTION_WORDS or tok.low in lex.pronouns) and not (tok.upper and tok.low in lex.places):
        return False  # ("US" is a country, "us" a pronoun)
    initial = index == 0 and ctx.sentence_initial(tok.start)
    shouted = tok.upper and len(tok.text) > 3 and _in_caps_run(tok, ctx.text)
    if initial or shouted:
        if known_name or ctx.is_name_word(tok.text):
            return True
        if lex.is_common_word(tok.low) or tok.low in lex.number_words or tok.text == "I":
            return False
        # an unknown capitalised first word is a name only where a name can be: as the head, or followed by
        # more capitalised words ("Caddell said", "Jorge Castañeda said"; not "Voting rights advocates")
        nxt = toks[index + 1] if index + 1 < len(toks) else None
        return nxt is None or not nxt.text[0].isalpha() or (nxt.cap and not shouted)
    return True


def _in_caps_run(tok: Tok, text: str) -> bool:
    """Shouted text ("CALLED OUT BY FELLOW DOCTORS"): an all-caps word next to another all-caps word."""
    before = text[max(0, tok.start - 40) : tok.start].split()
    after = text[tok.end : tok.end + 40].split()

    def caps(w: str) -> bool:
        letters = [c for c in w if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)

    return bool(before and caps(before[-1])) or bool(after and caps(after[0]))


# --------------------------------------------------------------------------------------------------------------
# Typing one mention
# --------------------------------------------------------------------------------------------------------------


class SpanTyping(NamedTuple):
    """What ``type_span`` returns: unpacks as ``type, specificity, count, plural``."""

    type: str
    specificity: float
    count: int | None
    plural: bool


@dataclass(slots=True)
class Mention:
    """Everything the typing found in one SOURCE span; clustering and the record use it."""

    span_id: str
    start: int
    end: int
    text: str
    type: str
    specificity: float
    count: int | None
    plural: bool
    name: str
    affiliation: str | None = None
    secondhand: bool = False
    head: str = ""  # lemma of the head noun, or the pronoun
    pronoun: str | None = None  # pronoun kind (person, thing, speaker, relative, ...)
    number: str = "sg"  # sg | pl | x (pronouns)
    gender: str = "x"
    definite: bool = False
    partitive: bool = False  # "10 of the sources"
    new_marker: bool = False  # "another official"
    name_tokens: tuple[str, ...] = ()  # person/organisation name words, lowercase
    roles: frozenset[str] = frozenset()  # role nouns attached to a name ("spokesman", "senator")
    descriptors: frozenset[str] = frozenset()  # description words of an anonymous source
    cues: frozenset[str] = frozenset()  # specificity cue kinds found
    key: str = ""  # identity key for organisations, outlets and documents
    relayed_by: str | None = None  # told another outlet ("the militia leader told al-Akhbar"): that outlet
    reporter: bool = False  # a mention of the outlet that did the reporting ("Reuters talked to ...")


def type_span(text: str, span: Span, lexicon: SourceLexicon | None = None) -> SpanTyping:
    """Type one SOURCE span of ``text`` (e.g. a Label Studio region): ``(type, specificity, count, plural)``."""
    m = describe_span(text, span, lexicon)
    return SpanTyping(m.type, m.specificity, m.count, m.plural)


def describe_span(text: str, span: Span, lexicon: SourceLexicon | None = None) -> Mention:
    """Full analysis of one SOURCE span (type, count, name, affiliation, cues ...)."""
    lexicon = lexicon or SourceLexicon.default()
    return _analyse(text, span.start, span.end, span.id, _context(text, lexicon))


def _analyse(text: str, start: int, end: int, span_id: str, ctx: _DocContext) -> Mention:
    lex = ctx.lexicon
    # Trim quotes, brackets and separators the tagger may have included.
    while start < end and (text[start].isspace() or text[start] in "\"“”‘’'«»,;:([{—–-―"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '"“”‘’«»,;:)]}—–-―'):
        if text[end - 1] == ")" and "(" in text[start:end]:
            break
        end -= 1
    surface = text[start:end]
    base = Mention(span_id=span_id, start=start, end=end, text=surface, type=ANONYMOUS_VAGUE, specificity=0.0, count=None, plural=False, name=surface)
    toks = _tokens(text, start, end, ctx)
    if not toks:
        return _finish(base, lex)
    # Parentheticals carry party/state ("(D-S.C.)") but are not part of the noun phrase.
    paren_words: list[Tok] = []
    kept: list[Tok] = []
    depth = 0
    for t in toks:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth:
            paren_words.append(t)
        else:
            kept.append(t)
    toks = kept or toks

    pron = _pronoun_mention(toks, base, lex)
    if pron is not None:
        return _finish(pron, lex)

    parts = _merge_comma_modifiers(_split_top(toks), lex)
    analyses = [_analyse_part(p, base, ctx) for p in parts]
    result = _combine_parts(analyses, parts, lex)
    result.span_id, result.start, result.end, result.text = span_id, start, end, surface
    if paren_words and result.affiliation is None:
        result.affiliation = _party_from_parenthetical(paren_words)
    return _finish(result, lex)


def _pronoun_mention(toks: list[Tok], base: Mention, lex: SourceLexicon) -> Mention | None:
    """Bare pronouns and partitive pronouns ("many of whom", "two of them")."""
    words = [t.low for t in toks if t.text[0].isalnum()]
    if len(words) == 1 and words[0] in lex.pronouns and not (toks[0].upper and toks[0].text.lower() in lex.places):
        number, gender, kind = lex.pronouns[words[0]]
        m = _copy(base, type=REFERENCE, head=words[0], pronoun=kind, number=number, gender=gender)
        if kind == "speaker" and words[0] in ("we", "us", "our") or number == "pl":
            m.count, m.plural = None, True
        elif kind in ("relative",):
            m.count, m.plural = 1, False
        else:
            m.count, m.plural = 1, False
        return m
    if len(words) == 1 and words[0] in _QUANTIFIER_PRONOUNS:
        anaphoric = _QUANTIFIER_PRONOUNS[words[0]]
        count = lex.number_words.get(words[0], 1 if words[0] in ("another", "each", "either", "neither") else None)
        m = _copy(base, type=REFERENCE if anaphoric else ANONYMOUS_VAGUE, head=words[0], count=count, plural=count is None or count > 1)
        if anaphoric:
            m.pronoun, m.number = ("any", "pl") if m.plural else ("person", "sg")
        return m
    if len(words) >= 3 and words[-2] == "of" and words[-1] in ("whom", "them", "which", "us", "those", "these"):
        q = " ".join(words[:-2])
        count, plural = _quantity(q, lex)
        m = _copy(base, type=REFERENCE, head=words[-1], pronoun="relative" if words[-1] in ("whom", "which") else "any", number="pl", partitive=True)
        m.count, m.plural = count, plural if count is None else count > 1
        if count is None:
            m.plural = True
        return m
    return None


# Quantifiers standing alone: True = they point back ("both", "another"), False = a vague crowd ("some say").
_QUANTIFIER_PRONOUNS = {
    "both": True,
    "another": True,
    "each": True,
    "either": True,
    "neither": True,
    "some": False,
    "many": False,
    "most": False,
    "others": False,
    "several": False,
    "all": False,
    "few": False,
}


def _copy(base: Mention, **changes: Any) -> Mention:
    m = Mention(**{f: getattr(base, f) for f in base.__dataclass_fields__})  # type: ignore[attr-defined]
    for k, v in changes.items():
        setattr(m, k, v)
    return m


def _split_top(toks: list[Tok]) -> list[list[Tok]]:
    """Split on commas and dashes: appositions ("Scott Pruitt, the attorney general") or lists."""
    parts: list[list[Tok]] = [[]]
    for t in toks:
        if t.text in (",", "—", "–", "―", ";") or t.text == "-" and parts[-1]:
            if parts[-1]:
                parts.append([])
            continue
        parts[-1].append(t)
    return [p for p in parts if p]


def _merge_comma_modifiers(parts: list[list[Tok]], lex: SourceLexicon) -> list[list[Tok]]:
    """Rejoin adjectives a comma separated from their noun ("a separate, senior, US official"): a short part
    that ends in a lower-case word no list knows as a noun, followed by a part that is not an apposition."""
    out: list[list[Tok]] = []
    for part in parts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(prev) <= 3
            and prev[-1].text.isalpha()
            and prev[-1].text.islower()
            and not _is_noun(prev[-1], lex)
            and prev[-1].low not in _FUNCTION_WORDS
            and not prev[-1].low.endswith("s")
            and part[0].low not in _APPOSITIVE_STARTS
            and part[0].low not in _FUNCTION_WORDS
            and part[0].low not in _ADVERBIAL_STARTS
        ):
            out[-1] = prev + part
            continue
        out.append(list(part))
    return out


@dataclass(slots=True)
class _Part:
    """Analysis of one comma-separated part of a mention."""

    type: str
    count: int | None
    plural: bool
    name: str
    name_tokens: tuple[str, ...] = ()
    head: str = ""
    definite: bool = False
    possessive: bool = False
    partitive: bool = False
    new_marker: bool = False
    affiliation: str | None = None
    secondhand: bool = False
    gender: str = "x"
    roles: frozenset[str] = frozenset()
    descriptors: frozenset[str] = frozenset()
    cues: frozenset[str] = frozenset()
    key: str = ""
    named: bool = False  # denotes a named entity (name-like part)
    examples: bool = False  # introduced by "including" / "such as"
    adverbial: bool = False  # "in particular", "especially ...": adds nothing to the description
    strong: bool = False  # the name has a person cue (title, first name, two+ words) or an organisation cue
    starts_appositive: bool = False  # begins with a determiner / relative word: an apposition, not a list item


_ADVERBIAL_STARTS = frozenset(
    {"especially", "particularly", "in", "mostly", "mainly", "chiefly", "too", "also", "though", "however", "including", "such", "like"}
)
_APPOSITIVE_STARTS = frozenset(
    "a an the who whom whose which that including such now then also himself herself itself one another his her "
    "its their our my your former currently both".split()
)


def _analyse_part(toks: list[Tok], base: Mention, ctx: _DocContext) -> _Part:
    examples = False
    if len(toks) > 1 and (toks[0].low in ("including", "like", "especially", "notably") or (toks[0].low == "such" and toks[1].low == "as")):
        examples = True  # "unions, including the AFT and the AFL-CIO": the named examples
        toks = toks[2:] if toks[0].low == "such" else toks[1:]
        if not toks:
            return _Part(type=ANONYMOUS_VAGUE, count=None, plural=True, name="", starts_appositive=True)
    part = _analyse_conjunction(toks, ctx)
    part.starts_appositive = part.starts_appositive or examples or toks[0].low in _APPOSITIVE_STARTS
    part.examples = examples
    return part


def _analyse_conjunction(toks: list[Tok], ctx: _DocContext) -> _Part:
    conj = _split_conjuncts(toks, ctx.lexicon)
    if len(conj) > 1:
        subs = [_analyse_np(c, ctx) for c in conj]
        first = subs[0]
        if _title_chain(conj, subs, ctx.lexicon):
            # "senior dockworkers union official and strike committee chair Mara Delgado-Reyes": one person
            last = subs[-1]
            last.roles = last.roles | {s.head for s in subs[:-1] if s.head}
            last.affiliation = last.affiliation or next((s.affiliation for s in subs[:-1] if s.affiliation), None)
            return last
        if all(s.named for s in subs):
            counts = [s.count for s in subs]
            total = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
            first.count, first.plural = total, True
            first.name = " and ".join(s.name for s in subs)
            first.name_tokens = tuple(w for s in subs for w in s.name_tokens)
            return first
        # Mixed or anonymous coordination ("Republicans and Democrats on the committee"): the first conjunct's
        # head with the whole phrase's descriptors (a shared post-modifier belongs to every conjunct).
        whole = _analyse_np(toks, ctx)
        head_part = first if first.type != REFERENCE or whole.type == REFERENCE else whole
        if first.named:
            head_part = first
        elif first.type in ANONYMOUS_TYPES or first.type == REFERENCE:
            cues = first.cues | whole.cues
            descriptors = first.descriptors | whole.descriptors
            t = first.type
            if t == ANONYMOUS_VAGUE and (cues & _DESCRIBING_CUES):
                t = ANONYMOUS_DESCRIBED
            head_part = _Part(
                type=t,
                count=None,
                plural=True,
                name=" ".join(x.text for x in toks),
                head=first.head,
                definite=first.definite,
                possessive=first.possessive,
                affiliation=first.affiliation or whole.affiliation,
                secondhand=first.secondhand or whole.secondhand,
                descriptors=descriptors,
                cues=cues,
            )
        counts = [s.count for s in subs]
        head_part.count = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
        head_part.plural = True
        return head_part
    return _analyse_np(toks, ctx)


def _title_chain(conj: list[list[Tok]], subs: list[_Part], lex: SourceLexicon) -> bool:
    """Roles joined by "and" before one name: the earlier conjuncts are bare singular role descriptions (no
    determiner, no number) and the last one is a named person."""
    if subs[-1].type != NAMED_PERSON or subs[-1].plural:
        return False
    for toks, sub in zip(conj[:-1], subs[:-1], strict=True):
        first = toks[0].low
        if sub.type not in ANONYMOUS_TYPES or sub.plural or sub.head not in lex.words["person_nouns"]:
            return False
        if first in lex.words["definite_determiners"] or first in lex.words["possessive_determiners"] or first in lex.words["singular_determiners"]:
            return False
        if first in lex.words["plural_quantifiers"] or first in lex.number_words or first.isdigit():
            return False
    return True


def _split_conjuncts(toks: list[Tok], lex: SourceLexicon) -> list[list[Tok]]:
    """Split on "and"/"&" unless it sits inside one organisation name ("Citizens for Tax Justice and ...")."""
    out: list[list[Tok]] = [[]]
    for i, t in enumerate(toks):
        if t.low in ("and", "&", "or") and out[-1] and i + 1 < len(toks):
            nxt = toks[i + 1]
            lone_adjective = len(out[-1]) == 1 and not out[-1][0].proper and not _is_noun(out[-1][0], lex)
            if (_is_modifier(out[-1][-1], lex) and _is_modifier(nxt, lex) or lone_adjective) and i + 2 < len(toks):
                out[-1].append(t)  # "Iranian and Iraqi sources", "senior and junior officials"
                continue
            inside_name = t.low == "&" or (
                toks[i - 1].proper and nxt.proper and _run_has_org_keyword(toks[i + 1 :], lex) and not _run_has_person_cue(toks[i + 1 :], lex)
            )
            if not inside_name:
                out.append([])
                continue
        out[-1].append(t)
    return [c for c in out if c]


def _is_noun(t: Tok, lex: SourceLexicon) -> bool:
    lem = _lemma(t.low)[0]
    return (
        any(t.low in lex.words[k] or lem in lex.words[k] for k in ("person_nouns", "organization_nouns", "document_nouns", "media_nouns", "group_nouns"))
        or t.low in lex.pronouns
    )


def _is_modifier(t: Tok, lex: SourceLexicon) -> bool:
    """An adjective-like word: nationality, rank or affiliation (coordinated modifiers share one head)."""
    low = t.low
    if (t.cap or t.upper) and t.text.lower() in lex.places and lex.places[t.text.lower()].lower() == low:
        return True  # "Iraqi" (the label itself is the adjective), not "Iraq"
    return low in lex.words["rank_words"] or (low in lex.words["affiliation_words"] and low not in lex.words["organization_nouns"])


# Group nouns English capitalises: "Republicans", "Democrats", "Muslims" (not names, even when capitalised).
_CAPITALISED_GROUPS = frozenset(
    {
        "republican",
        "democrat",
        "independent",
        "american",
        "african-american",
        "muslim",
        "christian",
        "jew",
        "shiite",
        "sunni",
        "kurd",
        "conservative",
        "liberal",
        "progressive",
    }
)


def _capitalised_group(head: Tok, chunk: list[Tok], lex: SourceLexicon) -> bool:
    """A capitalised head that is a group of people rather than a name ("Many Democrats", "Many Mexicans")."""
    lem = _lemma(head.low)[0]
    if lem in _CAPITALISED_GROUPS:
        return True
    if head.low.endswith("s") and (lex.places.get(head.low[:-1]) or "").lower() == head.low[:-1]:
        return True  # "Mexicans", "Iraqis": the plural of a nationality adjective
    if lex.places.get(head.low) and head.low.endswith("s") and lex.places[head.low].lower() != head.low:
        return True  # "Iraqis" listed as a name of the place
    index = chunk.index(head) if head in chunk else len(chunk) - 1
    name_before = index > 0 and chunk[index - 1].proper
    return lem in lex.words["group_nouns"] and not name_before  # "Critics" at sentence start, not "the Charlotte Observer"


def _is_place_adjective(t: Tok, lex: SourceLexicon) -> bool:
    label = lex.places.get(t.text.lower())
    return label is not None and label.lower() == t.low


def _run_has_org_keyword(toks: Sequence[Tok], lex: SourceLexicon) -> bool:
    for t in toks:
        if not t.proper:
            break
        if t.low in lex.words["organization_keywords"]:
            return True
    return False


def _run_has_person_cue(toks: Sequence[Tok], lex: SourceLexicon) -> bool:
    return any(t.low in lex.titles or t.low in lex.first_names for t in toks[:2])


_DESCRIBING_CUES = frozenset({"rank", "nationality", "affiliation", "relation", "named_modifier"})


def _quantity(phrase: str, lex: SourceLexicon) -> tuple[int | None, bool]:
    """Count from a quantifier phrase: ("ten" -> 10), ("a" -> 1), ("several" -> None, plural)."""
    phrase = phrase.strip().lower()
    if not phrase:
        return None, False
    words = phrase.split()
    # strip approximators ("at least ten", "more than 20")
    changed = True
    while changed and words:
        changed = False
        for n in (2, 1):
            if len(words) > n and " ".join(words[:n]) in lex.words["approximators"]:
                words = words[n:]
                changed = True
                break
    total = _number(words, lex)
    if total is not None:
        return total, total != 1
    joined = " ".join(words)
    if joined in lex.words["singular_determiners"] or words[0] in ("a", "an", "one", "another", "single", "each", "every", "any"):
        return 1, False
    return None, True


def _number(words: list[str], lex: SourceLexicon) -> int | None:
    """Digits or number words at the start of ``words`` ("10", "two dozen", "twenty-five", "a dozen")."""
    if not words:
        return None
    w = words[0].replace(",", "")
    if w.isdigit():
        return int(w)
    if w == "a" and len(words) > 1 and words[1] in ("dozen", "couple", "pair"):
        return lex.number_words[words[1]]
    parts = w.split("-")
    if all(p in lex.number_words for p in parts):
        value = sum(lex.number_words[p] for p in parts)
        if len(words) > 1 and words[1] in ("dozen", "hundred") and words[1] in lex.number_words:
            value *= lex.number_words[words[1]]
        return value
    return None


def _analyse_np(toks: list[Tok], ctx: _DocContext) -> _Part:
    """Type one noun phrase (no top-level commas or conjunctions)."""
    lex = ctx.lexicon
    name_text = " ".join(t.text for t in toks)
    i = 0
    definite = possessive = partitive = new_marker = False
    count: int | None = None
    plural = False
    quant_words: list[str] = []
    possessor: list[Tok] = []

    # -- determiners and quantifiers ----------------------------------------------------------------------------
    def at(j: int) -> str:
        return toks[j].low if j < len(toks) else ""

    while i < len(toks):
        low = at(i)
        two = f"{low} {at(i + 1)}"
        three = f"{two} {at(i + 2)}"
        if i == 0 and low in ("both",) and len(toks) > 1:
            quant_words.append(low)
            definite = True  # "both men" points back like "the two men"
            i += 1
            continue
        if three in lex.words["plural_quantifiers"] or three in lex.words["new_markers"]:
            quant_words += three.split()
            new_marker |= three in lex.words["new_markers"]
            i += 3
            continue
        if two in lex.words["plural_quantifiers"] or two in lex.words["new_markers"] or two in lex.words["approximators"]:
            quant_words += two.split()
            new_marker |= two in lex.words["new_markers"]
            i += 2
            continue
        if low in lex.words["definite_determiners"] and not toks[i].poss:
            definite = True
            i += 1
            continue
        if low in lex.words["possessive_determiners"]:
            possessive = True
            possessor = [toks[i]]
            i += 1
            continue
        if low in lex.words["new_markers"]:
            new_marker = True
            quant_words.append(low)
            i += 1
            continue
        if (
            low in lex.words["singular_determiners"]
            or low in lex.words["plural_quantifiers"]
            or low in lex.words["approximators"]
            or low in lex.number_words
            or low.replace(",", "").isdigit()
            or ("-" in low and all(p in lex.number_words for p in low.split("-") if p))
        ):
            quant_words.append(low)
            i += 1
            continue
        if low == "of" and quant_words:  # "10 of the sources", "one of the officials", "a number of"
            partitive = True
            i += 1
            continue
        break
    if quant_words:
        count, plural = _quantity(" ".join(quant_words), lex)
    if partitive and at(i) in lex.words["definite_determiners"]:
        i += 1
    # possessor phrase: "Keith Lamont Scott's wife", "the ad's narrator", "Clinton's campaign"
    for j in range(i, len(toks)):
        if toks[j].poss and j + 1 < len(toks):
            possessive = True
            possessor = toks[i : j + 1]
            i = j + 1
            break
        if toks[j].low in lex.words["relation_markers"] and j > i:
            break
    core = toks[i:] if i < len(toks) else toks[-1:]

    # collective nouns hand the head on: "a small group of super-wealthy contributors"
    for j, t in enumerate(core[:-2]):
        if _lemma(t.low)[0] in _COLLECTIVE_NOUNS and core[j + 1].low == "of" and not t.proper:
            core = core[j + 2 :]
            if core and core[0].low in lex.words["definite_determiners"]:
                core = core[1:]
            if count is None or count == 1:  # "a group of", "one group of": an unknown number of people
                count, plural = None, True
            quant_words = quant_words or ["several"]
            break
        if not (t.low in lex.words["rank_words"] or t.low in _SIZE_ADJECTIVES):
            break
    # -- head: end of the pre-modifier chunk ---------------------------------------------------------------------
    head_end = _head_end(core, lex)
    chunk = core[:head_end]
    post = core[head_end:]
    head_tok = chunk[-1] if chunk else core[-1]
    if (not head_tok.text[0].isalnum() or head_tok.text[0].isdigit()) and len(chunk) > 1:
        head_tok = chunk[-2]  # "Article 21", "Resolution 2231"
    head_lemma, head_plural = _lemma(head_tok.low)
    whole_low = " " + " ".join(t.low for t in toks) + " "

    part = _Part(
        type=ANONYMOUS_VAGUE,
        count=count,
        plural=plural,
        name=name_text,
        head=head_lemma,
        definite=definite,
        possessive=possessive,
        partitive=partitive,
        new_marker=new_marker,
    )

    # -- media outlets anywhere in the phrase ---------------------------------------------------------------------
    outlet = _find_outlet(toks, lex, ctx)
    if outlet is not None:
        o_start, o_end, canonical = outlet
        head_index = toks.index(head_tok) if head_tok in toks else -1
        ends_at_head = o_start <= head_index < o_end
        # "the Northern Ledger newspaper", "the Mada news agency": the name, then a descriptor noun as the head
        descriptor_head = 0 <= o_end <= head_index and _outlet_descriptor_at(toks, o_end, head_index + 1, lex)
        # A lexicon outlet anywhere relays it ("a reporter for USA Today"). A name only this article makes an
        # outlet ("New York" after "New York magazine") must be the head, the owner ("the Ledger's report") or
        # the object of by/for/from/in ("a report by the business website Orebody"), not "the mayor of New York".
        before = [t for t in toks[max(0, o_start - 4) : o_start] if t.low != "the"]
        introduced = bool(before) and (
            before[-1].low in ("by", "for", "from", "in", "on", "to") or any(_outlet_descriptor_at(before, len(before) - k, len(before), lex) for k in (1, 2))
        )
        part.secondhand = canonical in lex.outlets.values() or ends_at_head or descriptor_head or toks[o_end - 1].poss or introduced
        if (ends_at_head or descriptor_head) and not (head_tok.low in lex.titles and not head_tok.proper):
            part.type, part.named, part.strong, part.key = MEDIA_OUTLET, True, True, "outlet:" + canonical.lower()
            part.name, part.affiliation = canonical, canonical
            part.count, part.plural = (1, False) if count is None else (count, count != 1)
            return part

    # -- names ---------------------------------------------------------------------------------------------------
    if head_tok.proper and not _capitalised_group(head_tok, chunk, lex):
        return _named_part(part, chunk, head_tok, possessor, post, ctx)

    # The head is a common noun: a document, outlet, organisation or unnamed people.
    descriptors, cues, affiliation = _describe(chunk[:-1] if chunk else [], post, possessor, ctx)
    part.descriptors, part.cues = descriptors, cues
    part.affiliation = affiliation

    is_doc = head_lemma in lex.words["document_nouns"] or head_tok.low in lex.words["document_nouns"]
    is_media = head_lemma in lex.words["media_nouns"] or head_tok.low in lex.words["media_nouns"]
    is_org = head_lemma in lex.words["organization_nouns"] or head_tok.low in lex.words["organization_nouns"]
    is_person = head_lemma in lex.words["person_nouns"] or head_tok.low in lex.words["person_nouns"] or head_lemma in lex.words["group_nouns"]
    # an outlet's name as a modifier relays that outlet ("a Times reporter"); a media noun only when the head is
    # not a person ("media reports", but not "the Pentagon press secretary")
    if any(t.low in lex.outlets for t in chunk[:-1]) or (not is_person and any(t.low in lex.words["media_nouns"] for t in chunk[:-1])):
        part.secondhand = True
    if head_tok.low == "percent" or (head_tok.low in ("majority", "minority") and not count):
        part.count, part.plural = None, True
        part.type = ANONYMOUS_VAGUE
        return part
    if count is None:
        if head_plural or head_tok.low in _PLURAL_ONLY:
            part.plural = True
        elif not quant_words:
            part.count, part.plural = 1, False
    elif quant_words and count == 1 and head_plural and not partitive:
        part.count, part.plural = None, True  # "a few early supporters" parsed as "a"

    # media reports / media as a source: anonymous, secondhand
    if head_lemma in lex.words["media_report_nouns"] and any(t.low in lex.words["media_nouns"] or t.low in ("news",) for t in chunk[:-1]):
        part.type, part.secondhand = ANONYMOUS_VAGUE, True
        return part
    if is_media and not is_person:
        part.secondhand = True
        named_mod = any(t.proper and t.text.lower() not in lex.places for t in chunk[:-1])
        part.type = MEDIA_OUTLET if named_mod else ANONYMOUS_VAGUE
        if not named_mod and definite and not possessive and not part.plural and head_lemma not in ("media", "press"):
            part.type = REFERENCE  # "the newspaper", "the network"
        if part.type == MEDIA_OUTLET:
            part.named, part.key = True, "outlet:" + " ".join(t.low for t in chunk)
        return part
    if is_doc and not (is_person and cues & _DESCRIBING_CUES and head_lemma not in ("report",)):
        part.type = DOCUMENT
        part.key = "doc:" + head_lemma
        if possessor and any(t.proper for t in possessor):
            part.affiliation = part.affiliation or _name_affiliation(possessor, lex)
        return part
    if is_org and not is_person:
        owner_named = (
            any(t.proper and not _is_place_adjective(t, lex) for t in chunk[:-1])
            or any(t.proper for t in possessor)
            or any(t.low in ("his", "her", "their", "its") for t in possessor)
        )
        nationality = "nationality" in cues
        identified = nationality or "affiliation" in cues  # "the Israeli military", "the interior ministry"
        if definite and not possessive and not owner_named and not identified:
            part.type = REFERENCE
        elif possessive and not owner_named and (definite or possessor and possessor[0].low in lex.words["definite_determiners"]):
            part.type = REFERENCE  # "the agency's bureaucracy"
        elif part.plural and not owner_named and not definite:
            part.type = ANONYMOUS_VAGUE  # unnamed institutions: "some environmental groups", "many European countries"
        else:
            part.type = NAMED_ORGANIZATION
            part.named = True
            part.strong = owner_named or identified
        owner = [t for t in chunk[:-1] if t.proper] or [t for t in possessor if t.proper]
        part.name = ctx.text[toks[0].start : toks[-1].end]
        part.key = "org:" + head_lemma + ":" + " ".join(t.low for t in owner)
        if owner and part.affiliation is None:
            part.affiliation = " ".join(t.text for t in owner)
        part.name_tokens = tuple(t.low for t in owner)
        if part.type == NAMED_ORGANIZATION and part.count is None and not part.plural:
            part.count = 1
        return part

    # people without a name
    if partitive:
        part.type = ANONYMOUS_DESCRIBED if cues & _DESCRIBING_CUES else ANONYMOUS_VAGUE
        return part
    if definite and not possessive:
        part.type = REFERENCE
        if count is None and not part.plural:
            part.count = 1
        return part
    if possessive:
        part.type = ANONYMOUS_DESCRIBED
        part.cues = part.cues | {"relation"}
        return part
    if not is_person and chunk and not any(t.text[0].isalpha() for t in chunk):
        part.type = ANONYMOUS_VAGUE
        return part
    group_only = head_lemma in lex.words["group_nouns"] and not (cues & (_DESCRIBING_CUES - {"rank"}))
    if cues & _DESCRIBING_CUES and not group_only:
        part.type = ANONYMOUS_DESCRIBED
    else:
        part.type = ANONYMOUS_VAGUE
    if " i " in whole_low or " we " in whole_low:
        part.cues = part.cues | {"vague_relation"}
    return part


def _head_end(core: list[Tok], lex: SourceLexicon) -> int:
    """Index just after the head noun: the chunk stops at a preposition, relative word or participle."""
    for j, t in enumerate(core):
        if j == 0:
            continue
        low = t.low
        prev = core[j - 1]
        if low in ("of", "for", "&", "and") and prev.proper and j + 1 < len(core):
            nxt = core[j + 1] if core[j + 1].low not in ("the", "a") or j + 2 >= len(core) else core[j + 2]
            if nxt.proper and (
                _run_has_org_keyword(core[:j], lex) or nxt.low in lex.words["organization_keywords"] or prev.low in lex.words["organization_keywords"]
            ):
                continue  # "University of Michigan", "Citizens for Tax Justice"
            if prev.low in lex.titles and nxt.proper:
                continue  # "Secretary of State John Kerry"
        if low in lex.words["relation_markers"] or low in (
            "like",
            "who",
            "whom",
            "whose",
            "which",
            "that",
            "including",
            "such",
            "i",
            "we",
            "titled",
            "called",
            "named",
            "being",
            "(",
            "whose",
        ):
            return j
        if low in _REFLEXIVES or (low.endswith("ly") and not t.proper and len(low) > 4 and not lex.is_common_word(low)):
            return j  # "the ad itself", "guidelines recently issued by ..."
        if (
            _POSTMOD_PARTICIPLE.match(low)
            and not t.proper
            and (
                prev.low in lex.words["person_nouns"]
                or prev.low in lex.words["document_nouns"]
                or _lemma(prev.low)[0] in lex.words["person_nouns"]
                or _lemma(prev.low)[0] in lex.words["document_nouns"]
                or _lemma(prev.low)[0] in lex.words["organization_nouns"]
            )
        ):
            return j
    return len(core)


_SIZE_ADJECTIVES = frozenset({"small", "large", "big", "growing", "whole", "entire", "tiny", "broad", "wide", "new", "loose", "vast", "huge"})
_COLLECTIVE_NOUNS = frozenset(
    {
        "group",
        "number",
        "handful",
        "majority",
        "minority",
        "lot",
        "bunch",
        "couple",
        "pair",
        "host",
        "raft",
        "slew",
        "range",
        "variety",
        "series",
        "set",
        "dozen",
        "dozens",
        "hundreds",
        "thousands",
        "scores",
        "half",
        "third",
        "quarter",
        "crowd",
        "team",
        "panel",
        "coalition",
        "chorus",
        "army",
        "legion",
        "wave",
    }
)
_REFLEXIVES = frozenset({"itself", "himself", "herself", "themselves", "myself", "ourselves", "yourself"})


def _find_outlet(toks: list[Tok], lex: SourceLexicon, ctx: _DocContext | None = None) -> tuple[int, int, str] | None:
    """Longest outlet name in the phrase (a leading "the" optional), as (start index, end index, canonical):
    from the lexicon, or one the article introduces with a descriptor noun (``_DocContext.outlet_names``)."""
    best = _find_lexicon_outlet(toks, lex)
    if ctx is not None and ctx.outlet_names:
        found = _find_doc_outlet(toks, ctx)
        if found is not None and (best is None or found[1] - found[0] > best[1] - best[0]):
            best = found
    return best


def _find_lexicon_outlet(toks: list[Tok], lex: SourceLexicon) -> tuple[int, int, str] | None:
    best: tuple[int, int, str] | None = None
    for i in range(len(toks)):
        hit = _lexicon_outlet_at(toks, i, lex)
        if hit is not None and (best is None or hit[0] - i > best[1] - best[0]):
            best = (i, hit[0], hit[1])
    return best


def _lexicon_outlet_at(toks: list[Tok], i: int, lex: SourceLexicon) -> tuple[int, str] | None:
    """(end index, canonical) of the longest lexicon outlet name starting at ``toks[i]``."""
    if not toks[i].cap and not toks[i].upper:
        return None
    n = len(toks)
    for k in range(min(lex.max_outlet_tokens, n - i), 0, -1):
        words = toks[i : i + k]
        if not all(w.cap or w.upper or not w.text[0].isalpha() or w.low in ("of", "the", "and", "&") for w in words):
            continue
        phrase = " ".join(w.text for w in words).lower().replace(" .", ".")
        canonical = lex.outlets.get(phrase) or lex.outlets.get("the " + phrase)
        if canonical is None:
            continue
        if (
            k == 1
            and words[0].low in ("time", "post", "fox", "hill", "times", "ft", "guardian", "independent", "national", "economist", "intercept")
            and not (i > 0 and toks[i - 1].low == "the")
            and canonical.lower() not in ("fox news",)
        ):
            # single common words are outlets only as "the Times" / "the Hill"
            if not (words[0].upper and len(words[0].text) > 2):
                continue
        if canonical in ("Time",) and not (i + k < n and toks[i + k].low == "magazine"):
            return None  # "Time" only as "Time magazine"
        return i + k, canonical
    return None


_CONNECTORS = frozenset({"of", "the", "and", "&"})
# Capitalised words that never name an outlet after a descriptor ("told the newspaper Sunday").
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _find_doc_outlet(toks: list[Tok], ctx: _DocContext) -> tuple[int, int, str] | None:
    """Longest run of capitalised words that is an outlet the article introduced, or the end of one's name
    ("the Ledger" after "the Northern Ledger newspaper")."""
    best: tuple[int, int, str] | None = None
    for i in range(len(toks)):
        hit = _doc_outlet_at(toks, i, ctx)
        if hit is not None and (best is None or hit[0] - i > best[1] - best[0]):
            best = (i, hit[0], hit[1])
    return best


def _doc_outlet_at(toks: list[Tok], i: int, ctx: _DocContext) -> tuple[int, str] | None:
    """(end index, name) of the longest outlet name of ``ctx.outlet_names`` (or end of one) at ``toks[i]``."""
    names = ctx.outlet_names
    if not names or not (toks[i].cap or toks[i].upper):
        return None
    longest = max(len(k) for k in names)
    n = len(toks)
    for k in range(min(longest, n - i), 0, -1):
        words = toks[i : i + k]
        if not (words[-1].cap or words[-1].upper) or not all(w.cap or w.upper or w.low in _CONNECTORS for w in words):
            continue
        key = tuple(w.low for w in words)
        canonical = names.get(key) or _outlet_name_suffix(key, names, ctx.lexicon)
        if canonical is None and k == 1 and i > 0 and toks[i - 1].low == "the" and key[0] in ctx.lexicon.words["outlet_title_words"]:
            # "the Gazette" after "the Harbour Gazette": the title word alone, as papers are called for short
            canonical = next((name for words_, name in names.items() if len(words_) > 1 and words_[-1] == key[0]), None)
        if canonical is not None:
            return i + k, canonical
    return None


def _outlet_name_suffix(key: tuple[str, ...], names: dict[tuple[str, ...], str], lex: SourceLexicon) -> str | None:
    """The name ``key`` ends (a short form: "Ledger" of "Northern Ledger"), if it holds a distinctive word."""
    if not any(not lex.is_common_word(w) and w not in lex.words["organization_keywords"] for w in key):
        return None
    for name, canonical in names.items():
        if len(key) < len(name) and name[-len(key) :] == key:
            return canonical
    return None


def _outlet_descriptor_at(toks: Sequence[Tok], start: int, end: int, lex: SourceLexicon) -> bool:
    """``toks[start:end]`` is an outlet descriptor noun phrase ("newspaper", "news agency")."""
    phrase = tuple(t.low for t in toks[start:end])
    return bool(phrase) and phrase in lex.descriptor_tuples["any"]


def _descriptor_match(toks: list[Tok], i: int, lex: SourceLexicon, which: str = "any") -> int:
    """End index of the longest outlet descriptor (``which``: "before", "after" or "any" list) starting at
    ``toks[i]``, written in lower case or as "TV"; 0 if none."""
    if i >= len(toks) or toks[i].low not in lex.descriptor_first_words:
        return 0
    tuples = lex.descriptor_tuples[which]
    for k in (3, 2, 1):
        words = toks[i : i + k]
        if len(words) == k and tuple(t.low for t in words) in tuples and all(t.text.islower() or t.text == "TV" for t in words):
            return i + k
    return 0


def _outlet_name_from_run(run: list[Tok], ctx: _DocContext) -> str | None:
    """The outlet name a run of capitalised words gives, or None when it cannot be one (a place, a day, an
    organisation noun such as "White House", only common words)."""
    lex = ctx.lexicon
    words = [t for t in run if t.text[0].isalnum()]
    while words and words[0].low == "the":
        words = words[1:]
    while words and words[-1].low in _CONNECTORS:
        words = words[:-1]
    if not words:
        return None
    low = " ".join(t.low for t in words)
    known = lex.outlets.get(low) or lex.outlets.get("the " + low)
    if known:
        return known
    if any(t.low in _TIME_WORDS for t in words) or low in lex.places or low in lex.organizations or low in lex.pronouns:
        return None
    if len(words) == 1 and words[0].low in ctx.lower_words:
        return None  # "Time", "Current": the article also writes the word in lower case
    if any(re.search(r"\w-[a-z]", t.text) and not _PARTICLE_NAME.match(t.text) for t in words):
        return None  # "New York-based"
    last = _lemma(words[-1].low)[0]
    if last in lex.words["document_keywords"] or last in lex.words["document_nouns"]:
        return None  # "the weekly Hurun Report": a document's name
    if all(t.text.lower() in lex.places or t.text.split("-")[0].lower() in lex.places for t in words):
        return None
    if any(t.low in lex.words["organization_nouns"] for t in words):
        return None
    if all(lex.is_common_word(t.low) or t.low in _FUNCTION_WORDS for t in words):
        return None
    return " ".join(t.text for t in words).rstrip(".")


def _same_line(toks: list[Tok], a: int, b: int, text: str) -> bool:
    return "\n" not in text[toks[a].start : toks[b].end]


def _doc_outlet_names(ctx: _DocContext) -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    """Outlets named with a descriptor noun: "the newspaper X" (X after a descriptor), "the X newspaper" (X
    before a descriptor that can follow a name), "X, a Lebanese daily" (apposition)."""
    lex = ctx.lexicon
    text = ctx.text
    toks = ctx.all_tokens
    noun_lists = ("person_nouns", "document_nouns", "organization_nouns")
    names: dict[tuple[str, ...], str] = {}
    described: set[str] = set()

    def add(run: list[Tok], with_descriptor: bool = True) -> None:
        name = _outlet_name_from_run(run, ctx)
        if name is not None:
            if with_descriptor:
                described.add(name)
            key = tuple(t.low for t in run if t.text[0].isalnum() and t.low != "the")
            while key and key[-1] in _CONNECTORS:
                key = key[:-1]
            if key:
                names.setdefault(key, name)

    def head_ends(j: int) -> bool:
        """The descriptor is the head of its phrase: what follows is punctuation, a function word or a verb
        form, not another noun ("newspaper editor", "radio talk-show host")."""
        if toks[j - 1].text.endswith("."):
            return True
        if j >= len(toks) or not toks[j].text[0].isalpha():
            return True
        nxt = toks[j]
        if nxt.cap or nxt.low in ("and", "or", "&") or any(nxt.low in lex.words[k] or _lemma(nxt.low)[0] in lex.words[k] for k in noun_lists):
            return False
        return nxt.low in _FUNCTION_WORDS or nxt.low in lex.words["relation_markers"] or bool(_POSTMOD_PARTICIPLE.match(nxt.low)) or nxt.low.endswith("s")

    def ends_sentence(t: Tok) -> bool:
        return t.text.endswith(".") and t.low not in lex.titles and not re.fullmatch(r"(?:\w\.)+", t.low)

    n = len(toks)
    for i in range(n):
        if ctx.line_is_caseless(toks[i].start):
            continue
        if toks[i].cap and toks[i].low in lex.words["outlet_title_words"] and not (i + 1 < n and toks[i + 1].cap and _same_line(toks, i, i + 1, text)):
            # "The Charlotte Observer": capitalised words ending in a newspaper title word
            run = [toks[i]]
            k = i - 1
            while k >= 0 and _same_line(toks, k, i, text) and not toks[k].poss and not ends_sentence(toks[k]) and (toks[k].cap or toks[k].upper):
                if toks[k].low == "the":
                    break
                run.insert(0, toks[k])
                k -= 1
            first = run[0]
            initial_only = ctx.sentence_initial(first.start) and lex.is_common_word(first.low)
            if len(run) >= 2 and first.low not in lex.first_names and first.low not in lex.titles and not initial_only:
                add(run, with_descriptor=False)
        for where in ("before", "after"):
            j = _descriptor_match(toks, i, lex, where)
            if not j:
                continue
            if where == "before" and j < n and not toks[j - 1].poss and not ends_sentence(toks[j - 1]):
                # "the Iraqi newspaper Al-Mada": the capitalised run right after the descriptor
                run: list[Tok] = []
                k = j
                while k < n and _same_line(toks, j - 1, k, text):
                    t = toks[k]
                    if t.cap or t.upper or (run and t.low in _CONNECTORS and k + 1 < n and toks[k + 1].cap):
                        run.append(t)
                        k += 1
                        if t.poss or ends_sentence(t):
                            break
                        continue
                    break
                if run:
                    add(run)
            if where == "after" and i > 0 and head_ends(j):
                # "the Northern Ledger newspaper": the capitalised run right before the descriptor
                run = []
                k = i - 1
                while k >= 0 and _same_line(toks, k, i, text) and not toks[k].poss and not ends_sentence(toks[k]):
                    t = toks[k]
                    if t.low in ("a", "an", "the"):
                        break
                    if t.cap or t.upper or (run and t.low in ("of", "&", "and") and k > 0 and toks[k - 1].cap):
                        run.insert(0, t)
                        k -= 1
                        continue
                    break
                prev = toks[k] if k >= 0 and run else None
                # "the Northern Ledger newspaper", "in Kayhan daily"; not "a Baton Rouge newspaper" (a paper from
                # Baton Rouge) nor "an influential X newspaper"
                prev_ok = prev is None or not prev.text[0].isalpha() or prev.low == "the" or (prev.low in _FUNCTION_WORDS and prev.low not in ("a", "an"))
                if run and prev_ok and not (len(run) == 1 and ctx.sentence_initial(run[0].start) and lex.is_common_word(run[0].low)):
                    add(run)
            if head_ends(j):
                # "Orebody, a business website": name, comma, determiner, up to three words, descriptor
                k = i - 1
                while (
                    k >= 0
                    and i - k <= 4
                    and toks[k].low not in ("a", "an", "the")
                    and toks[k].text[0].isalpha()
                    and not toks[k].poss
                    and toks[k].low not in _FUNCTION_WORDS
                    and (toks[k].text.islower() or toks[k].text.lower() in lex.places)  # not "a Baton Rouge newspaper"
                ):
                    k -= 1
                if k >= 2 and toks[k].low in ("a", "an", "the") and toks[k - 1].text == ",":
                    run = []
                    m = k - 2
                    while m >= 0 and (toks[m].cap or toks[m].upper) and _same_line(toks, m, k, text):
                        run.insert(0, toks[m])
                        m -= 1
                    if run:
                        add(run)
    return names, frozenset(described)


def _named_part(part: _Part, chunk: list[Tok], head_tok: Tok, possessor: list[Tok], post: list[Tok], ctx: _DocContext) -> _Part:
    """The head is a name: person, organisation or state."""
    lex = ctx.lexicon
    end = chunk.index(head_tok) + 1 if head_tok in chunk else len(chunk)
    j = end - 1
    while j - 1 >= 0:
        prev = chunk[j - 1]
        if prev.proper or prev.low in _NAME_PARTICLES or prev.low in lex.titles and prev.cap:
            j -= 1
            continue
        # connectors inside an organisation name (the head chunk kept them only for such names)
        if (
            prev.low in ("of", "for", "a", "an", "the", "and", "&", "on")
            and j - 2 >= 0
            and (chunk[j - 2].proper or chunk[j - 2].low in ("of", "for", "a", "an", "the"))
        ):
            k = j - 2
            while k >= 0 and chunk[k].low in ("of", "for", "a", "an", "the", "and", "&", "on"):
                k -= 1
            if k >= 0 and chunk[k].proper and _run_has_org_keyword(chunk[: k + 1][::-1], lex):
                j = k
                continue
        break
    run = chunk[j:end]
    before = chunk[:j]
    part.named = True
    run_low = [t.low for t in run]
    run_text = " ".join(t.text for t in run)

    # titles inside the run: the name is what follows the last title ("Homeland Security Secretary Jeh Johnson")
    last_title = -1
    k = 0
    roles: set[str] = set()
    gender = "x"
    while k < len(run):
        matched = 0
        for n in range(min(lex.max_title_tokens, len(run) - k), 0, -1):
            phrase = " ".join(run_low[k : k + n])
            if phrase in lex.titles and (n > 1 or run[k].low not in lex.first_names or k + 1 < len(run)):
                matched = n
                g = lex.titles[phrase]
                if g:
                    gender = g
                roles.add(_role_word(phrase))
                break
        if matched and k + matched < len(run):
            last_title = k + matched - 1
            k += matched
        else:
            k += 1
    name_toks = run[last_title + 1 :] if last_title >= 0 else run
    # role nouns before the run ("Clinton spokesman Nick Merrill", "the state's campaign chairman, Phil Lovas")
    for t in before:
        if t.low in lex.words["person_nouns"] or t.low in lex.titles:
            roles.add(_role_word(t.low))
    name_low = [t.low for t in name_toks]
    name_str = " ".join(t.text for t in name_toks)
    full_text_low = run_text.lower()
    org_keyword = any(w in lex.words["organization_keywords"] for w in name_low)
    place = lex.places.get(full_text_low) or lex.places.get(" ".join(t.text.lower() for t in name_toks))
    org_alias = lex.organizations.get(full_text_low) or lex.organizations.get(" ".join(name_low)) or _suffix_alias(name_low, lex.organizations)
    acronym = len(name_toks) == 1 and (
        re.fullmatch(r"(?:[A-Z]\.){2,}", name_toks[0].text) is not None
        or (name_toks[0].upper and 2 <= len(name_toks[0].text) <= 5 and not ctx.line_is_caseless(name_toks[0].start))
    )
    speaker_label = name_toks and name_toks[-1].upper and ctx.text[name_toks[-1].end : name_toks[-1].end + 2].lstrip().startswith(":")
    person_cue = last_title >= 0 or (name_low and name_low[0] in lex.first_names) or bool(roles & _PERSON_ROLE_WORDS)
    if not (person_cue or org_keyword or place or org_alias) and len(name_toks) == 1:
        org_keyword = ctx.org_elsewhere(name_toks[0].text)  # "Peabody" ... "Peabody Energy" elsewhere
    the_before = bool(before) and before[-1].low == "the" or part.definite and not before

    affiliation = _name_affiliation(before + run[: last_title + 1] + post + possessor, lex)
    if name_low and name_low[-1] in lex.words["document_keywords"] and last_title < 0 and not speaker_label:
        part.type, part.named, part.key = DOCUMENT, False, "doc:" + " ".join(name_low)
        part.name = run_text
        part.count, part.plural = (1, False) if part.count is None else (part.count, part.count != 1)
        return part
    if speaker_label or (person_cue and not (org_keyword and last_title < 0)):
        kind = NAMED_PERSON
    elif org_alias or org_keyword or place or acronym or the_before:
        kind = NAMED_ORGANIZATION
    elif head_tok.low in lex.words["person_nouns"] and not head_tok.proper:
        kind = ANONYMOUS_VAGUE
    else:
        kind = NAMED_PERSON
    part.type = kind
    part.strong = bool(speaker_label or person_cue or org_alias or org_keyword or acronym or (kind == NAMED_PERSON and len(name_toks) > 1)) and not (
        place and len(run) == len(name_toks)
    )
    part.gender = gender
    part.roles = frozenset(r for r in roles if r)
    if kind == NAMED_PERSON:
        clean = [t for t in name_toks if t.text[0].isalpha()]
        part.name = " ".join(t.text for t in clean) or name_str
        part.name_tokens = tuple(t.low for t in clean)
        # the side a named person speaks for: nationality/party/organisation, else the owner of the role
        # ("Clinton spokesman Nick Merrill" -> "Clinton", "Sudani's foreign affairs adviser" -> "Sudani")
        owner = [t for t in before + possessor if t.proper and t.low not in lex.titles]
        part.affiliation = affiliation or (" ".join(t.text for t in owner) if owner else None)
        if name_low and gender == "x":
            part.gender = lex.first_names.get(name_low[0], "x")
    else:
        canonical = org_alias or (lex.places.get(full_text_low) and run_text) or run_text
        if place and not org_alias:
            canonical = run_text
            part.affiliation = place
        else:
            part.affiliation = affiliation or canonical
        part.name = canonical
        part.name_tokens = tuple(t.low for t in run if t.low not in ("the",))
        part.key = "org:" + canonical.lower()
    if part.count is None and not part.plural:
        part.count = 1
    if run and run[0].low in ("sens.", "reps."):
        part.plural = True
    return part


_PERSON_ROLE_WORDS = frozenset(
    {
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "aide",
        "director",
        "chairman",
        "chairwoman",
        "senator",
        "representative",
        "governor",
        "president",
        "minister",
        "secretary",
        "commander",
        "general",
        "judge",
        "justice",
        "mayor",
        "ambassador",
        "lawyer",
        "attorney",
        "analyst",
        "economist",
        "professor",
        "founder",
        "ceo",
        "host",
        "anchor",
        "nominee",
        "candidate",
        "leader",
        "chief",
        "officer",
        "strategist",
        "manager",
        "reporter",
        "editor",
        "correspondent",
        "columnist",
        "author",
        "historian",
        "expert",
        "doctor",
        "speaker",
        "envoy",
    }
)


def _role_word(phrase: str) -> str:
    mapping = {
        "sen.": "senator",
        "sens.": "senator",
        "rep.": "representative",
        "reps.": "representative",
        "gov.": "governor",
        "gen.": "general",
        "lt. gen.": "general",
        "adm.": "admiral",
        "dr.": "doctor",
        "prof.": "professor",
        "rev.": "reverend",
        "del.": "delegate",
        "mr.": "",
        "mrs.": "",
        "ms.": "",
        "mr": "",
        "mrs": "",
        "ms": "",
        "miss": "",
        "former": "",
        "retired": "",
        "democrat": "",
        "republican": "",
    }
    if phrase in mapping:
        return mapping[phrase]
    return phrase.split()[-1].rstrip(".")


def _suffix_alias(name_low: list[str], table: dict[str, str]) -> str | None:
    for k in range(len(name_low)):
        hit = table.get(" ".join(name_low[k:]))
        if hit:
            return hit
    return None


def _name_affiliation(toks: Iterable[Tok], lex: SourceLexicon) -> str | None:
    """Nationality, party or organisation named in a description (rightmost wins: "Iran-backed Iraqi groups")."""
    found: str | None = None
    toks = list(toks)
    for idx, t in enumerate(toks):
        word = t.text
        for piece in [word] + word.split("-")[:1]:
            label = lex.places.get(piece.lower()) if (t.cap or t.upper) else None
            if label:
                found = label
                break
        else:
            low = t.low
            if low in ("republican", "republicans", "gop", "r"):
                found = "Republican"
            elif low in ("democratic", "democrat", "democrats", "d"):
                found = "Democratic"
            elif t.proper and (low in lex.organizations):
                found = lex.organizations[low]
            elif t.proper and idx + 1 < len(toks) and f"{low} {toks[idx + 1].low}" in lex.organizations:
                found = lex.organizations[f"{low} {toks[idx + 1].low}"]
    return found


def _party_from_parenthetical(toks: list[Tok]) -> str | None:
    first = toks[0].text.split("-")[0].upper() if toks else ""
    return {"D": "Democratic", "R": "Republican", "I": "Independent"}.get(first)


def _describe(pre: list[Tok], post: list[Tok], possessor: list[Tok], ctx: _DocContext) -> tuple[frozenset[str], frozenset[str], str | None]:
    """Descriptor words and specificity cue kinds of an anonymous description."""
    lex = ctx.lexicon
    cues: set[str] = set()
    descriptors: set[str] = set()
    for t in pre:
        low = t.low
        pieces = low.split("-")
        if low in lex.words["rank_words"]:
            cues.add("rank")
            descriptors.add(low)
        elif (t.cap or t.upper) and (t.text.lower() in lex.places or t.text.split("-")[0].lower() in lex.places):
            cues.add("nationality")
            descriptors.add(lex.places.get(t.text.lower()) or lex.places[t.text.split("-")[0].lower()])
            if len(pieces) > 1:
                cues.add("affiliation")
        elif low in lex.words["affiliation_words"] or any(p in lex.words["affiliation_words"] for p in pieces if len(pieces) > 1):
            cues.add("affiliation")
            descriptors.add(low)
        elif t.proper:
            cues.add("named_modifier")
            cues.add("affiliation")
            descriptors.add(low)
        elif t.text[0].isalpha() and low not in _FUNCTION_WORDS:
            descriptors.add(low)
    post_low = " ".join(t.low for t in post)
    if post:
        vague = any(post_low.startswith(p) or f" {p}" in f" {post_low}" for p in lex.words["vague_relation_phrases"])
        if vague:
            cues.add("vague_relation")
        else:
            content = [t for t in post[1:] if t.text[0].isalnum() and t.low not in _FUNCTION_WORDS]
            if _POSTMOD_PARTICIPLE.match(post[0].low) and any(t.proper for t in content):
                cues.update({"relation", "named_modifier"})
                descriptors.update(t.low for t in content)
            elif post[0].low in lex.words["relation_markers"] and content:
                if any(t.proper for t in content):
                    cues.add("named_modifier")
                if any((t.cap or t.upper) and t.text.lower() in lex.places for t in content):
                    cues.add("nationality")
                if post[0].low in (
                    "to",
                    "close",
                    "near",
                    "representing",
                    "for",
                    "with",
                    "working",
                    "serving",
                    "loyal",
                    "allied",
                    "aligned",
                    "linked",
                    "affiliated",
                    "tied",
                    "connected",
                ):
                    cues.add("relation")
                else:
                    cues.add("affiliation")
                descriptors.update(t.low for t in content)
    if possessor:
        cues.add("relation")
        if any(t.proper for t in possessor):
            cues.add("named_modifier")
        descriptors.update(t.low for t in possessor if t.text[0].isalpha())
    affiliation = _name_affiliation(pre + post + possessor, lex)
    return frozenset(descriptors), frozenset(cues), affiliation


def _combine_parts(parts: list[_Part], toks: list[list[Tok]], lex: SourceLexicon) -> Mention:
    """Apposition ("X, a Y"): a name wins. List ("A, B and C"): named items are summed."""
    first = parts[0]
    if len(parts) == 1:
        chosen = first
    elif all(p.named for p in parts) and not any(p.starts_appositive for p in parts[1:]):
        chosen = first
        counts = [p.count for p in parts]
        chosen.count = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
        chosen.plural = True
        chosen.name = ", ".join(p.name for p in parts)
    else:
        named = [p for p in parts if p.named and p.type == NAMED_PERSON and (p is first or p.strong)]
        named = named or [p for p in parts if p.named and (p is first or p.strong)]
        others = [p for p in parts[1:] if p.head in ("other", "others") or (p.name.lower() in ("others", "other"))]
        if first.type == ANONYMOUS_DESCRIBED and named and named[0].type != NAMED_PERSON and not named[0].examples:
            named = []  # "officials at Homeland Security Investigations, a division of ICE": still the officials
        if named and (first.named or first.type in (REFERENCE, ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE)) and not (first.type == DOCUMENT):
            chosen = named[0]
            if first.type in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE) and first.plural and chosen is not first:
                # "Other major unions, including X and Y"
                chosen.count, chosen.plural = None, True
            roles = set(chosen.roles)
            for p in parts:
                if p is not chosen:
                    roles.update(_role_word(h) for h in (p.head,) if h in lex.words["person_nouns"] or h in lex.titles)
                    if chosen.affiliation is None and p.affiliation:
                        chosen.affiliation = p.affiliation
            chosen.roles = frozenset(r for r in roles if r)
        else:
            chosen = first
            for p, ptoks in zip(parts[1:], toks[1:], strict=False):
                if not p.starts_appositive or ptoks[0].low in _ADVERBIAL_STARTS or p.examples:
                    continue
                chosen.cues = chosen.cues | (p.cues - {"singular"})
                if chosen.type == ANONYMOUS_VAGUE and chosen.cues & _DESCRIBING_CUES:
                    chosen.type = ANONYMOUS_DESCRIBED
                if chosen.affiliation is None:
                    chosen.affiliation = p.affiliation
        if others or any(p.name.lower().startswith("other") for p in parts[1:]):
            chosen.count, chosen.plural = None, True
    m = Mention(
        span_id="",
        start=0,
        end=0,
        text="",
        type=chosen.type,
        specificity=0.0,
        count=chosen.count,
        plural=chosen.plural,
        name=chosen.name,
        affiliation=chosen.affiliation,
        secondhand=chosen.secondhand or any(p.secondhand for p in parts),
        head=chosen.head,
        number="pl" if chosen.plural else "sg",
        gender=chosen.gender,
        definite=chosen.definite,
        partitive=chosen.partitive,
        new_marker=chosen.new_marker,
        name_tokens=chosen.name_tokens,
        roles=chosen.roles,
        descriptors=chosen.descriptors,
        cues=chosen.cues,
        key=chosen.key,
    )
    return m


def _finish(m: Mention, lex: SourceLexicon) -> Mention:
    """Fill in specificity and the fields copied from the span."""
    if m.type in ANONYMOUS_TYPES:
        m.cues = _specificity_cues(m, lex)
        m.specificity = _anonymous_specificity(m, m.type, lex)
    else:
        m.specificity = lex.type_value[m.type]
    if m.type in (NAMED_ORGANIZATION, NAMED_PERSON, DOCUMENT, MEDIA_OUTLET) and m.count is None and not m.plural:
        m.count = 1
    if m.count is not None and m.count > 1:
        m.plural = True
    if m.type == MEDIA_OUTLET:
        m.secondhand = True
    return m


# --------------------------------------------------------------------------------------------------------------
# Clustering mentions into sources
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Entity:
    mentions: list[Mention] = field(default_factory=list)
    gender: str = "x"

    @property
    def last(self) -> Mention:
        return self.mentions[-1]

    @property
    def informative(self) -> list[Mention]:
        return [m for m in self.mentions if m.type != REFERENCE] or self.mentions

    @property
    def type(self) -> str:
        return min((m.type for m in self.mentions), key=lambda t: _TYPE_PRIORITY[t])

    @property
    def plural(self) -> bool:
        info = self.informative
        return any(m.plural for m in info) if info else False

    def names(self) -> list[tuple[str, ...]]:
        return [m.name_tokens for m in self.mentions if m.type == NAMED_PERSON and m.name_tokens]

    def roles(self) -> set[str]:
        out: set[str] = set()
        for m in self.mentions:
            out |= m.roles
            if m.type in ANONYMOUS_TYPES or m.type == REFERENCE and not m.pronoun:
                out.add(m.head)
        return out

    def descriptors(self) -> set[str]:
        out: set[str] = set()
        for m in self.mentions:
            out |= _with_bare_names(m.descriptors)
        return out

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        if m.gender in ("m", "f") and self.gender == "x":
            self.gender = m.gender


_ANON_SYNONYMS = frozenset({"source", "official", "insider", "person", "people"})
_DOC_SYNONYMS = [
    frozenset({"ad", "advertisement", "spot", "video", "clip", "commercial"}),
    frozenset({"report", "study", "analysis", "paper", "review", "research"}),
    frozenset({"poll", "survey"}),
    frozenset({"statement", "release", "announcement", "communique"}),
]
_GENERIC_ORG = frozenset({"agency", "organization", "organisation", "group", "company", "firm", "body", "institution", "department", "ministry", "office"})


def analyze_sources(doc: AnnotatedArticle, lexicon: SourceLexicon | None = None) -> list[dict[str, Any]]:
    """The record's ``"sources"``: every SOURCE span typed and clustered into distinct sources.

    Returns one dict per source, sorted by first mention; every SOURCE span of ``doc`` is in exactly one
    source's ``mentions``. See docs/sources.md for the fields.
    """
    lexicon = lexicon or SourceLexicon.default()
    text = doc.text
    ctx = _context(text, lexicon)
    spans = sorted((s for s in doc.spans if s.label == "SOURCE"), key=lambda s: (s.start, s.end, s.id))
    mentions = [_analyse(text, s.start, s.end, s.id, ctx) for s in spans]
    for m, s in zip(mentions, spans, strict=True):
        m.span_id = s.id
    mark_outlet_roles(doc, mentions, ctx)
    entities = cluster_mentions(mentions, doc, lexicon)
    by_id = {s.id: s for s in spans}
    return [_entity_record(i + 1, e, text, by_id, lexicon) for i, e in enumerate(entities)]


def cluster_mentions(mentions: Sequence[Mention], doc: AnnotatedArticle | None, lexicon: SourceLexicon) -> list[_Entity]:
    """Group mentions (in text order) into source entities; speaker pronouns ("I" in a quote) go last."""
    entities: list[_Entity] = []
    speaker_pending: list[Mention] = []
    of_mention: dict[str, _Entity] = {}
    # Entities by their last mention, latest first, kept in order as mentions arrive (in text order) and cut at
    # ``entity_window`` characters: resolution looks back that far at most, so a long document costs linear time.
    recent: list[_Entity] = []
    for m in mentions:
        if m.pronoun in ("speaker", "addressee"):
            speaker_pending.append(m)
            continue
        while recent and m.start - recent[-1].last.end > lexicon.entity_window:
            recent.pop()
        target = _resolve(m, recent, lexicon)
        if target is None:
            target = _Entity()
            entities.append(target)
        else:
            recent.remove(target)
        target.add(m)
        recent.insert(0, target)
        of_mention[m.span_id] = target
    if speaker_pending:
        _attach_speakers(speaker_pending, entities, of_mention, doc)
    entities.sort(key=lambda e: min(x.start for x in e.mentions))
    for e in entities:
        e.mentions.sort(key=lambda x: (x.start, x.end))
    return entities


def _resolve(m: Mention, recent: list[_Entity], lex: SourceLexicon) -> _Entity | None:
    """The entity ``m`` joins among ``recent`` (latest last mention first), or None for a new one."""
    if m.type == NAMED_PERSON:
        if m.plural:
            return None  # "Mr. King and Mr. Schultz" is a group of its own
        for e in recent:
            if e.type == NAMED_PERSON and not e.plural and _names_match(m, e):
                return e
        return None
    if m.type in (NAMED_ORGANIZATION, MEDIA_OUTLET):
        for e in recent:
            if e.type in (NAMED_ORGANIZATION, MEDIA_OUTLET) and _orgs_match(m, e, lex):
                return e
        return None
    if m.type == DOCUMENT:
        if not m.definite:
            return None
        for e in recent:
            if m.start - e.last.end > lex.description_window:
                break
            if e.type == DOCUMENT and _same_doc_kind(m.head, e.informative[0].head):
                return e
        return None
    if m.type in ANONYMOUS_TYPES:
        if m.new_marker:
            return None
        for e in recent:
            if e.type not in ANONYMOUS_TYPES:
                continue
            first = e.informative[0]
            if m.partitive:
                if first.plural and (first.head == m.head or {first.head, m.head} <= _ANON_SYNONYMS):
                    return e
                continue
            if first.head == m.head and first.plural == m.plural and first.descriptors == m.descriptors and first.type == m.type:
                if m.count is not None and first.count is not None and m.count != first.count:
                    continue  # "five people" ... "nine people": two counted groups
                return e
        return None
    # REFERENCE
    if m.pronoun is None:
        return _resolve_description(m, recent, lex)
    return _resolve_pronoun(m, recent, lex)


def _names_match(m: Mention, e: _Entity) -> bool:
    mine = m.name_tokens
    if not mine:
        return False
    if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
        return False
    for other in e.names():
        if mine == other:
            return True
        if mine[-1] == other[-1]:
            # same surname: first names, if both given, must agree (initials allowed)
            if len(mine) > 1 and len(other) > 1 and not (mine[0] == other[0] or mine[0][:1] == other[0][:1] and (len(mine[0]) <= 2 or len(other[0]) <= 2)):
                continue
            return True
        if len(mine) == 1 and mine[0] in other:
            return True
        if len(other) == 1 and other[0] in mine:
            return True
    return False


def _orgs_match(m: Mention, e: _Entity, lex: SourceLexicon) -> bool:
    for other in e.mentions:
        if other.type not in (NAMED_ORGANIZATION, MEDIA_OUTLET):
            continue
        if m.key and m.key == other.key:
            return True
        a, b = _org_words(m, lex), _org_words(other, lex)
        if a and b and (a == b or _is_acronym_of(m.name, b) or _is_acronym_of(other.name, a)):
            return True
        if m.type == MEDIA_OUTLET and other.type == MEDIA_OUTLET and a and b and (set(a) < set(b) or set(b) < set(a)):
            return True  # "the Times" ... "The New York Times"; "the Ledger" ... "the Northern Ledger newspaper"
    return False


def _org_words(m: Mention, lex: SourceLexicon) -> tuple[str, ...]:
    """Name words without articles and, for outlets, without descriptor nouns ("newspaper", "news agency")."""
    words = [w for w in re.split(r"[\s]+", m.name.lower()) if w and w not in ("the", "of", "for", "and", "&", "a")]
    if m.type == MEDIA_OUTLET:
        descriptors = {w for d in lex.words["outlet_descriptors"] | lex.words["outlet_descriptors_after"] for w in d.split()}
        words = [w for w in words if w not in descriptors] or words
    return tuple(words)


def _is_acronym_of(short: str, words: tuple[str, ...]) -> bool:
    letters = short.replace(".", "").replace(" ", "")
    return len(letters) >= 2 and letters.isupper() and letters.lower() == "".join(w[0] for w in words if w)


def _same_doc_kind(a: str, b: str) -> bool:
    return a == b or any(a in s and b in s for s in _DOC_SYNONYMS)


def _resolve_description(m: Mention, recent: list[_Entity], lex: SourceLexicon) -> _Entity | None:
    """ "the official", "the senior Iraqi security source", "the president", "the agency", "the newspaper"."""
    if m.secondhand and (m.head in lex.words["media_nouns"] or m.head in lex.words["outlet_descriptors"]):
        # "the newspaper", "the Lebanese daily": the nearest outlet named before
        for e in recent:
            if m.start - e.last.end > lex.description_window:
                break
            if e.type == MEDIA_OUTLET:
                return e
    person = m.head in lex.words["person_nouns"] or m.head in lex.words["group_nouns"] or any(m.head in e.roles() for e in recent if e.type in ANONYMOUS_TYPES)
    org = m.head in lex.words["organization_nouns"]
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        et = e.type
        if person and et in (NAMED_PERSON, ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE):
            if et == REFERENCE and all(x.pronoun for x in e.mentions):
                continue
            if m.plural != e.plural and not (m.count and m.count > 1 and e.type == NAMED_PERSON):
                continue
            roles = e.roles()
            same_head = m.head in roles or (m.head in _ANON_SYNONYMS and bool(roles & _ANON_SYNONYMS))
            if not same_head:
                continue
            if et != NAMED_PERSON and not (m.descriptors - {"the"}) <= e.descriptors() | _SOFT_DESCRIPTORS:
                continue
            if et == NAMED_PERSON and m.affiliation and e.informative[0].affiliation and m.affiliation != e.informative[0].affiliation:
                continue
            return e
        if org and et in (NAMED_ORGANIZATION, MEDIA_OUTLET, REFERENCE):
            if et == REFERENCE and all(x.pronoun for x in e.mentions):
                continue
            words = set(_org_words(e.informative[0], lex)) | {x.head for x in e.mentions}
            if m.head in words or _lemma(m.head)[0] in words or (m.head in _GENERIC_ORG and et == NAMED_ORGANIZATION):
                return e
    if person and not m.plural:
        return _nearest_anonymous_person(m, recent, lex)
    return None


def _nearest_anonymous_person(m: Mention, recent: list[_Entity], lex: SourceLexicon) -> _Entity | None:
    """A definite description with another head than the nearest unnamed person's: "the source" (a word that
    only says "someone") or one whose descriptors that person shares ("the militia leader" after "a member of
    the al-Nujaba militia") joins the nearest earlier anonymous individual."""
    own = m.descriptors - {"the"} - _SOFT_DESCRIPTORS
    generic = m.head in _GENERIC_PERSON_HEADS and not own
    if not generic and not own:
        return None
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        if e.type not in ANONYMOUS_TYPES or e.plural:
            continue
        return e if generic or own <= e.descriptors() else None
    return None


_SOFT_DESCRIPTORS = frozenset({"same", "former", "other"})
_NAME_PREFIX = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az)[-’']")


def _with_bare_names(words: Iterable[str]) -> set[str]:
    """Descriptor words plus names without their article prefix ("al-kadhimi" also as "kadhimi")."""
    out = set(words)
    out.update(_NAME_PREFIX.sub("", w) for w in list(out) if _NAME_PREFIX.match(w))
    return out


_GENERIC_PERSON_HEADS = frozenset({"source", "person", "individual", "insider"})


def _resolve_pronoun(m: Mention, recent: list[_Entity], lex: SourceLexicon) -> _Entity | None:
    kind = m.pronoun
    if kind == "relative" or m.partitive:
        for e in recent:
            gap = m.start - e.last.end
            if 0 <= gap <= lex.relative_gap:
                return e
        return None
    for e in recent:
        if m.start - e.last.end > lex.pronoun_window:
            break
        t = e.type
        if kind == "person":
            if t in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT) or e.plural:
                continue
            if t == REFERENCE and (e.informative[0].pronoun in ("thing", "demonstrative") or e.informative[0].gender == "n"):
                continue  # "which", "it": not a person
            if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
                continue
            return e
        if kind == "thing" or kind == "demonstrative":
            if t in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT):
                if kind == "demonstrative" and m.number == "pl" and not e.plural:
                    continue
                return e
            continue
        if kind == "any":  # they / them / their
            if e.plural or t in (NAMED_ORGANIZATION,):
                return e
    return None


def _attach_speakers(pending: list[Mention], entities: list[_Entity], of_mention: dict[str, _Entity], doc: AnnotatedArticle | None) -> None:
    """ "I"/"we" inside a quote belong to the quote's source; others to one narrator (or addressee) source."""
    spans = doc.span_by_id() if doc is not None else {}
    source_of_content: dict[str, str] = {}  # content span -> source of the first attribution listing it
    if doc is not None:
        for a in doc.attributions:
            if a.source is None or a.source not in of_mention:
                continue
            for cid in a.content:
                if cid in spans:
                    source_of_content.setdefault(cid, a.source)
    containing = sorted((spans[cid].start, spans[cid].end, sid) for cid, sid in source_of_content.items())
    starts = [c[0] for c in containing]
    narrator: dict[str, _Entity] = {}
    for m in pending:
        owner = None
        i = bisect.bisect_right(starts, m.start) - 1  # content spans never overlap: only the last one starting before can hold m
        if i >= 0 and m.end <= containing[i][1]:
            owner = of_mention[containing[i][2]]
        if owner is None:
            key = "we" if m.number == "pl" else ("you" if m.pronoun == "addressee" else "i")
            owner = narrator.get(key)
            if owner is None:
                owner = _Entity()
                entities.append(owner)
                narrator[key] = owner
        owner.add(m)


def _unresolved_description_type(e: _Entity, lex: SourceLexicon) -> str | None:
    """An anonymous type for a source made only of definite descriptions that nothing earlier resolves ("the
    senior Iraqi security source" whose first mention was not tagged): the description still describes an
    unnamed person. Titles and bare roles ("the president", "the official") stay references: they may point at
    someone the article names without the tagger marking the name as a source."""
    if e.type != REFERENCE or any(m.pronoun for m in e.mentions):
        return None
    m = e.mentions[0]
    # only the words journalists use for unnamed people, with a description: "the official" alone may be the
    # council leader named just before, "the regional water regulator" an institution
    if m.head not in _ANON_SYNONYMS or not m.cues & _DESCRIBING_CUES:
        return None
    return ANONYMOUS_DESCRIBED


def _specificity_cues(m: Mention, lex: SourceLexicon) -> frozenset[str]:
    """The mention's description cues plus the ones its form gives: one person, a specific role, a number."""
    cues = set(m.cues)
    if m.count == 1 and not m.plural:
        cues.add("singular")
    if m.head and m.head in lex.words["person_nouns"] and m.head not in lex.words["vague_heads"] and m.head not in lex.words["group_nouns"]:
        cues.add("role")
    if m.count is not None and m.count > 1:
        cues.add("count")
    return frozenset(cues)


def _anonymous_specificity(m: Mention, kind: str, lex: SourceLexicon) -> float:
    """``anonymous_base[kind]`` plus one weight per kind of cue, capped (docs/sources.md, Specificity)."""
    cues = _specificity_cues(m, lex)
    return round(min(lex.cap, lex.anonymous_base[kind] + sum(lex.cue_weight[c] for c in cues if c in lex.cue_weight)), 4)


def _entity_record(n: int, e: _Entity, text: str, spans: dict[str, Span], lex: SourceLexicon) -> dict[str, Any]:
    info = e.informative
    etype = e.type
    typed = [m for m in info if m.type == etype] or info
    if etype == NAMED_PERSON:
        best = max(typed, key=lambda m: (len(m.name_tokens), -m.start))
        name = best.name
    else:
        name = _strip_determiner(typed[0].name if etype in (NAMED_ORGANIZATION, MEDIA_OUTLET) else typed[0].text)
    counts = [m.count for m in info if m.count is not None]
    plural = any(m.plural for m in info)
    count: int | None
    if any(c > 1 for c in counts):
        count = max(counts)
    elif plural:
        count = None
    else:
        count = 1 if counts else None
    specificity = max(m.specificity for m in typed)
    affiliation = next((m.affiliation for m in info if m.affiliation), None)
    described = _unresolved_description_type(e, lex)
    if described is not None:
        etype = described
        specificity = max(_anonymous_specificity(m, etype, lex) for m in e.mentions)
    relayed_by = next((m.relayed_by for m in e.mentions if m.relayed_by), None)
    # the reporting outlet itself: every mention is one of its names or a pronoun standing for it
    reporter = any(m.reporter for m in e.mentions) and all(m.reporter or m.pronoun for m in e.mentions)
    return {
        "id": f"src{n}",
        "type": etype,
        "specificity": round(specificity, 4),
        "count": count,
        "plural": bool(plural or (count is not None and count > 1)),
        "name": name,
        "affiliation": affiliation,
        "secondhand": any(m.secondhand for m in e.mentions) and not reporter,
        "relayed_by": relayed_by,
        "reporter": reporter,
        "mentions": [
            {"start": s.start, "end": s.end, "text": text[s.start : s.end], "span": s.id, "type": m.type} for m in e.mentions for s in [spans[m.span_id]]
        ],
    }


def _strip_determiner(text: str) -> str:
    words = text.split()
    if len(words) > 1 and words[0].lower() in ("a", "an", "the", "this", "that", "these", "those"):
        words = words[1:]
    return " ".join(words).strip(" ,;:")


# --------------------------------------------------------------------------------------------------------------
# Which outlet did the reporting: the reporting outlet and relayed sources
# --------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class OutletMention:
    """One place where the text names a news outlet (a SOURCE span or not) and what the outlet does there."""

    start: int
    end: int
    name: str | None  # canonical name; None for an unnamed outlet ("a Lebanese daily") that resolves to nothing
    text: str
    recipient_at: int | None = None  # start of "told" in "sources told MEE": the outlet received the information
    interviewer: bool = False  # "Reuters talked to ...", "The New Region interviewed ..."
    reports: bool = False  # "Al-Akhbar reported", "according to Reuters", "Reuters' report"


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)\]]*\s|\n")
_MAX_SENTENCE_CHARS = 400


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Rough sentence around ``[start, end)`` (punctuation or line break), at most a few hundred characters."""
    lo = max(0, start - _MAX_SENTENCE_CHARS)
    left = lo
    for m in _SENTENCE_BREAK.finditer(text, lo, start):
        left = m.end()
    m = _SENTENCE_BREAK.search(text, end, min(len(text), end + _MAX_SENTENCE_CHARS))
    return left, (m.start() + 1 if m else min(len(text), end + _MAX_SENTENCE_CHARS))


def outlet_mentions(text: str, lexicon: SourceLexicon | None = None) -> list[OutletMention]:
    """Every outlet the text names (lexicon outlets, outlets it introduces with a descriptor noun, and
    descriptions such as "the Lebanese daily", resolved to the nearest outlet named before), with its role in
    its sentence, tested with the ``outlet_roles`` patterns of ``configs/sources.yaml``."""
    lex = lexicon or SourceLexicon.default()
    ctx = _context(text, lex)
    toks = ctx.all_tokens
    n = len(toks)
    found: list[OutletMention] = []
    i = 0
    while i < n:
        t = toks[i]
        if t.cap or t.upper:
            # the longest outlet name starting here
            hits = [h for h in (_lexicon_outlet_at(toks, i, lex), _doc_outlet_at(toks, i, ctx)) if h is not None]
            hit = max(hits, key=lambda h: h[0]) if hits else None
            if hit is not None:
                end = hit[0]
                # with its descriptor: "the Iraqi newspaper Al-Mada", "the Northern Ledger newspaper"
                begin = _descriptor_np_start(toks, i, lex)
                after = _descriptor_match(toks, end, lex)
                if after and not _descriptor_continues(toks[after] if after < n else None, lex):
                    end = after
                stop = _end_without_period(toks[end - 1], lex)
                start = toks[begin].start
                found.append(OutletMention(start, stop, hit[1], text[start:stop]))
                i = end
                continue
        if t.low in ("the", "a", "an"):
            end = _descriptor_np_end(toks, i, lex)
            if end:
                # "the Lebanese daily", "the newspaper": the outlet named last before, if any
                earlier = next((f.name for f in reversed(found) if f.name and t.start - f.end <= lex.description_window), None)
                stop = _end_without_period(toks[end - 1], lex)
                found.append(OutletMention(t.start, stop, earlier, text[t.start : stop]))
                i = end
                continue
        i += 1
    roles = lex.outlet_roles
    for f in found:
        lo, hi = _sentence_bounds(text, f.start, f.end)
        before, after = text[lo : f.start], text[f.end : hi]
        for p in roles["recipient_before"]:
            m = p.search(before)
            if m:
                f.recipient_at = lo + m.start()
                break
        f.interviewer = any(p.search(after) for p in roles["interviewer_after"])
        f.reports = any(p.search(after) for p in roles["reports_after"]) or any(p.search(before) for p in roles["reports_before"])
    return found


def _end_without_period(tok: Tok, lex: SourceLexicon) -> int:
    """End offset of ``tok`` without a sentence-final period (kept on abbreviations: "Mr.", "U.S.")."""
    if tok.text.endswith(".") and tok.low not in lex.titles and not re.fullmatch(r"(?:\w\.)+", tok.low):
        return tok.end - 1
    return tok.end


def _descriptor_np_start(toks: list[Tok], i: int, lex: SourceLexicon) -> int:
    """Index where "the [modifiers] descriptor" right before ``toks[i]`` begins ("the Iraqi newspaper" before
    "Al-Mada"), or ``i`` when no descriptor precedes the name."""
    for k in (1, 2, 3):
        if i - k >= 0 and _descriptor_match(toks, i - k, lex) == i:
            j = i - k
            while j - 1 >= 0 and i - k - j < 3:
                prev = toks[j - 1]
                if prev.low in ("the", "a", "an"):
                    return j - 1
                modifier = prev.text.islower() or prev.text.lower() in lex.places or "-" in prev.text  # "pro-Hezbollah"
                if not prev.text[0].isalpha() or prev.poss or prev.low in _FUNCTION_WORDS or not modifier:
                    break
                j -= 1
            return i - k
    return i


def _descriptor_np_end(toks: list[Tok], i: int, lex: SourceLexicon) -> int:
    """End index of "the/a/an [modifiers] descriptor" at ``toks[i]`` when the descriptor is the head and no name
    follows it ("the Lebanese daily said"; not "the newspaper Al-Mada", "the newspaper's editor"), else 0."""
    n = len(toks)
    j = i + 1
    while j < n and j - i <= 4:
        end = _descriptor_match(toks, j, lex)
        if end:
            nxt = toks[end] if end < n else None
            if toks[end - 1].poss or _descriptor_continues(nxt, lex):
                return 0
            return end
        tok = toks[j]
        if not tok.text[0].isalpha() or tok.low in _FUNCTION_WORDS or tok.poss or not (tok.text.islower() or tok.text.lower() in lex.places):
            return 0
        j += 1
    return 0


def _descriptor_continues(nxt: Tok | None, lex: SourceLexicon) -> bool:
    """What follows a descriptor continues the phrase: a name or another noun ("newspaper editor")."""
    if nxt is None:
        return False
    if nxt.cap or nxt.upper:
        return True
    return nxt.text.islower() and any(nxt.low in lex.words[k] for k in ("person_nouns", "document_nouns", "organization_nouns"))


def reporting_outlet(outlets: Sequence[OutletMention], described: Iterable[str] = ()) -> str | None:
    """The outlet that did the reporting: it receives or asks for information ("sources told MEE", "Reuters
    talked to") more often than it is cited as reporting, and the article never introduces it with a descriptor
    (``described``, e.g. ``_DocContext.described_outlets``: "the Lebanese newspaper Al-Akhbar" is another outlet). Several candidates: one never cited
    as reporting ("the AP article" marks another outlet), then the one with most such mentions, then the first
    named."""
    described = set(described)
    asks: dict[str, int] = {}
    cited: dict[str, int] = {}
    first: dict[str, int] = {}
    for f in outlets:
        if f.name is None:
            continue
        first.setdefault(f.name, f.start)
        if f.recipient_at is not None or f.interviewer:
            asks[f.name] = asks.get(f.name, 0) + 1
        elif f.reports:
            cited[f.name] = cited.get(f.name, 0) + 1
    candidates = [name for name, k in asks.items() if k > cited.get(name, 0) and name not in described]
    if not candidates:
        return None
    return min(candidates, key=lambda name: (cited.get(name, 0) > 0, -asks[name], first[name]))


def mark_outlet_roles(doc: AnnotatedArticle, mentions: Sequence[Mention], ctx: _DocContext) -> str | None:
    """Mark mentions of the reporting outlet (``reporter``) and sources that told another outlet
    (``relayed_by``); return the reporting outlet's name (None when the text does not show it)."""
    text = doc.text
    outlets = outlet_mentions(text, ctx.lexicon)
    if not outlets:
        return None
    publisher = reporting_outlet(outlets, ctx.described_outlets)
    by_span = {m.span_id: m for m in mentions}
    spans = sorted(mentions, key=lambda m: m.start)
    for m in mentions:
        if m.type == MEDIA_OUTLET and publisher is not None and any(f.name == publisher and m.start <= f.start and f.end <= m.end for f in outlets):
            m.reporter = True
        elif m.secondhand and publisher is not None:
            # the reporting outlet named inside a mention is not relaying: its own earlier report ("a Reuters
            # investigation last year"), someone who worked "at the Courier's request"
            own = [f for f in outlets if m.start <= f.start and f.end <= m.end]
            if own and all(f.name == publisher for f in own):
                m.secondhand = False
    cue_spans = {a.cue: a.source for a in doc.attributions if a.cue and a.source}
    cues = [(s.start, s.end, cue_spans[s.id]) for s in doc.spans if s.id in cue_spans]
    for f in outlets:
        if f.name is not None and f.name == publisher:
            continue
        if f.recipient_at is None and not f.interviewer:
            continue
        label = f.name or _strip_determiner(f.text)
        lo, hi = _sentence_bounds(text, f.start, f.end)
        targets: list[Mention] = []
        if f.recipient_at is not None:
            # the source of the attribution whose cue is the verb ("told"), else the subject before the verb,
            # else the speaker after it ("In an interview with Al-Akhbar, the commander said ...")
            via_cue = [by_span.get(src) for s, e, src in cues if s < f.start and e > f.recipient_at]
            targets = [m for m in via_cue if m is not None and not m.reporter]
            if not targets:
                before = [m for m in spans if lo <= m.start and m.end <= f.recipient_at and m.type != MEDIA_OUTLET]
                after = [m for m in spans if f.end <= m.start and m.end <= hi and m.type != MEDIA_OUTLET]
                targets = before[-1:] or after[:1]
        else:
            targets = [m for m in spans if f.end <= m.start and m.end <= hi and m.type != MEDIA_OUTLET]
        for m in targets:
            if m.relayed_by is None:
                m.relayed_by = label
                m.secondhand = True
    return publisher


# --------------------------------------------------------------------------------------------------------------
# Counting distinct sources
# --------------------------------------------------------------------------------------------------------------


def distinct_source_count(sources: Sequence[dict[str, Any]], lexicon: SourceLexicon | None = None, overlap: str | None = None) -> int:
    """Number of distinct people/bodies the article cites, counted groups included (docs/sources.md).

    Each source counts once; a source with a number ("ten sources") counts that number; a plural without one
    counts ``counting.plural_without_count``. Named groups ("Tester and Vitter") always add up. Counted
    anonymous groups often restate one pool of people ("multiple sources" ... "10 of the sources" ... "three
    Iranian officials" in the methodology line), so with ``overlap: max`` only the largest of them adds its
    number and the others add one each; ``overlap: sum`` adds them all (an upper bound).
    """
    lexicon = lexicon or SourceLexicon.default()
    policy = overlap or lexicon.overlap
    if policy not in ("max", "sum"):
        raise ValueError(f"overlap must be 'max' or 'sum', got {overlap!r}")
    total = 0
    groups: list[int] = []
    for s in sources:
        count = s.get("count")
        plural = bool(s.get("plural"))
        n = count if isinstance(count, int) and count > 0 else (lexicon.plural_without_count if plural else 1)
        if n > 1 and s.get("type") not in NAMED_TYPES:
            groups.append(n)
        else:
            total += n
    if not groups:
        return total
    if policy == "sum":
        return total + sum(groups)
    return total + max(groups) + (len(groups) - 1)


def source_type_counts(sources: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Sources per type (each distinct source once), every type present as a key."""
    out = dict.fromkeys(SOURCE_TYPES, 0)
    for s in sources:
        out[s["type"]] = out.get(s["type"], 0) + 1
    return out
