"""Sources stage: type every SOURCE mention, count the people it denotes, and cluster mentions into sources.

The tagger finds *where* sources are mentioned; this stage says *what kind* of source each mention is
(``NAMED_PERSON`` ... ``REFERENCE``, see docs/sources.md), how specific an anonymous description is, how many
people it stands for, and which mentions are the same source ("Esmail Qaani" ... "Qaani" ... "he").

It is rule-based on purpose: the encoder is uncased, while the raw text's capitalisation is the most
reliable cue for names, and the rest is lexical (titles, roles, outlets, nationalities, document nouns),
so word lists in ``configs/`` do the work, and every judgment number lives in ``configs/sources.yaml``.
Pure Python, no model call: it runs per article inside batch jobs.


The package, one module per concern (imports run down this list only):

* ``tokens``: the token pattern and the ``Tok`` record;
* ``lexicon``: source types, ``SourceLexicon`` (``configs/sources.yaml`` and ``configs/lexicons/``), validation;
* ``context``: per-text facts deciding which capitalised words are names, and tokens with that decision;
* ``outlet_names``: outlet names inside a mention and those the article introduces with a descriptor noun;
* ``phrases``: one noun phrase: determiners, numbers, head, names, description words and cues;
* ``mentions``: one SOURCE mention (``Mention``, ``type_span``, ``describe_span``) and its specificity;
* ``outlets``: outlet roles in the text (reporting outlet, sources relayed by another outlet);
* ``entities``: a source being built (``Entity``: its mentions, type, names, roles, gender);
* ``people``: people described before or after they are named (lede titles, epithets);
* ``clustering``: mentions grouped into sources;
* ``selection``: which mentions can be sources at all (passive recipients, spans that refer to nobody);
* ``records``: the per-source record, ``distinct_source_count``, ``source_type_counts``;
* ``stage``: ``analyze_sources``, the stage function.
"""

from annotator.schema import SOURCE_TYPES
from annotator.sources.clustering import cluster_mentions
from annotator.sources.lexicon import (
    ANONYMOUS_DESCRIBED,
    ANONYMOUS_TYPES,
    ANONYMOUS_VAGUE,
    CONFIG_PATH,
    CUE_KINDS,
    DOCUMENT,
    MEDIA_OUTLET,
    NAMED_ORGANIZATION,
    NAMED_PERSON,
    NAMED_TYPES,
    REFERENCE,
    SourceConfigError,
    SourceLexicon,
)
from annotator.sources.mentions import Mention, SpanTyping, describe_span, type_span
from annotator.sources.outlets import OutletMention, mark_outlet_roles, outlet_mentions, reporting_outlet
from annotator.sources.records import distinct_source_count, source_type_counts
from annotator.sources.stage import analyze_sources

__all__ = [
    "ANONYMOUS_DESCRIBED",
    "ANONYMOUS_TYPES",
    "ANONYMOUS_VAGUE",
    "CONFIG_PATH",
    "CUE_KINDS",
    "DOCUMENT",
    "MEDIA_OUTLET",
    "NAMED_ORGANIZATION",
    "NAMED_PERSON",
    "NAMED_TYPES",
    "REFERENCE",
    "SOURCE_TYPES",
    "Mention",
    "OutletMention",
    "SourceConfigError",
    "SourceLexicon",
    "SpanTyping",
    "analyze_sources",
    "cluster_mentions",
    "describe_span",
    "distinct_source_count",
    "mark_outlet_roles",
    "outlet_mentions",
    "reporting_outlet",
    "source_type_counts",
    "type_span",
]
