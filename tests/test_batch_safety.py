"""Batch jobs lose no data: unique ids, sources on every record, exactly-once resume, safe outputs, strict CSV,
every input format, clear usage errors. Real files, the real CLI and the shipped model."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from annotator.batch import chunked
from annotator.cli import app
from annotator.inputs import count_inputs, iter_inputs
from annotator.outputs import JsonlWriter, read_records
from annotator.schema import Article, RecordError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
runner = CliRunner()

SENTENCES = [
    "The harbor master said the channel would reopen on Friday.",
    "Officials told reporters that the bridge was safe to cross.",
    "A spokesperson for the ministry declined to comment on the plan.",
    "The report found that water bills rose by a fifth last year.",
    "Two residents said the noise had kept them awake for weeks.",
]


def annotate(*args: str) -> object:
    return runner.invoke(app, ["annotate", *args, "-q"])


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def codes(recs: list[dict]) -> list[str | None]:
    return [r.get("error", {}).get("code") for r in recs]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ ids and sources


def test_same_stem_in_two_folders_gets_two_ids_and_resume_scores_both(tmp_path: Path, tagger) -> None:
    root = tmp_path / "in"
    for folder, sentence in (("a", SENTENCES[0]), ("b", SENTENCES[1])):
        (root / folder).mkdir(parents=True)
        (root / folder / "story.txt").write_text(sentence, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert annotate(str(root), "--out", str(out)).exit_code == 0
    full = records(out)
    assert [r["id"] for r in full] == ["a/story", "b/story"]
    assert [Path(r["source"]["path"]).relative_to(root).as_posix() for r in full] == ["a/story.txt", "b/story.txt"]
    # interrupted after the first record: the resumed run must score b/story, not skip it as "story"
    out.write_text(out.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = annotate(str(root), "--out", str(out), "--resume")
    assert result.exit_code == 0 and "1 skipped" in result.output
    assert records(out) == full


def test_repeated_ids_are_errors_and_a_resume_keeps_every_record(tmp_path: Path, tagger) -> None:
    rows = [{"id": 1, "text": SENTENCES[0]}, {"id": 2, "text": SENTENCES[1]}, {"id": 1, "text": SENTENCES[2]}]
    rows += [{"id": "1", "text": SENTENCES[3]}, {"id": 3, "text": SENTENCES[4]}, {"id": 2, "text": SENTENCES[0]}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    result = annotate(str(src), "--out", str(out))
    assert result.exit_code == 0 and "3 of them duplicate ids" in result.output
    full = records(out)
    assert [r["id"] for r in full] == ["1", "2", "1", "1", "3", "2"]
    assert codes(full) == [None, None, "duplicate_id", "duplicate_id", None, "duplicate_id"]
    assert [r["source"]["line"] for r in full] == [1, 2, 3, 4, 5, 6]
    assert "line 1" in full[2]["error"]["message"]  # says where the id was first used
    for keep in range(0, 6):
        lines = out.read_text(encoding="utf-8").splitlines()
        out.write_text("".join(line + "\n" for line in lines[:keep]), encoding="utf-8")
        out.write_text(out.read_text(encoding="utf-8") + '{"id": "torn', encoding="utf-8") if keep == 3 else None
        assert annotate(str(src), "--out", str(out), "--resume").exit_code == 0
        assert records(out) == full, f"resumed after {keep} records"


# ------------------------------------------------------------------------------------------------ outputs


def test_out_that_is_an_input_or_a_directory_is_refused_before_any_work(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "same.jsonl", [{"id": "x", "text": SENTENCES[0]}])
    before = src.read_bytes()
    result = annotate(str(src), "--out", str(src))
    assert result.exit_code == 2 and "also an input" in result.output
    assert src.read_bytes() == before
    link = tmp_path / "alias.jsonl"
    link.symlink_to(src)
    assert annotate(str(src), "--out", str(link)).exit_code == 2 and src.read_bytes() == before
    result = annotate(str(src), "--out", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.output
    result = annotate(str(src), "--out", str(tmp_path / "notes.txt"))
    assert result.exit_code == 2 and "article suffix" in result.output


def test_a_second_writer_on_the_same_out_fails_fast(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "x", "text": SENTENCES[0]}])
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "kept", "text": "", "spans": [], "attributions": []}\n', encoding="utf-8")
    before = out.read_bytes()
    with JsonlWriter(out, resume=True):  # another run holding the output
        for extra in ([], ["--resume"]):
            result = annotate(str(src), "--out", str(out), *extra)
            assert result.exit_code == 2 and "being written by another annotator run" in result.output
            assert out.read_bytes() == before


def test_resume_repairs_a_torn_line_in_the_middle_and_redoes_its_input(tmp_path: Path, tagger) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"n{i}", "text": s} for i, s in enumerate(SENTENCES)])
    out = tmp_path / "out.jsonl"
    assert annotate(str(src), "--out", str(out)).exit_code == 0
    full = records(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join([lines[0], lines[1][:40], lines[2]]) + "\n", encoding="utf-8")  # two writers' leftovers
    result = annotate(str(src), "--out", str(out), "--resume")
    assert result.exit_code == 0 and "dropped 1 unreadable line" in result.output
    assert sorted(r["id"] for r in records(out)) == sorted(r["id"] for r in full)
    assert {r["id"]: r for r in records(out)} == {r["id"]: r for r in full}


def test_parquet_in_and_out_with_resume(tmp_path: Path, tagger) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"doc": ["p1", "p2", "p3"], "body": SENTENCES[:3], "headline": ["One", "Two", "Three"]})
    src = tmp_path / "in.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out.parquet"
    args = [str(src), "--out", str(out), "--id-field", "doc", "--text-field", "body", "--title-field", "headline"]
    assert annotate(*args).exit_code == 0
    got = list(read_records(out))
    assert [r["id"] for r in got] == ["p1", "p2", "p3"] and [r["title"] for r in got] == ["One", "Two", "Three"]
    assert [r["source"]["row"] for r in got] == [0, 1, 2] and all(r["spans"] for r in got)
    assert not Path(str(out) + ".partial.jsonl").exists()
    # an interrupted Parquet job leaves its journal; --resume finishes it without redoing written rows
    journal = Path(str(out) + ".partial.jsonl")
    journal.write_text(json.dumps(got[0], ensure_ascii=False) + "\n", encoding="utf-8")
    out.unlink()
    result = annotate(*args, "--resume")
    assert result.exit_code == 0 and "1 skipped" in result.output
    assert list(read_records(out)) == got and not journal.exists()


def test_stdin_and_fail_on_error(tmp_path: Path, tagger) -> None:
    out = tmp_path / "out.jsonl"
    stdin = json.dumps({"id": "s1", "text": SENTENCES[0]}) + "\n{broken\n"
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", "annotate", "-", "--out", str(out), "-q", "--fail-on-error"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stderr
    got = records(out)
    assert codes(got) == [None, "bad_json"] and got[0]["source"] == {"path": "-", "line": 1}


# ------------------------------------------------------------------------------------------------- inputs


def test_unterminated_csv_quote_is_one_bad_row_and_the_next_rows_are_kept(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    rows = ['1,"The mayor said the vote was delayed."', '2,"An unterminated quote starts here']
    rows += ["3,Officials said nothing.", '4,"Police said two people were hurt."']
    src.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    items = list(iter_inputs([src]))
    assert [(i.id, getattr(i, "code", None)) for i in items] == [("1", None), ("in.csv:3", "bad_csv"), ("3", None), ("4", None)]
    assert items[2].text == "Officials said nothing." and items[2].source.line == 4
    src.write_text('id,text\n1,a "quoted" word\n2,"ok, ""fine"""\n3,x,y\n4,"closed" then text\n5,last\n', encoding="utf-8")
    items = list(iter_inputs([src]))
    got = [(i.id, getattr(i, "code", None)) for i in items]
    assert got == [("1", None), ("2", None), ("in.csv:4", "bad_csv"), ("in.csv:5", "bad_csv"), ("5", None)]
    assert items[0].text == 'a "quoted" word' and items[1].text == 'ok, "fine"'


def test_encodings_formats_and_links_each_get_a_clear_record(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    text = "Die Bürgermeisterin sagte, die Brücke sei sicher. The mayor said the bridge was safe."
    (d / "utf16.txt").write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    (d / "bom8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (d / "report.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    (d / "memo.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (d / "photo.png").write_bytes(b"\x89PNG")  # named in the error: people drop images into folders
    (d / "notes.md").write_text("not read", encoding="utf-8")  # other types are counted, not read
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    (d / "loop").symlink_to(d)
    items = list(iter_inputs([d, "https://example.org/story.html", str(tmp_path / "paper.pdf")]))
    got = {i.id: (i.code if isinstance(i, RecordError) else i.text) for i in items}
    assert got["utf16"] == text and got["bom8"] == text
    assert got["report"] == got["memo"] == got["photo"] == "unsupported_format"
    assert got["dangling"] == "broken_link" and got["loop"] == "symlink_loop"
    assert got["story"] == "unsupported_format" and got["paper"] == "unsupported_format"
    assert "notes" not in got
    assert all(i.source is not None for i in items)


def test_html_keeps_title_and_date_and_the_main_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Ferry fares rise</title><meta property='article:published_time' content='2026-04-02'></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Ferry fares rise</h1>"
        "<p>Fares on the island ferry will rise by a tenth in May, the operator said in a statement on Tuesday.</p>"
        "<p>Passenger groups said the increase would hit commuters hardest, and asked the council to step in.</p>"
        "</article><footer>Copyright 2026 The Example Gazette</footer></body></html>",
        encoding="utf-8",
    )
    (item,) = iter_inputs([page])
    assert isinstance(item, Article)
    assert item.meta["title"] == "Ferry fares rise" and item.meta["date"] == "2026-04-02"
    assert "the operator said in a statement" in item.text and "Copyright" not in item.text and "Home" not in item.text


def test_input_counts_for_the_progress_bar(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [{"id": i, "text": "x"} for i in range(7)])
    (tmp_path / "dir").mkdir()
    for i in range(3):
        (tmp_path / "dir" / f"{i}.txt").write_text("x", encoding="utf-8")
    assert count_inputs([str(tmp_path / "a.jsonl"), str(tmp_path / "dir")]) == 10
    assert count_inputs(["-"]) is None


def test_a_huge_article_is_processed_alone() -> None:
    small = [Article(f"s{i}", "x" * 100) for i in range(5)]
    huge = Article("huge", "x" * 1_000_000)
    chunks = list(chunked(iter(small[:2] + [huge] + small[2:]), size=16, max_chars=400_000))
    assert [[a.id for a in c] for c in chunks] == [["s0", "s1"], ["huge"], ["s2", "s3", "s4"]]


# ------------------------------------------------------------------------------------------- clear errors


def test_a_truncated_model_gives_one_line_naming_the_file(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    shipped = ROOT / "models" / "attribution-minilm"
    for f in shipped.iterdir():
        if f.is_file():
            (model / f.name).write_bytes(f.read_bytes()[:4096] if f.name == "model.safetensors" else f.read_bytes())
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "x", "text": SENTENCES[0]}])
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", "annotate", str(src), "--out", str(tmp_path / "o.jsonl"), "--model", str(model)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and "model.safetensors" in error_lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_report_escapes_every_field_of_a_foreign_file(tmp_path: Path) -> None:
    from annotator.report import write_report

    evil = '<img src=x onerror="alert(1)">'
    rec = {
        "id": "x",
        "text": "Mayor Ortiz said so.",
        "spans": [{"id": "s1", "start": 0, "end": 11, "label": evil, "text": "Mayor Ortiz", "score": 1.0}],
        "attributions": [],
        "sources": [],
        "claims": [],
        "score": {"overall": evil, "components": {}, "flags": [], "reasons": []},
    }
    src = write_jsonl(tmp_path / "foreign.jsonl", [rec])
    page_path = tmp_path / "r.html"
    write_report(src, page_path)
    page = page_path.read_text(encoding="utf-8")
    assert "<img" not in page and 'onerror="alert' not in page
    assert str(escape(evil)) in page  # escaped by the template (markupsafe), not dropped


# ------------------------------------------------------------------------------------------- kill and resume


@pytest.mark.slow
def test_killed_runs_resume_to_the_same_output(tmp_path: Path, tagger) -> None:
    """SIGKILL a real `annotate` run mid-way (several times), resume each, and compare with an uninterrupted run."""
    rng = random.Random(5)
    rows = [{"id": f"a{i}", "text": " ".join(rng.sample(SENTENCES, 3))} for i in range(30)]
    rows.insert(12, {"id": "a3", "text": SENTENCES[0]})  # a duplicate id inside the run
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    full = tmp_path / "full.jsonl"
    assert annotate(str(src), "--out", str(full), "--chunk-size", "2").exit_code == 0
    expected = records(full)
    assert len(expected) == 31 and codes(expected).count("duplicate_id") == 1
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "annotator", "annotate", str(src), "--out", str(out), "-q", "--chunk-size", "2"]
    kills = 0
    for attempt in range(6):
        proc = subprocess.Popen(cmd + (["--resume"] if attempt else []), stderr=subprocess.DEVNULL, start_new_session=True)
        start = len(records(out)) if out.exists() else 0
        deadline = time.time() + 120
        while proc.poll() is None and time.time() < deadline:
            if out.exists() and out.stat().st_size and len(out.read_bytes().splitlines()) >= start + 3:
                os.killpg(proc.pid, signal.SIGKILL)
                kills += 1
                break
            time.sleep(0.05)
        proc.wait()
        if proc.returncode == 0:
            break
    assert kills >= 2
    assert subprocess.run(cmd + ["--resume"], stderr=subprocess.DEVNULL).returncode == 0
    assert records(out) == expected


def test_parquet_shards_split_by_rows_and_resume_from_the_shards(tmp_path: Path) -> None:
    """ShardedParquetWriter: records in input order across shards; a later --resume run reads them back, skips
    them, and rewrites the directory with the new records added (no other file may sit in the directory)."""
    from annotator.outputs import OutputError, ShardedParquetWriter, check_output, read_records

    out = tmp_path / "shards"
    records = [{"id": f"r{i}", "text": f"Story {i}.", "spans": [], "attributions": [], "source": {"path": f"/x/{i}.txt"}} for i in range(7)]
    writer = ShardedParquetWriter(out)
    writer.shard_rows = 3
    for r in records[:5]:
        writer.write(r)
    writer.close()
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    assert [r["id"] for r in read_records(out)] == [f"r{i}" for i in range(5)]
    again = ShardedParquetWriter(out, resume=True)
    again.shard_rows = 3
    assert len(again.done) == 5
    for r in records[5:]:
        again.write(r)
    again.close()
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert [r["id"] for r in read_records(out)] == [f"r{i}" for i in range(7)]
    (out / "notes.txt").write_text("ours", encoding="utf-8")
    with pytest.raises(OutputError, match="not Parquet shards of ours"):
        check_output(f"{out}/", [])
