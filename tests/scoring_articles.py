# ruff: noqa: E501  (article paragraphs are one line each, as in the examples)
"""Articles we wrote for the metamorphic score tests (invented towns, people and events).

Each template marks alternatives as ``{first|second}``: ``render(t, 0)`` takes every first alternative and
``render(t, 1)`` every second one. ``ATTRIBUTION_TEMPLATES`` switch the attribution clauses off;
``NAMED_TEMPLATES`` replace named sources by "a source"; ``METHODOLOGY_SENTENCES`` are appended to the
full (attributed) versions.
"""

from __future__ import annotations

import re

_ALT = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def render(template: str, choice: int) -> str:
    """The template with alternative ``choice`` (0 or 1) everywhere; double spaces left by a removal collapse."""
    text = _ALT.sub(lambda m: m.group(1 + choice), template)
    return re.sub(r"[ ]{2,}", " ", text).replace(" .", ".").replace(" ,", ",")


# ---------------------------------------------------------------- attribution clauses on / off
ATTRIBUTION_TEMPLATES = [
    """Swimming pools to close as city cuts leisure budget

HOLTBY, Jan 9 - The city of Holtby will close two of its five public swimming pools next year to save about 2 million a year{, parks director Lena Marsh said on Monday|}.

{"We looked at every other option before this one," Marsh told reporters. |}The pools at Fenwick Road and Castle Green will shut in March{, according to a council document published on Friday|}.

{Council leader Omar Rudd said the|The} savings were needed because the city's energy bills had doubled in two years.

{Residents' group Swim Holtby said more|More} than 4,000 people had signed a petition against the closures{, its chairwoman Beth Quarry said|}.
""",
    """Hospital waiting times rise for third month

ARNFIELD, May 3 - Patients at Arnfield General Hospital waited an average of six hours in the emergency department last month{, according to figures released by the regional health board on Wednesday|}.

{The board's chief executive, Dr. Simon Avery, said the|The} rise was caused by a shortage of nurses and an unusually bad flu season.

{"We have hired forty nurses since January and we will hire more," Avery said. |}The hospital has closed one ward because of the staff shortage{, a hospital spokeswoman said|}.

{The nurses' union said its|Nurses' union} members were working extra shifts every week{, union official Carla Brandt told the Arnfield Echo|}.
""",
    """Ferry operator raises fares by 12 percent

PORT LISS, Aug 14 - The island ferry operator Liss Crossings will raise fares by 12 percent from September{, the company said in a statement on Tuesday|}.

{Chief executive Marta Olsen said fuel|Fuel} costs had risen by a third since last year and the company could no longer absorb them.

{"Nobody likes paying more, but the alternative is fewer sailings," Olsen told the Port Liss Herald. |}Island residents will keep their discount of 40 percent{, the statement said|}.

{Local councillor Ivo Grant said many|Many} islanders depend on the ferry to reach work and school{, he said|}.
""",
    """Factory fire forces evacuation of nearby homes

DENHOLM, Nov 21 - About 300 people were evacuated from their homes overnight after a fire broke out at a paint factory in Denholm{, the regional fire service said on Thursday|}.

{Fire chief Anders Kolb said the|The} blaze was brought under control shortly before dawn and nobody was hurt.

{"The smoke was the main danger, not the flames," Kolb told reporters at the scene. |}Residents were allowed to return home by midday{, police said|}.

{Rivet Coatings, the factory's owner, said in a statement that it|Rivet Coatings, the factory's owner,} will pay for cleaning in the affected streets{, a company spokesman added|}.
""",
]

# ---------------------------------------------------------------- named sources vs "a source"
NAMED_TEMPLATES = [
    """Council to sell former bus depot to developer

BRAYFORD, Feb 6 - Brayford council plans to sell its former bus depot to a housing developer for about 15 million, {council treasurer Hannah Voss|a source} said on Tuesday.

The site has been empty since 2019, {Voss|the source} said, and the council had received three offers.

{Planning chief Daniel Ayre|A source} said the developer had promised that a third of the new homes would be affordable.

"It is the best offer we have had in five years," {Ayre|the source} said.
""",
    """Mine inspectors order safety review after tunnel collapse

KELDRUM, June 2 - Mine inspectors have ordered a safety review at the Keldrum copper mine after a tunnel collapse injured two workers last week, {chief inspector Rosa Lint|a source} said on Friday.

{Lint|The source} said the review would look at the supports in the oldest part of the mine.

{The mine's manager, Tobias Hale,|A source} said the injured workers were recovering in hospital.

"We will do everything the inspectors ask of us," {Hale|the source} said.
""",
    """University delays opening of new science building

MERLOW, Sept 30 - Merlow University has delayed the opening of its new science building by a year because of problems with the ventilation system, {vice-chancellor Irene Cobb|a source} said on Monday.

The building was due to open this autumn, {Cobb|the source} said, and classes will stay in the old laboratories until then.

{The university's estates director, Paul Stroud,|A source} said the repairs would cost about 3 million.

"The contractor has accepted responsibility," {Stroud|the source} said.
""",
    """Regional airline adds winter routes

TANSBY, Oct 12 - The regional airline Tansby Air will add four winter routes to southern Europe, {its commercial director Nora Fell|a source} said on Wednesday.

{Fell|The source} said the airline expected to carry about 60,000 extra passengers over the winter.

{The airport's chief executive, Colin Brae,|A source} said the new routes would create about 40 jobs at the airport.

"This is the busiest winter schedule we have ever had," {Brae|the source} said.
""",
]

# ---------------------------------------------------------------- methodology statements (appended)
METHODOLOGY_SENTENCES = [
    "For this story, the Holtby Gazette spoke to four council officials and reviewed the council's budget documents.",
    "For this report, the Arnfield Echo interviewed six nurses and two hospital managers.",
    "For this article, the Herald spoke to three ferry workers, two island councillors and five passengers.",
    "For this story, reporters spoke to two firefighters and four residents who were evacuated.",
]

# Navigation and newsletter lines a scraper typically leaves around a story.
NAVIGATION_TOP = "Skip to main content\nHome | News | Business | Sport | Opinion\nMenu\nSearch\nShare on Facebook\nFollow us\n"
NAVIGATION_BOTTOM = (
    "\nSign up for our newsletter\nGet the top stories delivered to your inbox every morning.\nSubscribe\n"
    "Related stories\nCouncil approves new cycle lanes\n\nCopyright 2024 Evening Gazette. All rights reserved.\n"
    "Privacy policy | Terms of use | Cookie settings\n"
)


# ---------------------------------------------------------------- hand-annotated short articles (no model)
def hand_annotated(text: str, attributions: list[tuple[str | None, str, str]], sources: list[dict]):
    """An article with spans, information attributions, sources and claims written by hand.

    ``attributions``: (source needle or None, cue needle, content needle), each needle the first occurrence after
    the previous attribution's cue; ``sources``: dicts of Source fields plus ``needles`` (the SOURCE needles that
    are its mentions). Every sentence is a claim (check-worthiness 0.8), attributed by the claims stage's rule."""
    from annotator.claims import mark_attributed
    from annotator.schema import AnnotatedArticle, Article, Attribution, Claim, Source, Span
    from annotator.text import sentences

    spans: list[Span] = []
    atts: list[Attribution] = []
    pos = 0

    def add(label: str, needle: str) -> Span:
        start = text.index(needle, pos)
        span = Span(f"s{len(spans) + 1}", start, start + len(needle), label, needle)
        spans.append(span)
        return span

    for n, (source, cue, content) in enumerate(attributions, 1):
        src = add("SOURCE", source) if source else None
        cue_span = add("CUE", cue)
        body = add("CONTENT", content)
        atts.append(Attribution(f"a{n}", src.id if src else None, cue_span.id, [body.id]))
        pos = max(x.end for x in (src, cue_span, body) if x is not None)
    doc = AnnotatedArticle(Article("hand", text), sorted(spans, key=lambda s: s.start), atts)
    by_needle: dict[str, list[Span]] = {}
    for s in spans:
        if s.label == "SOURCE":
            by_needle.setdefault(s.text, []).append(s)
    doc.sources = []
    for i, fields in enumerate(sources, 1):
        mentions = [{"start": s.start, "end": s.end, "text": s.text, "span": s.id} for needle in fields["needles"] for s in by_needle.get(needle, [])]
        record = {"id": f"src{i}", "specificity": 1.0, "count": 1, "plural": False, "affiliation": None, "secondhand": False}
        record.update({k: v for k, v in fields.items() if k != "needles"})
        doc.sources.append(Source.from_dict({**record, "mentions": mentions}))
    claims = [{"start": s, "end": e} for s, e in sentences(text)]
    doc.claims = [Claim(c["start"], c["end"], text[c["start"] : c["end"]], 0.8, c["attributed"], c["attribution"]) for c in mark_attributed(doc, claims)]
    return doc


# A council story: the mayor's words once given to a broadcaster, once to the story's own reporter.
RELAYED_AND_OWN = (
    "Mayor Ana Lind told CNN that the bridge would reopen in May. "
    '"We are ready," Lind said at a council meeting on Tuesday. '
    "Engineer Tom Reyes said the repairs had cost twice the estimate."
)

# ---------------------------------------------------------------- the same words, own interviews vs given to broadcasters
RELAY_TEMPLATES = [
    """Harbour authority delays dredging plan

SELBY, May 9 - The Selby harbour authority will delay its dredging plan by a year, its director Karin Holm {said on Thursday|told CNN on Thursday}.

"We need another survey of the seabed before we start," Holm {said at a news conference in the harbour office|told CNN}.

Fisheries officer Jonas Berg {said|told Fox News} the delay would protect the spring herring run. "The timing could not be better for us," Berg {said|told Fox News}.
""",
    """Rail operator cuts night services

CARNLEA, Nov 3 - The rail operator Northline will cut its night services between Carnlea and the coast from January, chief executive Priya Nair {said on Monday|told MSNBC on Monday}.

"Fewer than twenty people use the last train on most nights," Nair {said in an interview|told MSNBC}.

Passenger group chair Owen Tate {said|told Fox News} the cuts would leave shift workers without a way home. "Nobody asked the people who ride those trains," Tate {said|told Fox News}.
""",
]
