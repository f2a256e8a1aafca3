"""A plain (non-editable) `pip install .` into a fresh virtual environment carries the configs, lexicons,
templates and the shipped model: `annotator score` works from a directory outside the checkout."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_a_wheel_installed_into_a_fresh_venv_scores_from_any_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)])
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(wheels.glob("annotator-*.whl"))
    venv = tmp_path / "venv"
    made = _run([str(Path(sys.base_prefix) / "bin" / "python3"), "-m", "venv", str(venv)])
    if made.returncode != 0:
        pytest.skip(f"cannot create a virtual environment here: {made.stderr.strip()[:200]}")
    python = venv / "bin" / "python"
    # The heavy dependencies (torch, transformers, ...) come from this environment's site-packages as a plain path
    # entry; .pth files there (such as the editable install's finder) are not processed, so only the wheel provides
    # the annotator package.
    venv_site = _run([str(python), "-c", "import site; print(site.getsitepackages()[0])"]).stdout.strip()
    Path(venv_site, "deps.pth").write_text(site.getsitepackages()[0] + "\n", encoding="utf-8")
    installed = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)])
    assert installed.returncode == 0, installed.stderr[-2000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "story.txt").write_text(
        "Bridge repairs will run into the spring.\n\n"
        'The county engineer, Dana Whitfield, said the repairs would take four months. "We found more rust than '
        'expected," Whitfield said. A spokesperson for the contractor said the crews were ready.\n',
        encoding="utf-8",
    )
    scored = _run([str(venv / "bin" / "annotator"), "score", "story.txt", "--out", "out.jsonl", "--report", "report.html", "--quiet"], cwd=elsewhere)
    assert scored.returncode == 0, scored.stderr[-2000:]
    probe = "import annotator, annotator.resources as r; print(annotator.__file__); print(r.configs_dir()); print(r.models_dir())"
    where = _run([str(python), "-c", probe], cwd=elsewhere)
    package_file, configs, models = where.stdout.split()
    assert Path(package_file).is_relative_to(venv) and Path(configs).is_relative_to(venv) and Path(models).is_relative_to(venv)
    record = json.loads((elsewhere / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "error" not in record and record["score"]["components"]
    assert any(s["type"] == "NAMED_PERSON" for s in record["sources"])
    page = (elsewhere / "report.html").read_text(encoding="utf-8")
    assert "Dana Whitfield" in page
    assert 'id="sources-evidence"' in page  # the model's measured sources table ships with it
