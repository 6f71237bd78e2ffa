"""The HTML report in a real browser (headless Chromium driven by Playwright): the counts, hunks,
rule labels and links are those of the run, filters and keys change what is shown, the theme
follows the system, and no console error occurs. It saves a screenshot (docs/report.png is one:
`TF_MIGRATE_ARTIFACTS=docs python -m pytest tests/test_report_browser.py` makes it again).

Where no Chromium or no Playwright is found the test is skipped with that reason, except under
CI (`CI` true-like), where that is a failure: .ci/run installs Debian's chromium.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.report_tree import verify_json, write_tree
from tests.verify.verify_helpers import under_ci
from tf_migrate.cli import cli
from tf_migrate.engine.run import Mode, run
from tf_migrate.report.review import FileReview, review_file, worth_reviewing
from tf_migrate.settings import Settings

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def _unavailable(reason: str) -> None:
    if under_ci():
        pytest.fail(f"the browser test must run under CI: {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    found = os.environ.get("TF_MIGRATE_CHROMIUM") or next(
        filter(None, map(shutil.which, BROWSER_NAMES)), None
    )
    if found is None:
        _unavailable(f"no Chromium found (looked for {', '.join(BROWSER_NAMES)} on PATH)")
    return str(found)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[FileReview], Any]:
    """The report of the sample tree, and the run it was made from."""
    root = tmp_path_factory.mktemp("site")
    tree = write_tree(root / "src")
    (root / "verify.json").write_text(verify_json())
    page = root / "report.html"
    previous = Path.cwd()
    os.chdir(root)
    try:
        made = CliRunner().invoke(
            cli, ["report", "src", "--html", str(page), "--verify-json", "verify.json"]
        )
        result = run(["src"], Settings(project_root=root), mode=Mode.DIFF, jobs=1)
    finally:
        os.chdir(previous)
    assert made.exit_code == 0, made.output
    assert tree.is_dir()
    reviews = [review_file(file) for file in result.files if worth_reviewing(file)]
    return page, reviews, result


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),  # a fresh user-data-dir
            executable_path=executable,
            args=BROWSER_ARGS,
            viewport={"width": 1280, "height": 1000},
            color_scheme="light",
        )
        yield context
        context.close()


def _open(browser: Any, page_file: Path) -> tuple[Any, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    def console(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri())
    return page, errors


def _open_file(page: Any, index: int) -> None:
    page.click(f"#file-{index} > summary")
    # `toggle` fires after the click returns; the diff is written then.
    page.wait_for_selector(f"#file-{index} .body[data-rendered]", state="attached")


def _visible_paths(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "details.file:not([hidden]) .path", "nodes => nodes.map(n => n.textContent)"
    )


def test_the_page_shows_what_the_run_produced(browser: Any, site: Any) -> None:
    page_file, reviews, result = site
    page, errors = _open(browser, page_file)
    cards = {
        "count-scanned": len(result.files),
        "count-changed": len(result.changed_files),
        "count-unparseable": sum(review.statuses == ["unparseable"] for review in reviews),
        "count-rewritten": sum(f.code == "TFM150" for _, f in result.fixed),
        "count-verified": "1 pass, 1 fail",
    }
    for card, expected in cards.items():
        assert page.inner_text(f"#{card} b") == str(expected), card
    assert _visible_paths(page) == [review.path for review in reviews]
    # Closed files hold no diff until they are opened.
    assert page.eval_on_selector_all("details.file .body", "b => b.map(x => x.innerHTML)") == [
        ""
    ] * len(reviews)
    for index, review in enumerate(reviews):
        _open_file(page, index)
        heads = page.eval_on_selector_all(
            f"#file-{index} .hunk-head",
            "heads => heads.map(h => Array.from(h.querySelectorAll('.rule-label'))"
            ".map(l => l.textContent))",
        )
        assert heads == [hunk.rules for s in review.sections for hunk in s.hunks], review.path
        added = sum(kind == "+" for s in review.sections for h in s.hunks for kind, _ in h.lines)
        assert page.locator(f"#file-{index} tr.add").count() == added
        cells = page.eval_on_selector_all(
            f"#file-{index} h4.cell", "c => c.map(x => x.textContent)"
        )
        assert cells == [section.title for section in review.sections if section.title]
        codes = page.eval_on_selector_all(
            f"#file-{index} .finding .rule-label", "l => l.map(x => x.textContent)"
        )
        assert codes == [view.code for section in review.sections for view in section.findings]
    # Every in-page link leads somewhere, and a rule label opens that rule's page.
    targets = page.eval_on_selector_all(
        "a[href^='#']", "links => links.map(a => a.getAttribute('href').slice(1))"
    )
    missing = page.evaluate("ids => ids.filter(id => !document.getElementById(id))", targets)
    assert targets and missing == []
    label = page.locator(".hunk-head a.rule-label", has_text="TFM401").first
    label.click()
    # The page opens the rule on `hashchange`, which fires after the click returns. The poll is
    # plain `evaluate`: `wait_for_function` compiles its predicate with eval, which the page's
    # content security policy forbids in newer browsers.
    deadline = time.monotonic() + 5
    while not page.evaluate("() => document.getElementById('rule-TFM401').open"):
        assert time.monotonic() < deadline, "the rule's page did not open"
        page.wait_for_timeout(50)
    assert "tf1-symbol-name" in page.inner_text("#rule-TFM401 summary")
    assert errors == []


def test_filters_and_search_change_what_is_shown(browser: Any, site: Any) -> None:
    page_file, reviews, _ = site
    page, errors = _open(browser, page_file)
    page.select_option("#rule-filter", "TFM150")
    assert _visible_paths(page) == [r.path for r in reviews if "TFM150" in r.rules]
    page.select_option("#rule-filter", "")
    page.click("button[data-status='unparseable']")
    assert _visible_paths(page) == [r.path for r in reviews if "unparseable" in r.statuses]
    page.click("button[data-status='unsafe']")  # statuses add up
    assert _visible_paths(page) == [
        r.path for r in reviews if {"unparseable", "unsafe"} & set(r.statuses)
    ]
    page.click("button[data-status='unparseable']")
    page.click("button[data-status='unsafe']")
    page.fill("#search", "EstimatorSpec")
    assert _visible_paths(page) == [r.path for r in reviews if r.path.endswith("estimator.py")]
    assert page.inner_text("#shown-count") == f"1 of {len(reviews)} files shown"
    page.fill("#search", "")
    assert len(_visible_paths(page)) == len(reviews)
    assert errors == []


def test_keys_move_between_files_and_hunks(browser: Any, site: Any) -> None:
    page_file, reviews, _ = site
    page, errors = _open(browser, page_file)

    def current() -> list[str]:
        return page.eval_on_selector_all(
            "details.file.current .path", "nodes => nodes.map(n => n.textContent)"
        )

    page.keyboard.press("j")
    assert current() == [reviews[0].path]
    assert page.evaluate("document.getElementById('file-0').open")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert current() == [reviews[2].path]
    page.keyboard.press("k")
    assert current() == [reviews[1].path]
    with_hunks = [r.path for r in reviews if any(s.hunks for s in r.sections)]
    page.keyboard.press("n")  # the first hunk after the current file's start
    after = [r.path for r in reviews[1:] if any(s.hunks for s in r.sections)]
    assert current() == after[:1]
    assert page.locator(".hunk.current").count() == 1
    page.keyboard.press("n")
    page.keyboard.press("p")
    assert current() == after[:1]
    assert with_hunks
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    assert errors == []


def test_the_theme_follows_the_system_setting(browser: Any, site: Any) -> None:
    page_file, _, _ = site
    page, errors = _open(browser, page_file)
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(background)
    assert (light, dark) == ("rgb(255, 255, 255)", "rgb(13, 17, 23)")
    assert errors == []


def test_a_screenshot_of_the_report(browser: Any, site: Any, tmp_path: Path) -> None:
    page_file, reviews, _ = site
    page, errors = _open(browser, page_file)
    page.set_viewport_size({"width": 1280, "height": 1640})
    for index, review in enumerate(reviews):
        if review.path.endswith(("renames.py", ".ipynb")):
            _open_file(page, index)
    page.evaluate("window.scrollTo(0, 0)")
    folder = Path(os.environ.get("TF_MIGRATE_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert errors == []


def test_without_a_browser_it_skips_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("TF_MIGRATE_CHROMIUM", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium found"):
        _chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run under CI: no Chromium found"):
        _chromium()
