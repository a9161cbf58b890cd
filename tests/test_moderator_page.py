"""The moderator page, end to end in headless Chromium: paste, see the verdict, correct it.

Needs Debian's ``chromium`` and the ``playwright`` package (its driver only; no browser
download). Skipped when either is missing, but fails when ``CI=true``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import uvicorn

from medspam.feedback import FeedbackStore
from medspam.http import ServiceSettings, create_app

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import medspam

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KEY = "moderator-key-5d1e"
SPAM_URL = "https://mums-corner.example/threads/7731-sleep-after-surgery"
SPAM_PAGE = """<!doctype html><html lang="en"><head><title>Sleeping after knee surgery |
Mums Corner</title></head><body><nav><a href="/">Forum</a> <a href="/new">New posts</a></nav>
<div class="category">recipes</div><h1>Sleeping after knee surgery</h1><article>
<p>Many people struggle to sleep for weeks after a knee replacement. Surgeons recommend
keeping the leg raised, regular short walks and following the pain plan from the hospital.</p>
<p>Strong painkillers such as oxycodone are usually prescribed for a few days only, because
tolerance and dependence develop quickly.</p>
<p>Some readers asked about buying oxycodone online without a prescription to keep at home.</p>
<h3>Read More</h3>
<p>https://oxy-meds-overnight.shop/product/oxycodone-30mg</p>
<ul><li><a href="https://oxy-meds-overnight.shop/">buy oxycodone online</a></li>
<li><a href="https://no-rx-painpills.store/shop/oxycodone">oxycodone for sale no rx</a></li></ul>
</article></body></html>"""


def require(*, condition: bool, reason: str) -> None:
    """Skip when something the browser test needs is missing; fail instead in CI."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must install it)")
        pytest.skip(reason)


@pytest.fixture
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    require(condition=path is not None, reason="Debian chromium is not installed")
    return str(path)


@pytest.fixture
def live_server(tmp_path: Path, classifier: medspam.Classifier) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread."""
    settings = ServiceSettings(db=tmp_path / "fb.sqlite3", api_key=KEY)
    app = create_app(classifier, FeedbackStore(settings.db), settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        require(condition=False, reason="the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.problems = problems
        yield page
        browser.close()


def export(base: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{base}/v1/feedback/export", headers={"X-API-Key": KEY})
    response.raise_for_status()
    return [json.loads(line) for line in response.text.splitlines()]


def test_paste_see_spam_and_correct_it(live_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page = browser_page
    page.goto(live_server + "/")
    page.fill("#html", SPAM_PAGE)
    page.fill("#url", SPAM_URL)
    page.fill("#key", KEY)
    page.click("#classify")
    expect(page.locator("#verdict")).to_have_text("spam", timeout=30_000)
    expect(page.locator("#category")).to_have_text("medical-drug-sales")
    assert page.locator("#reasons li").count() > 0
    expect(page.locator("#links")).to_contain_text("oxy-meds-overnight.shop")
    marked = [m.lower() for m in page.locator("#page-text mark").all_inner_texts()]
    assert "oxycodone" in marked

    page.click("#mark-ham")
    expect(page.locator("#feedback-status")).to_contain_text("Saved as not spam")
    rows = export(live_server)
    assert [(r["label"], r["url"], r["verdict"]) for r in rows] == [("ham", SPAM_URL, "spam")]
    assert rows[0]["html"] == SPAM_PAGE
    assert page.problems == []


def test_links_say_where_the_page_carries_them(live_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page = browser_page
    page.goto(live_server + "/")
    page.fill("#html", SPAM_PAGE.replace(
        "</body>", '<form action="https://oxy-meds-overnight.shop/checkout">'
                   "<button>Order oxycodone</button></form></body>"))
    page.fill("#url", SPAM_URL)
    page.click("#classify")
    row = page.locator("#links tr", has_text="oxy-meds-overnight.shop/checkout")
    expect(row).to_contain_text("anchor, form[action]", timeout=30_000)
    assert page.problems == []


def test_upload_a_file(live_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page = browser_page
    page.goto(live_server + "/")
    page.set_input_files("#file", files=[{"name": "post.html", "mimeType": "text/html",
                                          "buffer": SPAM_PAGE.encode()}])
    page.fill("#url", SPAM_URL)
    page.fill("#key", KEY)
    page.click("#classify")
    expect(page.locator("#verdict")).to_have_text("spam", timeout=30_000)
    page.click("#mark-spam")
    expect(page.locator("#feedback-status")).to_contain_text("Saved as spam")
    assert [r["label"] for r in export(live_server)] == ["spam"]
    assert page.problems == []


def test_feedback_without_the_key_shows_the_error(live_server: str, browser_page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page = browser_page
    page.goto(live_server + "/")
    page.fill("#html", "<p>Sourdough needs time.</p>")
    page.click("#classify")
    expect(page.locator("#verdict")).to_have_text("ok", timeout=30_000)
    page.click("#mark-spam")
    expect(page.locator("#feedback-status")).to_contain_text("Error 401")
    assert export(live_server) == []
