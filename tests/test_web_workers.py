"""The query engine: worker processes that can be killed, replaced, and kept consistent."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from plangraph.settings import Settings
from plangraph.web.sparql import sparql_router
from plangraph.web.workers import EngineUnavailable, Job, QueryEngine, QueryTimeout
from web_support import ENDLESS_QUERY, make_build


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("workers"))


def count_projects(engine: QueryEngine) -> int:
    async def run() -> int:
        rows = await engine.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pg:Project }")
        return int(rows[0]["n"]["value"])

    return asyncio.run(run())


def test_a_timed_out_worker_is_replaced_and_replays_the_updates(build: Path) -> None:
    settings = Settings(query_timeout=1.0, query_workers=1, allow_updates=True, update_token="t")

    async def scenario() -> None:
        engine = QueryEngine(build, settings)
        await engine.start()
        try:
            first_pid = engine.describe()["pids"][0]
            update = Job("update", "INSERT DATA { GRAPH <urn:x:g> { <urn:x:p> a pg:Project } }")
            assert (await engine.run(update)).status == 204
            started = time.monotonic()
            with pytest.raises(QueryTimeout):
                await engine.run(Job("query", ENDLESS_QUERY))
            assert time.monotonic() - started < 3
            rows = await engine.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pg:Project }")
            assert rows[0]["n"]["value"] == "3"  # the fixture's two and the inserted one
            state = engine.describe()
            assert state["pids"] != [first_pid] and state["replaced_workers"] == 1
        finally:
            await engine.stop()

    asyncio.run(scenario())


def test_parallel_queries_use_both_workers(build: Path) -> None:
    async def scenario() -> None:
        engine = QueryEngine(build, Settings(query_timeout=1.0, query_workers=2))
        await engine.start()
        try:
            started = time.monotonic()
            endless = asyncio.create_task(engine.run(Job("query", ENDLESS_QUERY)))
            await asyncio.sleep(0.2)
            quick_started = time.monotonic()
            rows = await engine.select("SELECT ?p WHERE { ?p a pg:Park }")
            assert time.monotonic() - quick_started < 0.5 and len(rows) == 1
            with pytest.raises(QueryTimeout):
                await endless
            assert 0.9 < time.monotonic() - started < 3
        finally:
            await engine.stop()

    asyncio.run(scenario())


def test_a_worker_that_dies_is_replaced(build: Path) -> None:
    async def scenario() -> None:
        engine = QueryEngine(build, Settings(query_workers=1))
        await engine.start()
        try:
            os.kill(engine.describe()["pids"][0], signal.SIGKILL)
            outcome = await engine.run(Job("query", "ASK {}", format="json"))
            assert outcome.status == 503 and "worker stopped" in outcome.message
            deadline = time.monotonic() + 30
            while engine.describe()["workers"] < 1:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)
            assert (await engine.run(Job("query", "ASK {}"))).status == 200
        finally:
            await engine.stop()

    asyncio.run(scenario())


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = QueryEngine(tmp_path / "nothing", Settings(query_workers=1))
        with pytest.raises(EngineUnavailable, match="no built graph"):
            await engine.start()
        assert engine.describe()["workers"] == 0

    asyncio.run(scenario())


def test_on_disk_store_read_only(tmp_path: Path, build: Path) -> None:
    from plangraph.store import write_store

    on_disk = tmp_path / "build"
    on_disk.mkdir()
    write_store(build / "plangraph.trig", on_disk / "store")
    engine = QueryEngine(on_disk, Settings(store_in_memory=False, query_workers=1))
    assert not engine.in_memory
    assert count_projects(engine) == 2
    asyncio.run(engine.stop())


def test_the_router_mounts_in_another_app(build: Path) -> None:
    """Library use: a host app of its own, the endpoint at its own path, the engine started lazily."""
    engine = QueryEngine(build, Settings(query_workers=1))
    host = FastAPI()
    host.include_router(sparql_router(engine, path="/kg/query"))
    try:
        with TestClient(host) as client:
            response = client.get("/kg/query", params={"query": "SELECT ?p WHERE { ?p a pg:Park }"})
            assert response.status_code == 200 and len(response.json()["results"]["bindings"]) == 1
            description = client.get("/kg/query")
            assert "<http://testserver/kg/query>" in description.text
            assert client.get("/sparql").status_code == 404
    finally:
        asyncio.run(engine.stop())
