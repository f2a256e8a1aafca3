"""The one place that talks to a Label Studio server (through ``label-studio-sdk`` 2.x).

Why a wrapper: the SDK raises a mix of ``httpx`` transport errors and ``ApiError`` (whose ``str`` dumps
headers), retries POSTs on 5xx by itself (which could import a batch twice), and reads its default key
from the environment at import time. Here every call goes through :meth:`LabelStudioClient.call`, which
retries transient failures with exponential backoff, and turns every failure into a
:class:`LabelStudioError` with a message a user can act on. The API key is kept out of ``repr``,
messages and logs.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:8089"
TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}


class LabelStudioError(RuntimeError):
    """A failure talking to Label Studio; ``kind`` is one of: config, unreachable, timeout, auth, server, request, missing."""

    def __init__(self, message: str, kind: str = "request", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class Connection:
    """Where the server is and how to authenticate; the key never shows in ``repr`` or messages."""

    url: str
    api_key: str = field(repr=False)
    timeout: float = 30.0
    retries: int = 3  # extra attempts after the first one, for transient failures only
    backoff: float = 1.0  # seconds before the first retry; doubles each time

    @classmethod
    def from_env(
        cls,
        url: str | None = None,
        api_key: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> Connection:
        """Options win over ``LABEL_STUDIO_URL`` / ``LABEL_STUDIO_API_KEY``; the URL defaults to 127.0.0.1:8089."""
        url = (url or os.environ.get("LABEL_STUDIO_URL") or DEFAULT_URL).rstrip("/")
        key = api_key or os.environ.get("LABEL_STUDIO_API_KEY") or ""
        if not key.strip():
            raise LabelStudioError(
                "no Label Studio API key: set LABEL_STUDIO_API_KEY (scripts/labelstudio.sh token writes one to a file) or pass --api-key",
                kind="config",
            )
        if not url.startswith(("http://", "https://")):
            raise LabelStudioError(f"LABEL_STUDIO_URL must start with http:// or https://, got {url!r}", kind="config")
        return cls(url=url, api_key=key.strip(), timeout=timeout, retries=retries, backoff=backoff)


def _detail(body: Any) -> str:
    """The server's human-readable reason from an error body, shortened."""
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("detail", "message", "error", "validation_errors") if body.get(key)]
        if parts:
            return "; ".join(parts)[:400]
    return str(body)[:400] if body else ""


class LabelStudioClient:
    """A connected SDK client plus the few operations the rounds need."""

    def __init__(self, connection: Connection, sleep: Callable[[float], None] = time.sleep) -> None:
        self.connection = connection
        self.sleep = sleep
        try:
            from label_studio_sdk import LabelStudio
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise LabelStudioError(
                "label-studio-sdk is not installed in this environment: pip install 'label-studio-sdk==2.1.2' (or pip install -e '.[labelstudio]')",
                kind="config",
            ) from exc
        # The SDK's own retries are off (max_retries=0): a retried import could create duplicate tasks.
        self.sdk = self.call(
            "connect",
            lambda: LabelStudio(base_url=connection.url, api_key=connection.api_key, timeout=connection.timeout, max_retries=0),
            retry=False,
        )

    def __repr__(self) -> str:
        return f"LabelStudioClient(url={self.connection.url!r})"

    # ------------------------------------------------------------------ error handling
    def _translate(self, what: str, exc: Exception) -> LabelStudioError:
        import httpx
        from label_studio_sdk.core.api_error import ApiError

        url = self.connection.url
        if isinstance(exc, LabelStudioError):
            return exc
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return LabelStudioError(
                f"cannot reach Label Studio at {url} ({what}: connection failed). Is the server running? "
                "Start it with 'scripts/labelstudio.sh start' and check LABEL_STUDIO_URL.",
                kind="unreachable",
            )
        if isinstance(exc, httpx.TimeoutException):
            return LabelStudioError(f"Label Studio at {url} did not answer in {self.connection.timeout:.0f} s ({what})", kind="timeout")
        if isinstance(exc, httpx.TransportError):
            return LabelStudioError(f"network error talking to Label Studio at {url} ({what}): {type(exc).__name__}", kind="unreachable")
        if isinstance(exc, ApiError):
            status, detail = exc.status_code, _detail(exc.body)
            if status in (401, 403):
                return LabelStudioError(
                    f"Label Studio at {url} rejected the API key ({status}: {detail or 'unauthorized'}). "
                    "Check LABEL_STUDIO_API_KEY: use a personal access token from Account & Settings "
                    "(or 'scripts/labelstudio.sh token').",
                    kind="auth",
                    status=status,
                )
            if status is None:
                return LabelStudioError(f"Label Studio client error ({what}): {detail}", kind="config")
            if status == 404:
                return LabelStudioError(f"not found on Label Studio at {url} ({what}): {detail}", kind="missing", status=status)
            if status >= 500:
                return LabelStudioError(f"Label Studio at {url} failed with HTTP {status} ({what}): {detail}", kind="server", status=status)
            return LabelStudioError(f"Label Studio at {url} refused {what} (HTTP {status}): {detail}", kind="request", status=status)
        return LabelStudioError(f"unexpected error talking to Label Studio ({what}): {type(exc).__name__}: {exc}", kind="request")

    def _redact(self, message: str) -> str:
        """Belt and braces: an error text never carries the key, whatever the library put in it."""
        key = self.connection.api_key
        return message.replace(key, "<api key>") if key else message

    @staticmethod
    def transient(err: LabelStudioError) -> bool:
        """Worth retrying: the server was unreachable or answered 408/429/5xx."""
        return err.kind in ("unreachable", "timeout") or (err.status in TRANSIENT_STATUS)

    def call(self, what: str, fn: Callable[[], T], retry: bool = True, before_retry: Callable[[], None] | None = None) -> T:
        """Run ``fn``; transient failures (connection refused, timeouts, 5xx, 429) are retried with exponential
        backoff, up to ``connection.retries`` times. ``before_retry`` runs first (e.g. to re-check what a failed
        import already stored). Everything else fails at once as a :class:`LabelStudioError`."""
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as exc:  # noqa: BLE001 - translated below, nothing swallowed
                err = self._translate(what, exc)
                err.args = (self._redact(str(err.args[0])),)
                if not retry or not self.transient(err) or attempt >= self.connection.retries:
                    if attempt:
                        err.args = (f"{err.args[0]} (gave up after {attempt + 1} attempts)",)
                    raise err from None
                self.sleep(self.connection.backoff * (2**attempt))
                attempt += 1
                if before_retry is not None:
                    before_retry()

    # ------------------------------------------------------------------ operations
    def check(self) -> str:
        """Fails fast on a wrong URL or key; returns the server version."""
        self.call("check the API key", lambda: self.sdk.users.whoami())
        version = self.call("read the server version", lambda: self.sdk.versions.get())
        return str(getattr(version, "release", "") or "")

    def find_project(self, title: str) -> Any | None:
        projects = [p for p in self.call("list projects", lambda: list(self.sdk.projects.list(title=title))) if p.title == title]
        if len(projects) > 1:
            ids = ", ".join(str(p.id) for p in projects)
            raise LabelStudioError(f"several projects are titled {title!r} (ids {ids}); rename all but one", kind="request")
        return projects[0] if projects else None

    def require_project(self, title: str) -> Any:
        project = self.find_project(title)
        if project is None:
            raise LabelStudioError(f"no project titled {title!r}: run 'annotator ls setup --project {shlex.quote(title)}' first", kind="missing")
        return project

    def create_project(self, title: str, label_config: str, description: str = "") -> Any:
        return self.call(
            "create the project",
            lambda: self.sdk.projects.create(title=title, label_config=label_config, description=description),
            retry=False,
        )

    def update_label_config(self, project_id: int, label_config: str) -> Any:
        return self.call("update the labeling config", lambda: self.sdk.projects.update(id=project_id, label_config=label_config))

    def task_ext_ids(self, project_id: int) -> dict[str, list[int]]:
        """Article id (``data.ext_id``) -> task ids already in the project."""

        def fetch() -> dict[str, list[int]]:
            found: dict[str, list[int]] = {}
            for task in self.sdk.tasks.list(project=project_id, fields="task_only"):
                ext = (task.data or {}).get("ext_id")
                if ext is not None:
                    found.setdefault(str(ext), []).append(int(task.id))
            return found

        return self.call("list the project's tasks", fetch)

    def import_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
        """One import request, no retry here: the caller re-checks what is stored before trying again."""
        result = self.call(
            f"import {len(tasks)} tasks", lambda: self.sdk.projects.import_tasks(id=project_id, request=tasks, return_task_ids=True), retry=False
        )
        return list(result.task_ids or [])

    def export_snapshot(self, project_id: int) -> bytes:
        """Full JSON export of every task: predictions inline (not ids) and annotators as objects.

        Uses a snapshot export (synchronous in Community edition), then deletes the snapshot from the server.
        """
        from label_studio_sdk.types import SerializationOptionRequest, SerializationOptionsRequest

        options = SerializationOptionsRequest(
            predictions=SerializationOptionRequest(only_id=False),
            annotations__completed_by=SerializationOptionRequest(only_id=False),
        )
        exports = self.sdk.projects.exports
        snap = self.call("create an export snapshot", lambda: exports.create(project_id, title="annotator pull", serialization_options=options))
        deadline = time.monotonic() + max(60.0, self.connection.timeout * 4)
        status = getattr(snap, "status", None)
        while status not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise LabelStudioError(f"export snapshot {snap.id} still '{status}' after waiting; try again later", kind="server")
            self.sleep(0.3)
            status = self.call("poll the export snapshot", lambda: exports.get(project_id, snap.id)).status
        if status == "failed":
            raise LabelStudioError(f"Label Studio reported export snapshot {snap.id} as failed", kind="server")
        data = self.call("download the export", lambda: b"".join(_chunks(exports.download(project_id, snap.id, export_type="JSON"))))
        try:
            self.call("delete the export snapshot", lambda: exports.delete(project_id, snap.id), retry=False)
        except LabelStudioError:
            pass  # a leftover snapshot on the server is harmless
        return data

    def create_annotation(self, task_id: int, result: list[dict[str, Any]], **fields: Any) -> Any:
        """Store an annotation as an annotator would (used by tests and scripted corrections)."""
        return self.call("create an annotation", lambda: self.sdk.annotations.create(id=task_id, result=result, **fields), retry=False)


def _chunks(stream: Iterable[bytes] | bytes) -> Iterable[bytes]:
    return [stream] if isinstance(stream, bytes) else stream


def connect(url: str | None = None, api_key: str | None = None, timeout: float = 30.0, retries: int = 3, backoff: float = 1.0) -> LabelStudioClient:
    """A client for the server at ``url`` / ``$LABEL_STUDIO_URL`` with ``api_key`` / ``$LABEL_STUDIO_API_KEY``."""
    return LabelStudioClient(Connection.from_env(url, api_key, timeout=timeout, retries=retries, backoff=backoff))
