"""The web UI in a real browser: Playwright driving Debian's Chromium, headless, against
`plangraph serve`. Opens the home page, runs a saved query, searches for an industry, opens its
entity page and follows a mention to the highlighted source. Screenshots go to
test-artifacts/screenshots/ for review.

Skipped only when Chromium is missing and PLANGRAPH_REQUIRE_BROWSER is not set (`make test`
installs Chromium with the `browser` target).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, SCREENSHOTS, require_chromium
from web_support import SAVED_QUERIES, LiveServer, live_server, make_build

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    build = make_build(tmp_path_factory.mktemp("browser"))
    with live_server(build, queries_dir=SAVED_QUERIES, query_timeout=10) as s:
        yield s


@contextmanager
def browser_tab(chromium: str, server_url: str, profile: Path) -> Iterator[object]:
    """A Playwright page in headless Chromium. On leaving, fails on page errors, console errors
    and any request outside ``server_url`` (the UI must work offline)."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(profile),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            locale="zh-CN",
        )
        try:
            tab = context.new_page()
            problems: list[str] = []
            foreign: list[str] = []
            tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            tab.on(
                "console",
                lambda msg: (
                    problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
                ),
            )
            tab.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((server_url, "data:", "blob:"))
                    else foreign.append(request.url)
                ),
            )
            tab.set_default_timeout(15_000)
            yield tab
            assert not problems, problems
            assert not foreign, f"the UI fetched from outside the server: {foreign}"
        finally:
            context.close()


@pytest.fixture
def page(chromium: str, server: LiveServer, tmp_path: Path) -> Iterator[object]:
    with browser_tab(chromium, server.url, tmp_path / "profile") as tab:
        yield tab


def shot(page: object, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_home_saved_query_search_entity_and_source(page, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    # 1. The home page: what the corpus holds, and the saved queries.
    page.goto(server.url + "/")
    assert page.locator("h1").first.inner_text().startswith("规划图谱")
    assert page.get_by_text("营口市国民经济和社会发展第十三个五年规划纲要").first.is_visible()
    shot(page, "01-home")

    # 2. Run a saved query from the home page: the editor opens and shows its results.
    card = page.locator(".query-card", has_text="项目与产业")
    card.get_by_role("link", name="运行 Run").click()
    page.wait_for_url("**/editor?saved=projects-by-industry*")
    page.locator(".cm-editor").wait_for()  # the bundled editor loaded, offline
    rows = page.locator(".results-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 2
    assert "鲅鱼圈钢铁精深加工项目" in page.locator(".results-table").inner_text()
    assert "2 行 rows" in page.locator("#status").inner_text()
    shot(page, "02-saved-query")

    # The results download, in the format picked.
    page.locator("#download-format").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "plangraph-results.csv"
    saved = Path(download.path()).read_text(encoding="utf-8")
    assert saved.startswith("project,name,industry,industryName,box") and "鲅鱼圈钢铁精深加工项目" in saved

    # ... and a query typed into the editor, run with Ctrl+Enter.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("ASK { ?x a pg:Park }")
    page.keyboard.press("Control+Enter")
    page.locator(".boolean.yes").wait_for()

    # 3. Search for an industry by its Chinese name.
    page.locator("#site-q").fill("新材料")
    page.locator("#site-q").press("Enter")
    page.wait_for_url("**/search?q=*")
    first = page.locator(".result-title").first
    assert first.inner_text() == "新材料"
    shot(page, "03-search")

    # 4. Its entity page: types, labels, relations and mentions.
    first.click()
    page.wait_for_url("**/entity?iri=*")
    assert page.locator("h1").inner_text() == "新材料"
    assert page.locator(".badge", has_text="产业").count() >= 1
    assert page.get_by_text("发展先进制造业").first.is_visible()
    shot(page, "04-entity")

    # The industry page: projects and parks with their evidence.
    page.get_by_role("link", name="产业页：项目与园区 · Industry page").click()
    page.wait_for_url("**/industry?iri=*")
    assert "鲅鱼圈钢铁精深加工项目" in page.locator("table.support").first.inner_text()
    shot(page, "05-industry")
    page.go_back()

    # 5. Follow a mention to the source, where it is highlighted and scrolled into view.
    mention = page.locator(".mentions .mention .quote-link").first
    quoted = mention.locator("mark").inner_text()
    mention.click()
    page.wait_for_url("**/source?mention=*")
    mark = page.locator("mark#hl")
    assert mark.inner_text() == quoted == "新材料产业"
    assert mark.is_visible()
    box = mark.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
    page.screenshot(path=str(SCREENSHOTS / "06-source.png"))  # the viewport: the highlight is in it
    # Untrusted document text is shown as text: the <script> in the source never ran.
    assert page.locator(".source-text").inner_text().count('<script>alert("x")</script>') == 1


def test_api_docs_render_offline(page, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    """/docs (Swagger UI) and /redoc (ReDoc) draw the API from the bundled copies; the tab fails
    on any request that leaves the server (no CDN, no web fonts, no validator badge)."""
    page.goto(server.url + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert "/api/export" in page.locator(".swagger-ui").inner_text()
    shot(page, "07-docs")
    page.goto(server.url + "/redoc")
    page.locator("redoc [data-section-id]").first.wait_for()
    assert "/sparql" in page.locator("redoc").inner_text()
    shot(page, "08-redoc")
