"""Helpers of the web and protocol tests: fixture builds and a live `plangraph serve` on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

FIXTURES = Path(__file__).parent / "fixtures" / "web"
MINI_TRIG = FIXTURES / "mini.trig"
PROTOCOL_TRIG = FIXTURES / "protocol.trig"
SAVED_QUERIES = FIXTURES / "queries"

ID = "https://w3id.org/plangraph/id/"
DOC = ID + "doc/210800/plan/2016-2020"
PROJECT_STEEL = ID + "project/210800/d5295e019031"
PROJECT_PORT = ID + "project/210800/081ba290e20d"
PARK = ID + "park/210800/89d139b5c80a"
NEW_MATERIALS = ID + "industry/new-materials"
FINE_STEEL = ID + "industry/fine-steel"
MENTION_PORT_SENTENCE = DOC + "/mention/211-257"

#: A query that runs for many minutes on any data: 100^5 rows to count (pyoxigraph counts about
#: 10 million a second, so some 15 minutes).
ENDLESS_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5))
    + " }"
)


def make_build(folder: Path, trig: Path = MINI_TRIG) -> Path:
    """A build directory holding ``trig`` as plangraph.trig, its on-disk store (as `plangraph build`
    writes it, with the union default graph) and the fixture sources."""
    from plangraph.store import STORE_NAME, write_store

    build = folder / "build"
    (build / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(trig, build / "plangraph.trig")
    if not (build / STORE_NAME).exists():
        write_store(build / "plangraph.trig", build / STORE_NAME)
    for source in (FIXTURES / "sources").iterdir():
        shutil.copyfile(source, build / "sources" / source.name)
    return build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, url: str, process: subprocess.Popen):
        self.url = url
        self.process = process

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"


@contextmanager
def live_server(build: Path, extra_args: tuple[str, ...] = (), **settings: str) -> Iterator[LiveServer]:
    """`plangraph serve` in a subprocess on a free loopback port; always stopped afterwards.

    ``settings`` become ``PLANGRAPH_<NAME>`` environment variables (e.g. query_timeout="2").
    """
    port = free_port()
    env = dict(os.environ)
    env.update({f"PLANGRAPH_{k.upper()}": str(v) for k, v in settings.items()})
    command = [sys.executable, "-m", "plangraph.cli", "serve", "--build", str(build)]
    command += ["--host", "127.0.0.1", "--port", str(port), *extra_args]
    # The log goes to a file, not a pipe: a pipe nobody reads would fill up and block the server.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, url, log)
            yield LiveServer(url, process)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _wait_until_up(process: subprocess.Popen, url: str, log: IO[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"plangraph serve exited:\n{log.read()}")
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"plangraph serve did not start within {timeout:.0f} s")
        time.sleep(0.1)
