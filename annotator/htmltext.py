"""Visible text of an HTML page with the standard library parser (no network, no extra dependency)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
          "header", "footer", "blockquote", "figcaption", "nav", "aside", "table", "pre", "hr"}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Paragraphs separated by blank lines, runs of spaces collapsed; entities decoded."""
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n\n".join(p for p in "\n".join(out).split("\n\n") if p.strip()).strip() + "\n"


def extract_article(markup: str) -> tuple[str, dict[str, str]]:
    """The page's main text (trafilatura: boilerplate, navigation and comments left out) and its ``title`` and
    ``date`` when the page has them. Pages trafilatura finds no article in fall back to all visible text, so
    cleaning can still try; nothing is fetched."""
    meta: dict[str, str] = {}
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot parse still has visible text
        doc = None
    if doc is not None and (doc.text or "").strip():
        for key in ("title", "date"):
            value = getattr(doc, key, None)
            if value:
                meta[key] = str(value)
        return doc.text.strip() + "\n", meta
    return html_to_text(markup), meta
