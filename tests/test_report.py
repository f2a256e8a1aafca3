"""The HTML report: escaping and structure in Python, then rendered in headless Chromium from Debian's
packages (``apt-get install -y chromium chromium-driver``): DOM assertions, a screenshot, a click that marks an
attribution, and proof that a ``<script>`` inside an article never runs."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import escape

from annotator.report import highlighted_text, histogram_svg, render_report
from annotator.scoring import ScoringConfig

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
INJECT_SCRIPT = "<script>document.documentElement.setAttribute('data-pwned', 'script')</script>"
INJECT_IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned', 'img')\">"
HOSTILE_ID = "<script>document.title='pwned'</script>"
HOSTILE_TEXT = "\n\n".join(
    [
        "Council website defaced with hidden code, officials say",
        "LANMORE, March 3 - Hackers placed hidden code on the Lanmore council website last week, the council's digital manager, "
        f"Petra Vance, said on Monday. She said the code read {INJECT_SCRIPT} and an image tag {INJECT_IMG} that would have run "
        "in visitors' browsers.",
        '"We removed it within two hours and no personal data was taken," Vance said. A spokesman for the regional police said '
        "officers were investigating and that they had asked the website's hosting company for its records.",
        "The council said it would ask an outside firm to review the website's security before the end of the month.",
    ]
)

needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt-get install -y chromium chromium-driver)")


# ------------------------------------------------------------------------------------------ pure HTML


def _visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _hand_record() -> dict:
    text = 'Mayor Ana Lind said <b>"the bridge" & the road</b> would reopen. The bridge carries 9,000 cars a day.'
    spans = [
        {"id": "s1", "start": 0, "end": 14, "label": "SOURCE"},
        {"id": "s2", "start": 15, "end": 19, "label": "CUE"},
        {"id": "s3", "start": 20, "end": 66, "label": "CONTENT"},
    ]
    for s in spans:
        s["text"] = text[s["start"] : s["end"]]
    end1 = text.index(".") + 1
    return {
        "id": "hand <i>1</i>",
        "text": text,
        "spans": spans,
        "attributions": [{"id": "a1", "source": "s1", "cue": "s2", "content": ["s3"]}],
        "sources": [{"id": "src1", "type": "NAMED_PERSON", "specificity": 1.0, "count": 1, "plural": False, "name": "Ana <Lind>",
                     "affiliation": None, "secondhand": False, "mentions": [{"start": 0, "end": 14, "text": text[:14], "span": "s1"}]}],
        "claims": [
            {"start": 0, "end": end1, "text": text[:end1], "checkworthy": 0.7, "attributed": True, "attribution": "a1"},
            {"start": end1 + 1, "end": len(text), "text": text[end1 + 1 :], "checkworthy": 0.9, "attributed": False, "attribution": None},
        ],
        "score": {"overall": 42.0, "components": {"coverage": {"value": 0.5, "weight": 1.0, "spans": ["s1"], "reason": "1 of 2 <claims>"}},
                  "flags": ["low_coverage", "on_record_quotes"]},
    }  # fmt: skip


def test_highlighted_text_keeps_every_character_and_escapes_markup() -> None:
    record = _hand_record()
    fragment = highlighted_text(record)
    assert _visible_text(fragment) == record["text"]
    assert "<b>" not in fragment and "&lt;b&gt;" in fragment
    assert fragment.count('class="seg lab-SOURCE claim-attributed"') == 1
    assert 'data-attr="a1"' in fragment
    assert "claim-unattributed" in fragment


def test_report_escapes_ids_names_reasons_and_error_messages() -> None:
    error = {"id": HOSTILE_ID, "text": "", "spans": [], "attributions": [],
             "error": {"code": "binary", "message": f"bad {INJECT_IMG}", "path": "x<script>.txt"}}  # fmt: skip
    page = render_report([_hand_record(), error])
    assert page.count("<script") == 1  # the report's own script only
    assert "<img" not in page and "<i>1</i>" not in page and "<Lind>" not in page and "<claims>" not in page
    assert "Ana &lt;Lind&gt;" in page and "1 of 2 &lt;claims&gt;" in page
    assert 'id="error-table"' in page and str(escape(HOSTILE_ID)) in page  # Jinja2 autoescape (markupsafe)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing is fetched from the network


def test_histogram_counts_every_score_once() -> None:
    svg = histogram_svg([0, 5, 9.9, 10, 55, 99.9, 100])
    counts = dict(re.findall(r'data-bin="([\d-]+)" data-count="(\d+)"', svg))
    assert counts["0-10"] == "3" and counts["10-20"] == "1" and counts["50-60"] == "1" and counts["90-100"] == "2"
    assert sum(int(v) for v in counts.values()) == 7


# ------------------------------------------------------------------------------------------ in Chromium


@pytest.fixture(scope="module")
def report_path(tmp_path_factory, tagger) -> Path:
    """A real report: the examples plus a hostile article and a bad file, scored with the shipped model."""
    from typer.testing import CliRunner

    from annotator.cli import app

    work = tmp_path_factory.mktemp("report")
    hostile = work / "hostile.jsonl"
    hostile.write_text(json.dumps({"id": HOSTILE_ID, "text": HOSTILE_TEXT}) + "\n", encoding="utf-8")
    (work / "broken.txt").write_bytes(b"\x00\x00binary")
    out, report = work / "out.jsonl", work / "report.html"
    result = CliRunner().invoke(app, ["score", str(EXAMPLES), str(hostile), str(work / "broken.txt"), "--out", str(out), "--report", str(report), "--quiet"])
    assert result.exit_code == 0, result.output
    return report


def _dump_dom(path: Path, tmp_path: Path) -> str:
    cmd = [CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000", "--dump-dom", path.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@needs_browser
def test_report_renders_in_chromium_and_article_scripts_do_not_run(report_path: Path, tmp_path: Path) -> None:
    dom = _dump_dom(report_path, tmp_path)
    assert "data-pwned" not in dom.split("<body", 1)[0]  # neither injected script nor onerror ran on <html>
    assert "<title>pwned</title>" not in dom
    assert dom.count('class="card article"') == 8  # 7 examples + the hostile article; the broken file is an error row
    assert "&lt;script&gt;document.documentElement.setAttribute" in dom  # shown as text
    assert len(re.findall(r'<rect class="hist-bar"', dom)) == 10
    errors = re.search(r'<table id="error-table">(.*?)</table>', dom, re.S)
    assert errors and "broken" in errors.group(1) and "binary" in errors.group(1)
    assert re.search(r'class="seg lab-SOURCE[^"]*"', dom)


@needs_browser
def test_report_screenshot(report_path: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    cmd = [CHROMIUM, *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400", f"--screenshot={png}", report_path.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 2400)
    image = pytest.importorskip("PIL.Image", reason="Pillow is not installed").open(png).convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert (59, 125, 216) in colours  # the histogram and score bars were drawn (#3b7dd8)
    assert (255, 227, 163) in colours  # a SOURCE span is highlighted in the article text (#ffe3a3)


@needs_browser
def test_clicking_a_span_marks_its_attribution(report_path: Path, tmp_path: Path) -> None:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[test])")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed (apt-get install -y chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(report_path.as_uri())
        assert driver.execute_script("return document.documentElement.getAttribute('data-pwned')") is None
        assert driver.title == "Sourcing report"
        section = driver.find_element(By.CSS_SELECTOR, 'section.article[data-record-id="bridge-inspection-on-record"]')
        seg = section.find_element(By.CSS_SELECTOR, ".seg.lab-SOURCE[data-attr]")
        assert "SOURCE" in seg.get_attribute("title")
        attr_id = seg.get_attribute("data-attr").split()[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", seg)
        seg.click()
        active_rows = section.find_elements(By.CSS_SELECTOR, "li.attr.active")
        assert [r.get_attribute("data-attr") for r in active_rows] == [attr_id]
        assert section.find_element(By.CSS_SELECTOR, ".attr-detail").text.startswith(f"{attr_id}: source")
        assert len(section.find_elements(By.CSS_SELECTOR, ".seg.active")) >= 2  # the source and its cue or content
        bars = section.find_elements(By.CSS_SELECTOR, "tr[data-component] .bar > span")
        assert len(bars) == len(ScoringConfig.from_yaml().weights)  # one bar per component in use
        hostile = driver.find_element(By.CSS_SELECTOR, "section.article:last-of-type .text")
        assert "<script>document.documentElement" in hostile.text
        assert driver.save_screenshot(str(tmp_path / "clicked.png"))
    finally:
        driver.quit()


def test_every_field_of_a_foreign_record_is_escaped() -> None:
    """A record from a foreign --out file with markup in every field: none of it reaches the page as markup."""
    bad = "<x onmouseover=alert(1)>"
    record = {
        "id": bad, "text": f"He said {bad} here.",
        "spans": [{"id": bad, "start": 0, "end": 2, "label": bad, "text": "He"}],
        "attributions": [{"id": bad, "source": bad, "cue": None, "content": []}],
        "sources": [{"id": bad, "type": bad, "specificity": bad, "count": bad, "name": bad, "affiliation": bad, "relayed_by": bad,
                     "mentions": [{"text": bad}]}],
        "claims": [{"start": 0, "end": 5, "text": bad, "checkworthy": bad, "attributed": True, "attribution": bad}],
        "score": {"overall": bad, "flags": [bad], "components": {bad: {"value": 0.5, "weight": 1.0, "reason": bad}}},
        "cleaning": {"kept_lines": bad, "dropped_lines": bad, "dropped_stories": bad},
    }  # fmt: skip
    page = render_report([record], model_version=bad)
    assert "<x" not in page
    assert page.count("&lt;x onmouseover=alert(1)&gt;") >= 15
