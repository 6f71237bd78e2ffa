"""How long the reviewer's report of a large tree takes to write and to use.

    python bench/report_bench.py [--count 1000] [--rounds 3] [--chromium /usr/bin/chromium]

Builds the benchmark corpus (make_corpus.py: the project's TF1 programs, then synthetic TF1
scripts) of `--count` files, computes the fixes once (as `tf-migrate report` does, nothing
written), then times rendering the HTML and the Markdown from that run (the least of `--rounds`),
and, where Chromium and Playwright are found, what a reviewer waits for in the browser: the page
loaded, one file opened, a search over every file. Prints numbers and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import build  # noqa: E402

from tf_migrate.engine.run import Mode, run  # noqa: E402
from tf_migrate.report import render_review_html, render_review_markdown  # noqa: E402
from tf_migrate.settings import Settings  # noqa: E402

SEARCH = """() => {
  const box = document.getElementById("search");
  const start = performance.now();
  box.value = "tf.log";
  box.dispatchEvent(new Event("input"));
  return performance.now() - start;
}"""
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


def least(rounds: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def browser_timings(page_file: Path, chromium: str, rounds: int) -> dict[str, float] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: Playwright is not installed; skipped")
        return None
    found: dict[str, list[float]] = {"load": [], "open": [], "search": []}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=chromium, args=BROWSER_ARGS
        )
        for _ in range(rounds):
            page = context.new_page()
            start = time.perf_counter()
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_function("document.getElementById('shown-count').textContent !== ''")
            found["load"].append(time.perf_counter() - start)
            start = time.perf_counter()
            page.click("#file-0 > summary")
            page.wait_for_selector("#file-0 .body[data-rendered]", state="attached")
            found["open"].append(time.perf_counter() - start)
            # Filtering runs in the input handler: timed inside the page, from the keystroke's
            # event to the list updated.
            found["search"].append(page.evaluate(SEARCH) / 1000)
            page.close()
        context.close()
    return {name: min(values) for name, values in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tf-migrate-report-bench-") as temporary:
        corpus = Path(temporary) / "corpus"
        build(corpus, args.count)
        settings = Settings(project_root=corpus)
        start = time.perf_counter()
        result = run([str(corpus)], settings, mode=Mode.DIFF, use_cache=False, show_progress=False)
        fixing = time.perf_counter() - start
        pages: list[str] = []
        html = least(
            args.rounds,
            lambda: pages.append(
                render_review_html(result, paths=["corpus"], written=False, unsafe_fixes=False)
            ),
        )
        markdown = least(
            args.rounds,
            lambda: render_review_markdown(result, unsafe_fixes=False, html_report="r.html"),
        )
        page_file = Path(temporary) / "report.html"
        page_file.write_text(pages[-1], "utf-8")
        changed = len(result.changed_files)
        findings = sum(len(file.remaining) + len(file.fixed) for file in result.files)
        print(f"corpus: {len(result.files)} files, {changed} changed, {findings} findings")
        print(f"computing the fixes (all cores, no cache): {fixing:.2f} s")
        print(f"rendering the HTML:     {html:.2f} s ({html / len(result.files) * 1000:.2f} ms "
              f"a file), {page_file.stat().st_size / 1e6:.1f} MB")
        print(f"rendering the Markdown: {markdown:.2f} s (capped at 60,000 characters)")
        print(f"HTML rendering / computing the fixes: {html / fixing:.4f}")
        if not args.chromium:
            print("browser: no Chromium found (--chromium PATH); skipped")
            return
        timings = browser_timings(page_file, args.chromium, args.rounds)
        if timings is not None:
            print(
                f"browser: page loaded {timings['load']:.2f} s, a file opened "
                f"{timings['open'] * 1000:.0f} ms, a search over every file "
                f"{timings['search'] * 1000:.0f} ms (least of {args.rounds})"
            )
            print(f"  opening a file / loading the page: {timings['open'] / timings['load']:.3f}")


if __name__ == "__main__":
    main()
