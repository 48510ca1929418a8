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


def _painted_pixels(page) -> int:  # type: ignore[no-untyped-def]
    return int(
        page.evaluate(
            """() => { const c = document.getElementById('compare-chart');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
        )
    )


@pytest.mark.parametrize(
    ("indicator", "documents"),
    [
        # a level printed as 城镇居民/城镇常住居民人均可支配收入, in 元 and 万元, by four plans
        ("城镇居民人均可支配收入", 4),
        # a growth: plans' growth columns and rows, and the work reports' targets in sentences
        ("地区生产总值增长率", 7),
    ],
)
def test_compare_page_draws_an_indicator_across_all_documents(  # type: ignore[no-untyped-def]
    tab, corpus_server: LiveServer, indicator: str, documents: int
) -> None:
    page = tab
    page.goto(corpus_server.url + "/compare")
    assert page.locator("#indicator-names option").count() > 20  # the concepts the corpus prints
    page.locator("#indicator-q").fill(indicator)
    page.get_by_role("button", name="比较指标 Compare values").click()
    page.wait_for_url("**/compare?*indicator=*")
    page.wait_for_selector("body[data-chart-points]")

    # The chart is drawn by the bundled Chart.js: a line a place, every value that is a number.
    status = page.evaluate(
        "({ ready: window.plangraphCompare.ready, series: window.plangraphCompare.series })"
    )
    points = int(page.locator("body").get_attribute("data-chart-points"))
    assert status["ready"] and points >= documents
    assert _painted_pixels(page) > 2000

    # The table: a row a place (as many as the chart has lines), a column a year, each value linked.
    pivot = page.locator("table.pivot")
    assert pivot.locator("tbody tr").count() == status["series"] >= 4
    years = pivot.locator("thead th.num").all_inner_texts()
    assert "2020" in years and years == sorted(years)
    every_value = page.locator("details.compare-rows tbody tr")
    assert every_value.count() >= points
    # every document that gives the indicator is there (the same ones the API answers with)
    shown = set(page.locator("details.compare-rows tbody td:nth-child(2) a").all_text_contents())
    answer = page.request.get(corpus_server.url + page.get_by_role("link", name="JSON").get_attribute("href"))
    assert len(shown) == len({row["document"] for row in answer.json()["rows"]}) == documents
    shot(page, f"10-compare-indicator-{documents}")

    # Downloads: the same values as CSV.
    csv_url = page.get_by_role("link", name="CSV").get_attribute("href")
    response = page.request.get(corpus_server.url + csv_url)
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    assert len(response.text().strip().splitlines()) == every_value.count() + 1

    # A value leads to the place in the source it was read from.
    link = pivot.locator("a.value-link").first
    printed = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert "/source?" in page.url, page.url
    # the cell itself, or the clause of a target stated in a sentence ("地区生产总值增长8%")
    assert printed.strip() in page.locator("mark#hl").inner_text()


def test_compare_page_shows_which_places_promote_an_industry(tab, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page = tab
    page.goto(corpus_server.url + "/compare?view=priorities")
    page.locator("#priorities-q").fill("新材料,旅游")
    page.get_by_role("button", name="比较产业 Compare priorities").click()
    page.wait_for_url("**/compare?*industries=*")
    matrix = page.locator("table.matrix")
    assert matrix.locator("thead th a").all_inner_texts() == ["新材料", "旅游"]
    assert matrix.locator("a.promoted").count() >= 4
    first = matrix.locator("a.promoted").first
    quote = first.get_attribute("title")
    with page.expect_navigation():
        first.click()
    assert page.locator("mark#hl").inner_text().strip() == (quote or "").strip()
