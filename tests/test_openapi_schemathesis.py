"""Schemathesis against the OpenAPI description of a live `plangraph serve` (loopback): every
answer is documented (status, content type, headers, schema) and none is a server error. Bounded:
a few examples per operation, so the whole run stays within seconds.

One default check is left out: "schema-valid data is accepted". A SPARQL query is a string to
OpenAPI; most strings schemathesis makes are not SPARQL, and the endpoint rightly answers 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from web_support import SAVED_QUERIES, LiveServer, live_server, make_build  # noqa: E402

#: Examples generated per operation (the campaign of issue 9 ran 28,500 in all; this is a guard).
EXAMPLES = 12


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    build = make_build(Path(tmp_path_factory.mktemp("schemathesis")))
    with live_server(build, query_timeout="3", queries_dir=str(SAVED_QUERIES), query_workers="2") as s:
        yield s


def _operations(server: LiveServer) -> list:  # type: ignore[type-arg]
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.live
def test_every_answer_is_documented_and_none_is_a_server_error(server: LiveServer) -> None:
    operations = _operations(server)
    labels = {op.label for op in operations}
    assert {"GET /sparql", "POST /sparql", "GET /api/search", "GET /api/export"} <= labels

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(base_url=server.url, excluded_checks=[checks.positive_data_acceptance])

        check()


def test_the_description_lists_every_status_of_the_endpoint(server: LiveServer) -> None:
    import httpx

    spec = httpx.get(server.url + "/openapi.json").json()
    statuses = set(spec["paths"]["/sparql"]["post"]["responses"])
    assert {"200", "204", "303", "400", "401", "403", "413", "415", "503"} <= statuses
    for path in ("/api/search", "/api/entity", "/api/industry"):
        assert {"400", "503"} <= set(spec["paths"][path]["get"]["responses"]), path
