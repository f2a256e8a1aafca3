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
