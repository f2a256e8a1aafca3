"""Source types and the ``SourceLexicon``: ``configs/sources.yaml`` and the lexicon files, loaded and validated.

Every word list and judgment number the sources stage uses comes from here; a missing or malformed key raises
``SourceConfigError`` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from annotator.configcheck import load_yaml
from annotator.resources import config_file
from annotator.schema import SOURCE_TYPES
from annotator.sources.tokens import _split_words

CONFIG_PATH = config_file("sources.yaml")

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
# specificity cue kinds (the keys of specificity.cue_weight)
CUE_KINDS = ("singular", "role", "rank", "nationality", "affiliation", "relation", "named_modifier", "count", "vague_relation")


class SourceConfigError(ValueError):
    """``configs/sources.yaml`` or a lexicon file is missing, malformed or out of range."""


# words.<key>: non-empty lists of words or phrases (lowercased on load)
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
    "function_words",
    "plural_only",
    "name_particles",
    "name_article_prefixes",
    "name_joined_particles",
    "capitalised_groups",
    "singular_quantifier_pronouns",
    "singular_first_words",
    "number_nouns",
    "number_multipliers",
    "adverbial_starts",
    "appositive_starts",
    "example_markers",
    "size_adjectives",
    "collective_nouns",
    "reflexives",
    "head_end_words",
    "share_heads",
    "majority_heads",
    "media_report_modifiers",
    "mass_media_heads",
    "document_heads_always",
    "outlet_words_needing_the",
    "outlets_named_by_bare_word",
    "outlets_only_with_magazine",
    "connectors",
    "time_words",
    "person_role_words",
    "plural_titles",
    "relation_words",
    "anonymous_synonyms",
    "generic_organization_heads",
    "generic_person_heads",
    "other_person_heads",
    "broadcast_outlets",
    "document_owner_markers",
    "generic_role_heads",
    "soft_descriptors",
)
# words.<key>: mappings word -> word ("" allowed as a value: a title that gives no role)
_WORD_MAP_KEYS = ("irregular_plurals", "title_roles", "party_words", "party_initials")
# reading.<key>: integers >= 0, then shares in [0, 1]
_READING_COUNTS = (
    "year_min",
    "year_max",
    "caseless_min_words",
    "name_lookback_chars",
    "caps_run_chars",
    "shouted_min_chars",
    "acronym_min_chars",
    "acronym_max_chars",
    "sentence_max_chars",
)
_READING_SHARES = ("caseless_capitalised_share", "caseless_upper_share")
_LEXICON_FILE_KEYS = ("media_outlets", "places", "organizations", "first_names")
_OUTLET_ROLE_KEYS = ("recipient_before", "interviewer_after", "reports_after", "reports_before", "event_before", "event_after")
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
    keep_unlinked: bool  # a SOURCE span no attribution links to still makes a source
    keep_unresolved_pronouns: bool  # a source made only of pronouns that resolve to nothing is still listed
    describing_cues: frozenset[str]  # cue kinds that make unnamed people ANONYMOUS_DESCRIBED
    irregular_plurals: dict[str, str]
    title_roles: dict[str, str]  # title -> role word ("" for none)
    party_words: dict[str, str]  # word naming a party -> affiliation
    party_initials: dict[str, str]  # party initial in a parenthetical ("D") -> affiliation
    quantifier_pronouns: dict[str, bool]  # standing-alone quantifier -> points back
    document_synonyms: tuple[frozenset[str], ...]
    particle_name: re.Pattern[str]  # a name word joined to a lowercase particle ("al-Sudani", "bin-Salman")
    name_prefix: re.Pattern[str]  # an Arabic article joined to a name ("al-", "ash-")
    caseless_min_words: int
    year_range: tuple[int, int]  # a four-digit number in this range before a noun is a year, not a count
    caseless_capitalised_share: float
    caseless_upper_share: float
    name_lookback: int
    caps_run: int
    shouted_min_chars: int
    acronym_min_chars: int
    acronym_max_chars: int
    sentence_max_chars: int
    derived: dict[str, Any] = field(default_factory=dict)  # methodology statements and cited sources (sources/derived.py)
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
        for key in ("lexicon_files", "specificity", "counting", "clustering", "selection", "reading", "words", "outlet_roles"):
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
        describing = spec.get("describing_cues")
        if not isinstance(describing, list) or not describing or not all(c in CUE_KINDS for c in describing):
            raise _fail(path, "specificity.describing_cues", f"expected a non-empty list of cue kinds from {list(CUE_KINDS)}, got {describing!r}")

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

        reading = _reading(path, data["reading"])

        words_cfg = data["words"]
        words: dict[str, frozenset[str]] = {}
        for key in _WORD_LIST_KEYS:
            value = words_cfg.get(key)
            if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
                raise _fail(path, f"words.{key}", "expected a non-empty list of strings")
            words[key] = frozenset(w.strip().lower() for w in value)
        tables = _word_tables(path, words_cfg)
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
        derived = _derived(path, data.get("derived"))

        return cls(
            derived=derived,
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
            keep_unresolved_pronouns=_choice(path, "selection.unresolved_pronouns", data["selection"].get("unresolved_pronouns"), ("keep", "drop")) == "keep",
            keep_unlinked=_choice(path, "selection.unlinked_source_spans", data["selection"].get("unlinked_source_spans"), ("keep", "drop")) == "keep",
            describing_cues=frozenset(describing),
            caseless_min_words=reading["caseless_min_words"],
            year_range=(reading["year_min"], reading["year_max"]),
            caseless_capitalised_share=reading["caseless_capitalised_share"],
            caseless_upper_share=reading["caseless_upper_share"],
            name_lookback=reading["name_lookback_chars"],
            caps_run=reading["caps_run_chars"],
            shouted_min_chars=reading["shouted_min_chars"],
            acronym_min_chars=reading["acronym_min_chars"],
            acronym_max_chars=reading["acronym_max_chars"],
            sentence_max_chars=reading["sentence_max_chars"],
            **tables,
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

    def lemma(self, word: str) -> tuple[str, bool]:
        """(singular form, looked plural) for a word; crude English rules that suffice for nouns here."""
        w = word.lower().rstrip(".")
        if w in self.irregular_plurals:
            lem = self.irregular_plurals[w]
            return lem, w in self.words["plural_only"] or lem != w
        if len(w) > 4 and w.endswith("ies"):
            return w[:-3] + "y", True
        if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes", "zes")):
            return w[:-2], True
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s")):
            return w[:-1], True
        return w, False

    def is_common_word(self, low: str) -> bool:
        """A word our lists know as an ordinary noun/modifier (so a capital letter on it proves nothing)."""
        lem = self.lemma(low)[0]
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
        return low in self.pronouns or low in self.number_words or low in self.words["function_words"]


@lru_cache(maxsize=1)
def _default_lexicon() -> SourceLexicon:
    return SourceLexicon.load()


_DERIVED_PATTERNS = ("methodology_verbs", "methodology_lead", "reporter_subjects", "phrase_stops", "cited_markers")
_DERIVED_NUMBERS = ("max_phrase_words", "cited_window_chars")


def _derived(path: Path, cfg: Any) -> dict[str, Any]:
    """The ``derived`` section: regular expressions (case-insensitive) and limits."""
    if not isinstance(cfg, dict):
        raise _fail(path, "derived", "missing or not a mapping")
    unknown = sorted(set(cfg) - set(_DERIVED_PATTERNS) - set(_DERIVED_NUMBERS))
    if unknown:
        raise _fail(path, "derived", f"unknown keys {unknown}")
    out: dict[str, Any] = {}
    for key in _DERIVED_PATTERNS:
        value = cfg.get(key)
        if not isinstance(value, str) or not value:
            raise _fail(path, f"derived.{key}", "expected a regular expression")
        try:
            out[key] = re.compile(value, re.IGNORECASE)
        except re.error as exc:
            raise _fail(path, f"derived.{key}", f"invalid regular expression: {exc}") from exc
    for key in _DERIVED_NUMBERS:
        value = cfg.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _fail(path, f"derived.{key}", f"expected an integer >= 1, got {value!r}")
        out[key] = value
    return out


def _choice(path: Path, where: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(path, where, f"expected one of {list(allowed)}, got {value!r}")
    return str(value)


def _reading(path: Path, cfg: dict[str, Any]) -> dict[str, Any]:
    """The ``reading`` section: window sizes and word lengths (integers >= 0) and shares in [0, 1]."""
    reading: dict[str, Any] = {}
    for key in _READING_COUNTS:
        value = cfg.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(path, f"reading.{key}", f"expected an integer >= 0, got {value!r}")
        reading[key] = value
    for key in _READING_SHARES:
        reading[key] = _prob(path, f"reading.{key}", cfg.get(key))
    return reading


def _word_tables(path: Path, words_cfg: dict[str, Any]) -> dict[str, Any]:
    """The ``words`` entries that are not plain lists, as ``SourceLexicon`` fields: word mappings, quantifier
    pronouns, document synonym groups, and the joined name particles compiled into patterns."""
    word_maps: dict[str, dict[str, str]] = {}
    for key in _WORD_MAP_KEYS:
        value = words_cfg.get(key)
        if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
            raise _fail(path, f"words.{key}", "expected a non-empty mapping word -> word")
        # party initials stay upper case ("D"); other keys are lowercase words
        word_maps[key] = {str(k) if key == "party_initials" else str(k).lower(): v for k, v in value.items()}
    quantifiers_cfg = words_cfg.get("quantifier_pronouns")
    if not isinstance(quantifiers_cfg, dict) or not quantifiers_cfg or not all(isinstance(v, bool) for v in quantifiers_cfg.values()):
        raise _fail(path, "words.quantifier_pronouns", "expected a mapping quantifier -> true (points back) or false")
    quantifier_pronouns = {str(k).lower(): v for k, v in quantifiers_cfg.items()}
    synonyms_cfg = words_cfg.get("document_synonyms")
    if (
        not isinstance(synonyms_cfg, list)
        or not synonyms_cfg
        or not all(isinstance(g, list) and g and all(isinstance(w, str) and w.strip() for w in g) for g in synonyms_cfg)
    ):
        raise _fail(path, "words.document_synonyms", "expected a non-empty list of non-empty lists of strings")
    document_synonyms = tuple(frozenset(w.strip().lower() for w in g) for g in synonyms_cfg)
    # joined particles as patterns (same order as in the config)
    prefixes = [w.strip().lower() for w in words_cfg["name_article_prefixes"]]
    particles = prefixes + [w.strip().lower() for w in words_cfg["name_joined_particles"]]
    particle_name = re.compile("^(?:" + "|".join(re.escape(w) for w in particles) + ")[-’'][A-Z]")
    name_prefix = re.compile("^(?:" + "|".join(re.escape(w) for w in prefixes) + ")[-’']")
    return {
        **word_maps,
        "quantifier_pronouns": quantifier_pronouns,
        "document_synonyms": document_synonyms,
        "particle_name": particle_name,
        "name_prefix": name_prefix,
    }


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
