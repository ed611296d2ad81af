"""The clinician's day in a real browser: Playwright drives Debian's chromium against the
production server (`forlob serve`, gunicorn, demo data).

Alice logs in, creates a patient with a referral, starts an NRL course, registers services,
sees a status outside its window refused, sends a questionnaire, the patient fills it through
the link (no login), and Alice sees the scores on the course's chart. Screenshots of each step
go to test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from tests.web.server import running_server

from forlob.calendar import add_working_days, window_bounds

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
# without the background-networking flags chromium keeps trying hosts this machine cannot reach
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
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("browser")) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(page: Page, form: str = "main form") -> None:
    page.locator(form).first.locator("button[type=submit]").first.click()


def test_a_clinician_runs_an_nrl_course_end_to_end(base_url: str, browser: Browser) -> None:
    today = dt.date.today()
    # a course started four weeks of working days ago: its 2-week status lies in the past
    start = add_working_days(today, -20)
    status_target = start + dt.timedelta(weeks=2)
    first_ok, last_ok = window_bounds(status_target, 5)
    first_refused = last_ok + dt.timedelta(days=1)
    while first_refused.weekday() >= 5:
        first_refused += dt.timedelta(days=1)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # log in as Alice (the README's demo login)
    page.goto(base_url + "/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "forlob-demo")
    submit(page)
    expect(page).to_have_url(re.compile(r"/worklist/$"))
    shot(page, "01-worklist")

    # a new patient
    page.goto(base_url + "/patients/new/")
    page.fill("#id_cpr", "120485-1237")
    page.fill("#id_name", "Mads Madsen")
    page.fill("#id_email", "mads@example.invalid")
    page.check("#id_consent_beyond_journal")
    shot(page, "02-new-patient")
    submit(page)
    expect(page).to_have_url(re.compile(r"/patients/\d+/$"))
    expect(page.locator("main")).to_contain_text("120485-1237")

    # a referral from the GP, then an NRL course on it
    page.locator("a[href$='/referrals/new/']").first.click()
    page.fill("#id_date", (start - dt.timedelta(days=5)).isoformat())
    page.fill("#id_gp_name", "Lægehuset Amager")
    page.select_option("#id_diagnosis_system", "ICPC")
    page.fill("#id_diagnosis_code", "L86")
    page.fill("#id_diagnosis_text", "Lændesmerter med udstråling")
    page.locator("main form button[type=submit]:not([name=suggest])").click()
    expect(page).to_have_url(re.compile(r"/patients/\d+/#referral-\d+$"))
    page.locator("a[href*='/courses/new/']").first.click()
    page.select_option("#id_pathway", "NRL")
    page.fill("#id_planned_start", start.isoformat())
    submit(page)
    expect(page).to_have_url(re.compile(r"/courses/\d+/$"))
    course_url = page.url

    def register(day: dt.date, code: str) -> None:
        page.goto(course_url + "lines/new/")
        page.fill("#id_service_date", day.isoformat())
        page.select_option("#id_code", code)
        page.locator("form.line-form button[name=action][value=save]").click()

    saved = re.compile(re.escape(course_url) + r"#line-\d+$")
    register(start, "0241")
    expect(page).to_have_url(saved)
    # the 2-week status one working day past its window is refused with the rule's message
    register(first_refused, "0243")
    expect(page.locator("main")).to_contain_text("NR-STATUS-WINDOW")
    shot(page, "03-status-outside-window-refused")
    page.goto(course_url)
    expect(page.locator("main")).not_to_contain_text(first_refused.strftime("%d.%m.%Y"))
    # on the last day of its window it is allowed
    register(last_ok, "0243")
    expect(page).to_have_url(saved)
    expect(page.locator("main")).to_contain_text(last_ok.strftime("%d.%m.%Y"))
    shot(page, "04-course-with-services")

    # send the first planned questionnaire round; the page shows the one-time link
    page.locator("#questionnaires form[action$='/questionnaires/send/'] button").first.click()
    link = page.locator("#q-link").input_value()
    assert "/q/" in link
    shot(page, "05-questionnaire-link")

    # the patient fills it on a phone, without logging in
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    patient = phone.new_page()
    patient.goto(link)
    names = patient.eval_on_selector_all(
        "input[type=radio]", "els => [...new Set(els.map(e => e.name))]"
    )
    assert names, "the questionnaire shows answer scales"
    # PSFS: only the first activity is named and rated
    names = [n for n in names if "-rating-" not in n or n.endswith("-rating-1")]
    for i, name in enumerate(names):
        radios = patient.locator(f"input[type=radio][name='{name}']")
        # a mid-range answer on every scale
        radios.nth(min(i % 3 + 1, radios.count() - 1)).check()
    activity = patient.locator("input[name$='-name-1']")
    if activity.count():
        activity.fill("Gå en tur på 2 km")
    shot(patient, "06-patient-questionnaire")
    patient.locator("button.q-submit").click()
    expect(patient.locator("form.q-form")).to_have_count(0)
    shot(patient, "07-patient-thanks")
    # the link works once
    patient.goto(link)
    expect(patient.locator("form.q-form")).to_have_count(0)
    phone.close()

    # back at the clinic: the scores are on the course page's chart
    page.goto(course_url)
    outcomes = page.locator("#outcomes")
    expect(outcomes.locator("svg polyline").first).to_be_attached()
    expect(outcomes.locator("tr[data-instrument]").first).to_be_visible()
    shot(page, "08-course-outcomes-chart")
    context.close()


def test_charlie_sees_nothing_of_clinic_a_in_the_browser(base_url: str, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/login/")
    page.fill("#id_username", "charlie")
    page.fill("#id_password", "forlob-demo")
    submit(page)
    expect(page).to_have_url(re.compile(r"/worklist/$"))
    expect(page.locator("main")).not_to_contain_text("Hanne Hansen")
    page.goto(base_url + "/patients/")
    expect(page.locator("main")).not_to_contain_text("Hanne Hansen")
    response = page.goto(base_url + "/patients/1/")
    assert response is not None and response.status == 404
    shot(page, "09-charlie-404")
    context.close()
