"""Source types and the ``SourceLexicon``: ``configs/sources.yaml`` and the lexicon files, loaded and validated.

Every word list and judgment number the sources stage uses comes from here. The YAML is validated by the pydantic
models below (the project's config layer, :mod:`annotator.config`); a missing, unknown or malformed key raises the
one ``ConfigError`` naming the file and key path. ``SourceLexicon`` is the compiled view the stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, create_model

from annotator.config import ConfigError, IntRange, Pattern, StrictModel, Text, Unit, exactly, load_yaml, read_alias_file, validate
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
CUE_KINDS = ("singular", "role", "rank", "nationality", "affiliation", "field", "relation", "named_modifier", "count", "vague_relation")


SourceConfigError = ConfigError  # the project's one config error (kept as a name for callers)


# words.<key>: non-empty lists of words or phrases (lowercased on load)
_WORD_LIST_KEYS = (
    "person_nouns",
    "vague_heads",
    "group_nouns",
    "affiliation_groups",
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
    "surname_function_words",
    "trailing_time_words",
    "trailing_period_words",
    "trailing_adverbs",
    "irregular_participles",
    "platform_names",
    "time_possessive_words",
    "job_title_words",
    "nobody_in_particular",
    "outlet_piece_nouns",
    "companion_openers",
    "own_work_nouns",
    "outlet_work_nouns",
    "acronym_skipped_words",
    "ruling_nouns",
    "court_heads",
    "floating_quantifiers",
    "plural_only",
    "body_heads",
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
    "member_list_verbs",
    "left_post_words",
    "size_adjectives",
    "collective_nouns",
    "reflexives",
    "head_end_words",
    "share_heads",
    "respondent_participles",
    "majority_heads",
    "media_report_modifiers",
    "mass_media_heads",
    "document_heads_always",
    "outlet_words_needing_the",
    "outlets_named_by_bare_word",
    "outlets_only_with_magazine",
    "connectors",
    "person_role_words",
    "plural_titles",
    "relation_words",
    "anonymous_synonyms",
    "generic_organization_heads",
    "generic_person_heads",
    "other_person_heads",
    "proxy_voice_heads",
    "broadcast_outlets",
    "document_owner_markers",
    "generic_role_heads",
    "soft_descriptors",
    "epithet_words",
    "vague_modifiers",
    "region_names",
    "count_ordinals",
)
# words.<key>: mappings word -> word ("" allowed as a value: a title that gives no role)
_WORD_MAP_KEYS = ("irregular_plurals", "title_roles", "party_words", "party_initials")
_OUTLET_ROLE_KEYS = ("recipient_before", "interviewer_after", "reports_after", "reports_before", "event_before", "event_after")

# ------------------------------------------------------------------------------------- the validated file

WordList = Annotated[list[Text], Field(min_length=1)]
PatternList = Annotated[list[Pattern], Field(min_length=1)]
Chars = IntRange(0)


class LexiconFiles(StrictModel):
    """Word lists kept as files under ``configs/lexicons/`` (paths relative to the config)."""

    media_outlets: Text  # canonical | alias ...
    places: Text  # affiliation label | country / nationality / capital ...
    organizations: Text  # organisations whose names carry no keyword
    first_names: Text  # given names: a person cue
    months: Text  # month names and abbreviations (shared with cleaning)
    weekdays: Text  # weekday names


class Specificity(StrictModel):
    type_value: Annotated[dict[str, Unit], exactly((*SOURCE_TYPES[:4], REFERENCE))]
    anonymous_base: Annotated[dict[str, Unit], exactly((ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE))]
    cue_weight: Annotated[dict[str, Unit], exactly(CUE_KINDS)]
    cap: Unit
    describing_cues: Annotated[list[Literal[CUE_KINDS]], Field(min_length=1)]  # type: ignore[valid-type]


class Counting(StrictModel):
    plural_without_count: IntRange(1)
    overlap: Literal["max", "sum"]


OutletRoles = create_model("OutletRoles", __base__=StrictModel, **{k: (PatternList, ...) for k in _OUTLET_ROLE_KEYS})


class Clustering(StrictModel):
    pronoun_window_chars: Chars
    description_window_chars: Chars
    relative_gap_chars: Chars
    entity_window_chars: Chars
    lede_window_chars: Chars
    unmarked_name_chars: Chars
    issuing_verbs: WordList
    issuer_chars: Chars
    epithet_new_words: IntRange(0, 10)


class Selection(StrictModel):
    unlinked_source_spans: Literal["keep", "drop"]
    unresolved_pronouns: Literal["keep", "drop"]
    unresolved_descriptions: Literal["keep", "drop"]
    person_noun_endings: WordList
    thing_noun_endings: WordList
    passive_auxiliaries: WordList
    recipient_participles: WordList
    passive_fillers: WordList
    passive_gap_chars: Chars
    apposition_name_chars: Chars
    object_prepositions: WordList
    poll_share_opening: Pattern
    fraction_share_opening: Pattern
    fraction_poll_chars: Chars
    fraction_poll_words: WordList
    negated_opening: Pattern
    interviewer_labels: WordList


class Derived(StrictModel):
    methodology_verbs: Pattern
    methodology_lead: Pattern
    reporter_subjects: Pattern
    phrase_stops: Pattern
    cited_markers: Pattern
    max_phrase_words: IntRange(1)
    cited_window_chars: IntRange(1)
    nested_speaker: Pattern
    nested_relative: Pattern
    signed_quote: Pattern
    post_signature: Pattern
    credit_line: Pattern
    document_finding: Pattern
    finding_excluded_heads: WordList
    finding_max_words: IntRange(1)
    trailing_speaker: Pattern
    labelling: Pattern
    poll_phrase: Pattern
    poll_frames: list[Pattern]
    passive_reporting: Pattern
    passive_reporting_stop: Pattern
    criticism_from: Pattern
    nested_np_stops: Pattern
    nested_np_prepositions: Pattern


class Reading(StrictModel):
    year_min: Chars
    year_max: Chars
    caseless_min_words: Chars
    name_lookback_chars: Chars
    caps_run_chars: Chars
    shouted_min_chars: Chars
    acronym_min_chars: Chars
    acronym_max_chars: Chars
    sentence_max_chars: Chars
    caseless_capitalised_share: Unit
    caseless_upper_share: Unit


PronounKind = Literal["person", "thing", "any", "speaker", "addressee", "relative", "demonstrative"]
PronounSpec = tuple[Literal["sg", "pl", "x"], Literal["m", "f", "n", "x"], PronounKind]  # number, gender, kind
Words = create_model(
    "Words",
    __base__=StrictModel,
    **{k: (WordList, ...) for k in _WORD_LIST_KEYS},
    **{k: (Annotated[dict[str, str], Field(min_length=1)], ...) for k in _WORD_MAP_KEYS},
    pronouns=(Annotated[dict[str, Annotated[PronounSpec, Field(strict=False)]], Field(min_length=1)], ...),  # a YAML list is the tuple
    titles=(Annotated[dict[str, Literal["m", "f"] | None], Field(min_length=1)], ...),
    number_words=(dict[str, IntRange(1)], ...),
    quantifier_pronouns=(Annotated[dict[str, bool], Field(min_length=1)], ...),
    document_synonyms=(Annotated[list[WordList], Field(min_length=1)], ...),
    role_synonyms=(Annotated[list[WordList], Field(min_length=1)], ...),
    organization_synonyms=(Annotated[list[WordList], Field(min_length=1)], ...),
)


class SourcesFile(StrictModel):
    """``configs/sources.yaml`` as written; every key required (see that file for what each one means)."""

    version: Literal[1]
    lexicon_files: LexiconFiles
    specificity: Specificity
    counting: Counting
    outlet_roles: OutletRoles  # type: ignore[valid-type]
    clustering: Clustering
    selection: Selection
    derived: Derived
    reading: Reading
    words: Words  # type: ignore[valid-type]


def _read_alias_file(path: Path) -> dict[str, str]:
    return read_alias_file(path)


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
    lede_window: int  # a title description opening the story joins the person named this close after it
    unmarked_name_chars: int  # an unresolved "he"/"she" looks this far back for a person named outside any source
    issuing: re.Pattern  # "issued a" ... : the verb and article before a document its subject issued
    issuer_chars: int
    epithet_new_words: int  # words of its own a bare title description may add when it joins the person just named
    keep_unlinked: bool  # a SOURCE span no attribution links to still makes a source
    keep_unresolved_pronouns: bool  # a source made only of pronouns that resolve to nothing is still listed
    keep_unresolved_descriptions: bool  # a REFERENCE source with no person's head or pronoun is still listed
    describing_cues: frozenset[str]  # cue kinds that make unnamed people ANONYMOUS_DESCRIBED
    irregular_plurals: dict[str, str]
    title_roles: dict[str, str]  # title -> role word ("" for none)
    party_words: dict[str, str]  # word naming a party -> affiliation
    party_initials: dict[str, str]  # party initial in a parenthetical ("D") -> affiliation
    quantifier_pronouns: dict[str, bool]  # standing-alone quantifier -> points back
    document_synonyms: tuple[frozenset[str], ...]
    role_synonyms: tuple[frozenset[str], ...]  # role nouns naming one role ("lawyer", "attorney")
    organization_synonym: dict[str, str]  # organisation noun -> the first of its synonyms ("team" -> "campaign")
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
    # which mentions can be sources at all (sources/selection.py): word sets and the passive window
    selection: dict[str, Any] = field(default_factory=dict)
    max_outlet_tokens: int = 1
    max_title_tokens: int = 1
    # outlet_roles.<key> -> compiled patterns (which outlet did the reporting; see configs/sources.yaml)
    outlet_roles: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)

    # -- loading ------------------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> SourceLexicon:
        """Read and validate the config and the lexicon files it names; raise ``SourceConfigError`` if bad."""
        path = Path(path) if path is not None else CONFIG_PATH
        cfg = validate(load_yaml(path, "sources"), SourcesFile, str(path))
        base = path.parent
        files = cfg.lexicon_files
        outlets = _read_alias_file(base / files.media_outlets)
        places = _read_alias_file(base / files.places)
        organizations = _read_alias_file(base / files.organizations)
        first_names = _read_name_file(base / files.first_names)
        calendar = set(_read_alias_file(base / files.months)) | set(_read_alias_file(base / files.weekdays))

        w = cfg.words
        words = {key: frozenset(x.strip().lower() for x in getattr(w, key)) for key in _WORD_LIST_KEYS}
        words["time_words"] = frozenset(calendar)  # capitalised words that never name an outlet ("told the newspaper Sunday")
        # party initials stay upper case ("D"); other keys are lowercase words
        tables: dict[str, Any] = {k: {kk if k == "party_initials" else kk.lower(): v for kk, v in getattr(w, k).items()} for k in _WORD_MAP_KEYS}
        prefixes = [x.strip().lower() for x in w.name_article_prefixes]
        particles = prefixes + [x.strip().lower() for x in w.name_joined_particles]
        titles = {k.lower(): v for k, v in w.titles.items()}
        words["role_words"] = words["person_nouns"] | frozenset(titles)  # a role or title: "Vice President", "Minister of X"
        d, sel, rd, cl, sp = cfg.derived, cfg.selection, cfg.reading, cfg.clustering, cfg.specificity
        derived_patterns = (
            "methodology_verbs",
            "methodology_lead",
            "reporter_subjects",
            "phrase_stops",
            "cited_markers",
            "nested_np_stops",
            "nested_np_prepositions",
            "labelling",
            "passive_reporting",
            "passive_reporting_stop",
            "criticism_from",
        )
        derived = {k: re.compile(getattr(d, k), re.IGNORECASE) for k in derived_patterns}
        derived |= {"max_phrase_words": d.max_phrase_words, "cited_window_chars": d.cited_window_chars, "finding_max_words": d.finding_max_words}
        # case matters in the nested-speaker patterns: a capital letter opens the name
        derived |= {k: re.compile(getattr(d, k)) for k in ("nested_speaker", "nested_relative")}
        derived["signed_quote"] = re.compile(d.signed_quote, re.MULTILINE)
        derived["post_signature"] = re.compile(d.post_signature)
        derived["credit_line"] = re.compile(d.credit_line, re.MULTILINE)
        derived["document_finding"] = re.compile(d.document_finding)
        derived["finding_excluded_heads"] = frozenset(x.strip().lower() for x in d.finding_excluded_heads)
        derived["trailing_speaker"] = re.compile(d.trailing_speaker)
        derived["poll_frames"] = [re.compile(x) for x in d.poll_frames]
        derived["poll_phrase"] = re.compile(d.poll_phrase)  # case matters: a capital letter opens a pollster's name
        selection_words = (
            "passive_auxiliaries",
            "recipient_participles",
            "passive_fillers",
            "object_prepositions",
            "interviewer_labels",
            "person_noun_endings",
            "thing_noun_endings",
            "fraction_poll_words",
        )
        selection: dict[str, Any] = {k: frozenset(x.strip().lower() for x in getattr(sel, k)) for k in selection_words}
        selection["passive_gap_chars"] = sel.passive_gap_chars
        selection["apposition_name_chars"] = sel.apposition_name_chars
        selection["poll_share_opening"] = re.compile(sel.poll_share_opening, re.IGNORECASE)
        selection["fraction_share_opening"] = re.compile(sel.fraction_share_opening, re.IGNORECASE)
        selection["fraction_poll_chars"] = sel.fraction_poll_chars
        selection["negated_opening"] = re.compile(sel.negated_opening, re.IGNORECASE)
        outlet_roles = {k: tuple(re.compile(x, re.IGNORECASE) for x in getattr(cfg.outlet_roles, k)) for k in _OUTLET_ROLE_KEYS}
        return cls(
            derived=derived,
            selection=selection,
            path=path,
            words=words,
            pronouns={k.lower(): tuple(v) for k, v in w.pronouns.items()},
            titles=titles,
            number_words={k.lower(): v for k, v in w.number_words.items()},
            outlets=outlets,
            places=places,
            organizations=organizations,
            first_names=first_names,
            type_value=dict(sp.type_value),
            anonymous_base=dict(sp.anonymous_base),
            cue_weight=dict(sp.cue_weight),
            cap=sp.cap,
            plural_without_count=cfg.counting.plural_without_count,
            overlap=cfg.counting.overlap,
            pronoun_window=cl.pronoun_window_chars,
            description_window=cl.description_window_chars,
            relative_gap=cl.relative_gap_chars,
            entity_window=cl.entity_window_chars,
            lede_window=cl.lede_window_chars,
            unmarked_name_chars=cl.unmarked_name_chars,
            issuing=re.compile(r"\b(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in cl.issuing_verbs) + r")\s+(?:an?|its|his|her|their)\s+"),
            issuer_chars=cl.issuer_chars,
            epithet_new_words=cl.epithet_new_words,
            keep_unresolved_pronouns=sel.unresolved_pronouns == "keep",
            keep_unresolved_descriptions=sel.unresolved_descriptions == "keep",
            keep_unlinked=sel.unlinked_source_spans == "keep",
            describing_cues=frozenset(sp.describing_cues),
            caseless_min_words=rd.caseless_min_words,
            year_range=(rd.year_min, rd.year_max),
            caseless_capitalised_share=rd.caseless_capitalised_share,
            caseless_upper_share=rd.caseless_upper_share,
            name_lookback=rd.name_lookback_chars,
            caps_run=rd.caps_run_chars,
            shouted_min_chars=rd.shouted_min_chars,
            acronym_min_chars=rd.acronym_min_chars,
            acronym_max_chars=rd.acronym_max_chars,
            sentence_max_chars=rd.sentence_max_chars,
            **tables,
            quantifier_pronouns={k.lower(): v for k, v in w.quantifier_pronouns.items()},
            document_synonyms=tuple(frozenset(x.strip().lower() for x in g) for g in w.document_synonyms),
            role_synonyms=tuple(frozenset(x.strip().lower() for x in g) for g in w.role_synonyms),
            organization_synonym={x.strip().lower(): g[0].strip().lower() for g in w.organization_synonyms for x in g},
            particle_name=re.compile("^(?:" + "|".join(re.escape(x) for x in particles) + ")[-’'][A-Z]"),
            name_prefix=re.compile("^(?:" + "|".join(re.escape(x) for x in prefixes) + ")[-’']"),
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
    def region_pattern(self) -> re.Pattern[str]:
        """Any of ``words.region_names`` as whole words, case-insensitive ("the Florida senator", "(R-Utah)")."""
        names = sorted(self.words["region_names"], key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)

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


def agent_noun(head: str, lex: SourceLexicon) -> bool:
    """A head that ends like an agent noun ("shareholder", "neurosurgeon", "documentarian"; ``selection.
    person_noun_endings``) and not like a thing ("agreement": ``thing_noun_endings``): it may name a person."""
    sel = lex.selection
    return head.endswith(tuple(sel["person_noun_endings"])) and not head.endswith(tuple(sel["thing_noun_endings"]))
