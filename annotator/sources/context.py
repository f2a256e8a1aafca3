"""Per-text context: which capitalised words are names, and the tokens of a mention with that decision.

``_DocContext`` holds the facts computed once per text (headline lines, words the article capitalises
mid-sentence or writes in lower case, evidence that a word is a surname or part of an organisation's name);
``_tokens`` turns a character range into ``Tok`` records, each marked ``proper`` or not.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import cached_property

from annotator.sources.lexicon import SourceLexicon
from annotator.sources.tokens import _TOKEN_RE, Tok, _split_words, _strip_possessive

_QUOTES_OPEN = "\"“‘'«([{"
_SENTENCE_END = ".!?:;\n•·|"
_BEFORE_NAME = re.compile(r"([\w.]+)\s+(?:[A-Z]\.\s+)?$")


# A dateline opening a line: up to six capitalised words, numbers and an agency in brackets ("PORT ALDEN, March 4 (AP)").
_DATELINE_CHARS = 80  # looked at before the dash: a longer run without a line break is no dateline (the regex fails on it)
_DATELINE = re.compile(r"\s*(?:[A-Z][\w.'’-]*|\d{1,4}|\([A-Z][\w .'’-]{0,30}\))(?:,?\s+(?:[A-Z][\w.'’-]*|\d{1,4}|\([A-Z][\w .'’-]{0,30}\))){0,5},?")


class _DocContext:
    """Per-text facts used to decide which capitalised words are names (computed once per text)."""

    def __init__(self, text: str, lexicon: SourceLexicon) -> None:
        self.text = text
        self.lexicon = lexicon
        self.outlets: list | None = None  # sources.outlets.outlet_mentions, computed once per text
        self._line_caseless: dict[int, bool] = {}
        self._org_evidence: dict[str, bool] = {}
        self._person_evidence: dict[str, bool] = {}
        self._all_tokens: list[Tok] | None = None
        # outlets the article introduces with a descriptor noun (names, described): computed on first use by
        # ``outlet_names.doc_outlet_names``, which owns the scan
        self.introduced_outlets: tuple[dict[tuple[str, ...], str], frozenset[str]] | None = None
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
        lex = self.lexicon
        function_words = lex.words["function_words"]
        alpha = [w for w in words if w.lower() not in function_words]
        caseless = False
        if len(alpha) >= lex.caseless_min_words:
            capital = sum(1 for w in alpha if w[0].isupper())
            upper = sum(1 for w in alpha if len(w) > 1 and w.isupper())
            # Title Case needs a capitalised function word ("Rally For Their Schools"); a sentence dense with
            # names ("Sens. Jon Tester and David Vitter spoke") has them in lower case.
            title_function = sum(1 for w in words[1:] if w[0].isupper() and (w.lower() in function_words or w.lower() in lex.pronouns))
            caseless = (capital / len(alpha) >= lex.caseless_capitalised_share and title_function >= 1) or upper / len(alpha) >= lex.caseless_upper_share
        self._line_caseless[start] = caseless
        return caseless

    def sentence_initial(self, offset: int) -> bool:
        i = offset - 1
        text = self.text
        dash = False
        while i >= 0 and (text[i].isspace() or text[i] in _QUOTES_OPEN or text[i] in "—–-―"):
            if text[i] == "\n":
                return True
            dash = dash or text[i] in "—–-―"
            i -= 1
        if i > 0 and text[i] in ")]" and text[i - 1] in ".!?":
            return True  # "(Indiana law forbids it.) Sources said ...": a bracketed sentence ended before
        if dash and _DATELINE.fullmatch(text[text.rfind("\n", max(0, i - _DATELINE_CHARS), i) + 1 : i + 1]):
            return True  # "PORT ALDEN, March 4 (AP) — Fans said ...": the story's first sentence starts after the dateline
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
                m = _BEFORE_NAME.search(self.text, max(0, p - self.lexicon.name_lookback), p)
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


_CONTEXTS: OrderedDict[tuple[int, int], _DocContext] = OrderedDict()
_CONTEXT_CACHE_SIZE = 128  # more than a pipeline batch (32 articles): the sources stage and the scorer share them


def _context(text: str, lexicon: SourceLexicon) -> _DocContext:
    """A small least-recently-used cache, so typing many spans of one text (Label Studio, eval) and reading its
    outlets again in the scorer build the context once."""
    key = (id(text), id(lexicon))
    ctx = _CONTEXTS.get(key)
    if ctx is None or ctx.text is not text:
        ctx = _DocContext(text, lexicon)
        _CONTEXTS[key] = ctx
        while len(_CONTEXTS) > _CONTEXT_CACHE_SIZE:
            _CONTEXTS.popitem(last=False)
    else:
        _CONTEXTS.move_to_end(key)
    return ctx


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
            cap=first.isupper() or (first.islower() and ctx.lexicon.particle_name.match(word) is not None),
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
    after_first_name = index > 0 and toks[index - 1].proper and tok.low in lex.words["surname_function_words"]
    if (tok.low in lex.words["function_words"] or tok.low in lex.pronouns) and not (tok.upper and tok.low in lex.places) and not after_first_name:
        return False  # ("US" is a country, "us" a pronoun; "Theresa May" is a name, "may" a verb)
    initial = index == 0 and ctx.sentence_initial(tok.start)
    shouted = tok.upper and len(tok.text) >= lex.shouted_min_chars and _in_caps_run(tok, ctx.text, lex.caps_run)
    if initial or shouted:
        if known_name or ctx.is_name_word(tok.text):
            return True
        if lex.is_common_word(tok.low) or tok.low in lex.number_words or tok.text == "I":
            return False
        if _LOWER_AFTER_HYPHEN.search(tok.text) or (tok.text.lower() in ctx.lower_words and _strip_possessive(tok.text)[0] not in ctx.mid_caps):
            return False  # "Fact-checkers said", "Dockworkers said" with "dockworkers" elsewhere: common nouns
        # an unknown capitalised first word is a name only where a name can be: as the head, or followed by
        # more capitalised words ("Caddell said", "Jorge Castañeda said"; not "Voting rights advocates")
        nxt = toks[index + 1] if index + 1 < len(toks) else None
        return nxt is None or not nxt.text[0].isalpha() or (nxt.cap and not shouted)
    return True


_LOWER_AFTER_HYPHEN = re.compile(r"\w-[a-z]")  # "Fact-checkers", "Anti-war"; names hyphenate capitals ("al-Sadr" aside)


def _in_caps_run(tok: Tok, text: str, reach: int) -> bool:
    """Shouted text ("CALLED OUT BY FELLOW DOCTORS"): an all-caps word next to another all-caps word (looked for
    within ``reach`` characters)."""
    before = text[max(0, tok.start - reach) : tok.start].split()
    after = text[tok.end : tok.end + reach].split()

    def caps(w: str) -> bool:
        letters = [c for c in w if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)

    return bool(before and caps(before[-1])) or bool(after and caps(after[0]))
