"""The indicator page in a real browser: Playwright drives Debian's chromium, offline, over a
generated extract; a screenshot goes to test-artifacts/indicators/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from forlob.audit.reader import read_extract
from forlob.indicators import compute_report
from forlob.indicators.render import render_html
from forlob.synth import write_synth

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "indicators"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("indicators")
    extract = base / "synth.csv"
    write_synth(30_000, extract, seed=7)
    report = compute_report(read_extract(extract), input_name="synth.csv")
    page = base / "indicators.html"
    page.write_text(render_html(report), encoding="utf-8")
    return page


def test_the_indicator_page_shows_a_funnel_plot_per_indicator_offline(browser, report_page):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report_page.as_uri())
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("h1")).to_have_text("Kvalitetsindikatorer")
    plots = page.locator("svg.funnel")
    assert plots.count() == 6
    # each plot draws its points and both pairs of limits inside the plot area
    first = plots.first
    assert first.locator("circle").count() >= 3
    assert first.locator("polyline.line-outer").count() == 2
    assert first.locator("polyline.line-inner").count() == 2
    box = first.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 200
    # hovering a point names its provider and value
    title = first.locator("circle title").first.text_content() or ""
    assert title.startswith("Yder ") and "%" in title
    # the list of every provider opens without a script
    details = page.locator("details").first
    details.locator("summary").click()
    expect(details.locator("table.providers")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "indicators-da.png"), full_page=True)
    assert requests == [report_page.as_uri()]
    context.close()
