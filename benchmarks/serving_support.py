"""What the serving benchmarks share: the corpus build, the servers they start, the queries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

PREFIXES = (
    "PREFIX pg: <https://w3id.org/plangraph/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
)

#: The query kinds of issue 14's comparison (every server gets the same text, prefixes declared).
QUERIES: dict[str, tuple[str, str]] = {
    "SELECT … LIMIT 10": ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10", "application/sparql-results+json"),
    "COUNT … GROUP BY over all": (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "application/sparql-results+json",
    ),
    "2-hop join + FILTER(CONTAINS)": (
        "SELECT ?p ?name ?park ?parkName WHERE { ?p a pg:Project ; rdfs:label ?name ; pg:locatedIn ?park . "
        '?park rdfs:label ?parkName FILTER(CONTAINS(?name, "产业")) }',
        "application/sparql-results+json",
    ),
    "7 OPTIONALs": (
        "SELECT * WHERE { ?m a pg:Mention OPTIONAL { ?m pg:document ?d } OPTIONAL { ?m pg:line ?l } "
        "OPTIONAL { ?m pg:start ?s } OPTIONAL { ?m pg:end ?e } OPTIONAL { ?m pg:quote ?q } "
        "OPTIONAL { ?x pg:mention ?m } OPTIONAL { ?d dcterms:title ?t } }",
        "application/sparql-results+json",
    ),
    "CONSTRUCT 10k triples": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10000", "text/turtle"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_build(given: str | None) -> Path:
    """The build to serve: the one given, else a fresh build of the bundled corpus (no validation)."""
    if given:
        return Path(given)
    from plangraph import pipeline
    from plangraph.settings import get_settings

    out = Path(tempfile.mkdtemp(prefix="plangraph-serve-bench-")) / "build"
    report = pipeline.build([get_settings().corpus_dir], out, progress=False, validate=False)
    if not report.ok:
        sys.exit("benchmark build failed: " + "; ".join(report.problems))
    return out


def wait_up(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"a benchmark server exited with status {process.returncode}")
        try:
            response = httpx.post(f"http://127.0.0.1:{port}/sparql", data={"query": "ASK {}"}, timeout=5)
            if response.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"a benchmark server on port {port} did not start")


@contextmanager
def server(kind: str, build: Path, in_memory: bool = False, **settings: str) -> Iterator[int]:
    """``plangraph``, ``bare`` or ``rdflib`` serving ``build`` on a free loopback port."""
    port = free_port()
    env = dict(os.environ)
    if kind == "plangraph":
        env["PLANGRAPH_STORE_IN_MEMORY"] = "true" if in_memory else "false"
        env.update({f"PLANGRAPH_{k.upper()}": v for k, v in settings.items()})
        command = [sys.executable, "-m", "plangraph.cli", "serve", "--build", str(build), "--port", str(port)]
    else:
        command = [sys.executable, str(BENCH_DIR / "peers.py"), kind, str(build), str(port)]
        command += ["--in-memory"] if in_memory else []
    with open(os.devnull, "w") as quiet:
        process = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)
    try:
        wait_up(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
