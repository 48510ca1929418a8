"""Headless Chromium for the browser tests: where it is, how it is started, when to skip.

Debian's chromium (installed by `make browser`) driven by Playwright; never a downloaded browser.
The tests skip when it is missing, unless PLANGRAPH_REQUIRE_BROWSER is set (then they fail).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"

#: Flags for a headless Chromium on a machine with no network beyond loopback: without the
#: background-networking ones it keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def require_chromium() -> str:
    """The Chromium executable, or skip (fail when PLANGRAPH_REQUIRE_BROWSER is set)."""
    path = find_chromium()
    if path is None:
        if os.environ.get("PLANGRAPH_REQUIRE_BROWSER"):
            pytest.fail("Chromium is missing and PLANGRAPH_REQUIRE_BROWSER is set (run `make browser`)")
        pytest.skip("Chromium is not installed (run `make browser`)")
    return path
