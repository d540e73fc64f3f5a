"""The temporary Prefect server of a command run with no Prefect server configured.

Prefect starts one itself when PREFECT_API_URL is unset, but when its parent is killed with
SIGKILL that server keeps running for good (adopted by init; about 190 MB each). presswatch
starts it instead, with Prefect's own `prefect server start` on a free loopback port, through the
lifeline so that it dies with the command, and points the command's flow runs at it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

from presswatch import lifeline

MIN_STARTUP_SECONDS = 60  # a first start migrates the database: 9 s on a slow 2-core VM
PORT_ATTEMPTS = 3  # a free port can be taken by someone else before the server binds it
DRAIN_SECONDS = 10  # for the queued logs and events of the block's last runs


@contextlib.contextmanager
def local_flow_runs() -> Iterator[None]:
    """Flow runs started inside report to the configured Prefect server; with none configured,
    to a temporary one that lives as long as this block and dies with this process. No one can
    read a temporary server's heartbeats, whose thread holds the end of every run for up to a
    second (it sleeps in 1 s steps): they are off there. With a server, Prefect's setting stands.
    """
    from prefect.settings import get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url:
        yield
        return
    timeout = max(MIN_STARTUP_SECONDS, settings.server.ephemeral.startup_timeout_seconds)
    with (
        temporary_server(timeout) as api_url,
        temporary_settings(updates={"api.url": api_url, "flows.heartbeat_frequency": None}),
    ):
        try:
            yield
        finally:
            _drain_clients()


def _drain_clients() -> None:
    """Send the logs and events still queued while their server lives: sent after it stops,
    each waits out a connection timeout (7 s apiece) at the command's exit."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    with contextlib.suppress(RuntimeError):  # no log worker was started
        APILogWorker.drain_all(timeout=DRAIN_SECONDS)
    EventsWorker.drain_all(timeout=DRAIN_SECONDS)


@contextlib.contextmanager
def temporary_server(timeout: float) -> Iterator[str]:
    """A Prefect API server (no UI, no background services) for this block; yields its URL."""
    with tempfile.TemporaryFile() as output:
        process, api_url = _start(output, timeout)
        try:
            yield api_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(output, timeout: float) -> tuple[subprocess.Popen, str]:
    for _ in range(PORT_ATTEMPTS):
        port = _free_port()
        argv = [sys.executable, "-m", "prefect", "server", "start", "--no-ui", "--no-services",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "ERROR"]  # fmt: skip
        # A session of its own: a signal for the command's process group (Ctrl-C, `timeout`)
        # reaches the command, which then stops the server after its last API calls.
        process = subprocess.Popen(
            lifeline.command(argv), stdin=subprocess.DEVNULL, stdout=output, stderr=output,
            start_new_session=True,
        )  # fmt: skip
        api_url = f"http://127.0.0.1:{port}/api"
        if _wait_healthy(process, api_url, timeout):
            return process, api_url
        if process.poll() is None:  # still starting after `timeout`: give up
            process.kill()
            process.wait()
            break
    output.seek(0)
    said = output.read().decode(errors="replace").strip()[-2000:]
    raise RuntimeError(
        f"the temporary Prefect server did not start within {timeout:.0f} s"
        f"{': ' + said if said else ''}. Start one yourself (`prefect server start`) and set "
        "PREFECT_API_URL, or raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS."
    )


def _wait_healthy(process: subprocess.Popen, api_url: str, timeout: float) -> bool:
    """True once the server answers; False when it exited (a port taken) or `timeout` passed."""
    import httpx

    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{api_url}/health").status_code == 200:
                    return True
            time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
