"""A real, throwaway Label Studio server for the test session (a pytest plugin; tests/conftest.py loads it).

* The server lives in its own venv, built by ``scripts/labelstudio.sh install`` when missing (the tests
  skip, saying why, only when that build fails).
* A migrated template data dir is built once per Label Studio version under ``~/.cache/annotator/``
  (``label-studio init``, ~40 s), into a temporary name that is renamed when complete, so an interrupted
  build never leaves a half-migrated template. Each session copies it (~3 s start instead of ~35 s).
* The session server is started and stopped through ``scripts/labelstudio.sh`` on a free 127.0.0.1 port
  with a cleaned environment; teardown stops it and kills it if it does not stop.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "labelstudio.sh"
LS_VERSION = "1.23.2"
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "Annotator-tests-1"
LEGACY_TOKEN = "annotator-test-legacy-token-5f1c"  # only in throwaway test data dirs
CACHE = Path(os.environ.get("ANNOTATOR_CACHE", Path.home() / ".cache" / "annotator"))
STRIPPED_ENV = ("HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN", "DEBUG", "LOG_LEVEL", "SECRET_KEY")


def ls_venv() -> Path:
    return Path(os.environ.get("ANNOTATOR_LS_VENV", CACHE / "ls-venv"))


def server_env(data_dir: Path) -> dict[str, str]:
    """The environment without anything Label Studio would pick up by accident (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if k not in STRIPPED_ENV and not k.startswith(("LABEL_STUDIO_", "HEARTEX_", "DJANGO_")) and k != "PYTHONPATH"}
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        SENTRY_DSN="",
        FRONTEND_SENTRY_DSN="",
        LATEST_VERSION_CHECK="false",
        COLLECT_ANALYTICS="false",
    )
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LabelStudioServer:
    url: str
    data_dir: Path
    legacy_token: str
    pid: int

    def env(self, api_key: str) -> dict[str, str]:
        """Environment for the project's own commands talking to this server."""
        return {"LABEL_STUDIO_URL": self.url, "LABEL_STUDIO_API_KEY": api_key}


@pytest.fixture(scope="session")
def ls_binary() -> Path:
    """The ``label-studio`` executable of the server venv, built by the project script if missing."""
    exe = ls_venv() / "bin" / "label-studio"
    proc = subprocess.run([str(SCRIPT), "install"], capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0 or not exe.exists():
        reason = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        pytest.skip(f"the Label Studio server venv cannot be built in {ls_venv()}: {' / '.join(reason)}")
    return exe


@pytest.fixture(scope="session")
def ls_template(ls_binary: Path) -> Path:
    """A migrated data dir with an admin and a legacy token, built once and cached across sessions."""
    template = CACHE / f"ls-template-{LS_VERSION}"
    if (template / ".complete").exists():
        return template
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f".ls-template-{LS_VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two sessions at once: the second waits and reuses the first's build
        if (template / ".complete").exists():
            return template
        building = CACHE / f".ls-template-{LS_VERSION}.building-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        cmd = [
            str(ls_binary), "init", "--data-dir", str(building), "--username", ADMIN_EMAIL, "--password", ADMIN_PASSWORD,
            "--user-token", LEGACY_TOKEN, "--enable-legacy-api-token", "-q",
        ]  # fmt: skip
        proc = subprocess.run(cmd, env=server_env(building), capture_output=True, text=True, timeout=900, cwd=str(CACHE))
        if proc.returncode != 0 or not (building / "label_studio.sqlite3").exists():
            shutil.rmtree(building, ignore_errors=True)
            pytest.fail(f"label-studio init failed ({proc.returncode}): {(proc.stderr or proc.stdout)[-2000:]}")
        (building / ".complete").write_text(f"label-studio {LS_VERSION}\n")
        shutil.rmtree(template, ignore_errors=True)
        os.rename(building, template)
    return template


@pytest.fixture(scope="session")
def ls_server(ls_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """A running server on a copy of the template; stopped (and killed if need be) at the end of the session."""
    data = tmp_path_factory.mktemp("labelstudio") / "data"
    shutil.copytree(ls_template, data, symlinks=True)
    (data / ".complete").unlink(missing_ok=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "ANNOTATOR_LS_PASSWORD"))}
    proc = subprocess.run([str(SCRIPT), "start", "--data-dir", str(data), "--port", str(port)], env=env, capture_output=True, text=True, timeout=300)
    pid_file = data / "annotator-ls.pid"
    if proc.returncode != 0:
        log = (data / "annotator-ls.log").read_text(errors="replace")[-3000:] if (data / "annotator-ls.log").exists() else ""
        pytest.fail(f"scripts/labelstudio.sh start failed: {proc.stderr[-2000:]}\n{log}")
    url = proc.stdout.strip().splitlines()[-1]
    pid = int(pid_file.read_text())
    try:
        yield LabelStudioServer(url=url, data_dir=data, legacy_token=LEGACY_TOKEN, pid=pid)
    finally:
        subprocess.run([str(SCRIPT), "stop", "--data-dir", str(data)], env=env, capture_output=True, text=True, timeout=60)
        _kill(pid)


def _kill(pid: int) -> None:
    """SIGKILL the server process if the script's stop left it running (only this pid)."""
    for _ in range(60):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.25)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def ls_pat(ls_server: LabelStudioServer) -> str:
    """A personal access token (JWT), as real 1.23 users have, minted by ``scripts/labelstudio.sh token``."""
    proc = subprocess.run([str(SCRIPT), "token", "--data-dir", str(ls_server.data_dir)], capture_output=True, text=True, timeout=120)
    key_file = ls_server.data_dir / "annotator-api-key"
    if proc.returncode != 0 or not key_file.exists():
        pytest.fail(f"scripts/labelstudio.sh token failed: {proc.stderr[-1000:]}")
    return key_file.read_text().strip()


@pytest.fixture()
def ls_client(ls_server: LabelStudioServer, ls_pat: str):
    """The project's client, connected with the personal access token."""
    from annotator.labelstudio.client import connect

    return connect(ls_server.url, ls_pat, retries=2, backoff=0.2)
