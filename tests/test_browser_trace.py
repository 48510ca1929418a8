"""The trace and compare pages in a real browser, over the build of the bundled corpus: search an
industry, see its graph drawn by the bundled Cytoscape.js (offline), follow an evidence sentence to
the highlighted source, and compare two plans. Screenshots go to test-artifacts/screenshots/.

Skipped, like test_browser.py, only when Chromium is missing and PLANGRAPH_REQUIRE_BROWSER is not set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from test_browser import SCREENSHOTS, browser_tab, chromium, shot  # noqa: F401  (chromium: a fixture)
from web_support import LiveServer, live_server

pytestmark = [pytest.mark.browser, pytest.mark.live]

INDUSTRY = "铝合金精深加工"


@pytest.fixture(scope="module")
def corpus_server(corpus_build: Path) -> Iterator[LiveServer]:
    with live_server(corpus_build, query_timeout=30) as s:
        yield s


@pytest.fixture(scope="module")
def tab(
    chromium: str,  # noqa: F811
    corpus_server: LiveServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[object]:
    """One browser for the module (starting Chromium is the slow part)."""
    with browser_tab(chromium, corpus_server.url, tmp_path_factory.mktemp("trace-profile")) as page:
        yield page


def drawn_nodes(page) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_selector("body[data-graph-nodes]")
    return int(page.locator("body").get_attribute("data-graph-nodes"))


def test_trace_page_draws_the_graph_and_links_evidence(tab, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page = tab
    # The nav leads to the trace page; the box suggests industry names.
    page.goto(corpus_server.url + "/")
    page.get_by_role("link", name="追踪", exact=True).click()
    page.wait_for_url("**/trace")
    assert page.locator("#industry-names option").count() > 10

    # Run a trace.
    page.locator("#trace-q").fill(INDUSTRY)
    page.locator("#trace-q").press("Enter")
    page.wait_for_url("**/trace?industry=*")
    assert page.locator("h1").inner_text() == INDUSTRY
    items = page.locator(".trace-item")
    assert items.count() == 10
    assert [items.nth(i).locator(".rank").inner_text() for i in range(10)] == [str(i) for i in range(1, 11)]

    # The graph is drawn, from the bundled library: every node of the trace, the industry among them.
    nodes = drawn_nodes(page)
    assert nodes >= 11  # ten projects and the industry, plus the boxes and divisions on the way
    assert page.evaluate("window.plangraphTrace.cy.nodes().length") == nodes
    assert page.evaluate("window.plangraphTrace.cy.edges().length") >= 10
    legend = {text.split()[0] for text in page.locator(".legend-item").all_inner_texts()}
    assert {"Project", "Industry", "Box"} <= legend
    shot(page, "07-trace")
    page.locator(".trace-graph").screenshot(path=str(SCREENSHOTS / "07-trace-graph.png"))

    # Clicking the industry's node shows it in the side panel.
    position = page.evaluate(
        """() => { const cy = window.plangraphTrace.cy; const n = cy.nodes('.asked');
                   const p = n.renderedPosition(); const box = cy.container().getBoundingClientRect();
                   return { x: box.left + p.x, y: box.top + p.y }; }"""
    )
    page.mouse.click(position["x"], position["y"])
    assert page.locator("#graph-info h3").inner_text() == INDUSTRY

    # The legend hides a type and shows it again.
    projects = page.locator(".legend-item", has_text="Project")
    projects.click()
    assert projects.get_attribute("aria-pressed") == "false"
    assert page.evaluate("window.plangraphTrace.cy.nodes('.Project.hidden').length") > 0
    projects.click()

    # An evidence sentence leads to the source, highlighted and scrolled into view.
    link = items.first.locator(".evidence-link").first
    quoted = link.inner_text()
    link.click()
    page.wait_for_url("**/source?*")
    mark = page.locator("mark#hl")
    assert mark.inner_text() == quoted
    box = mark.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    page.screenshot(path=str(SCREENSHOTS / "08-trace-evidence-source.png"))

    # The industry page links to the trace page.
    page.go_back()
    page.get_by_role("link", name="产业页 industry page").click()
    page.wait_for_url("**/industry?iri=*")
    page.locator("a.trace-link").click()
    page.wait_for_url("**/trace?industry=*")
    assert drawn_nodes(page) == nodes


def test_compare_page(tab, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page = tab
    page.goto(corpus_server.url + "/compare")
    options = page.locator("#plan-a option").evaluate_all("(os) => os.map(o => o.value).filter(Boolean)")
    assert len(options) >= 2
    page.locator("#plan-a").select_option(options[0])
    page.locator("#plan-b").select_option(options[-1])
    page.get_by_role("button", name="对比 Compare").click()
    page.wait_for_url("**/compare?a=*")
    assert page.locator(".compare-heads .card").count() == 2
    assert page.locator(".three-col .chip").count() > 0
    shot(page, "09-compare")
