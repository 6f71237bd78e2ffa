"""The reviewer's report: hunks and the rules that made them, what is left at its lines, the
summary, the proof, and the Markdown cap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.report_tree import FILES, verify_json, write_tree
from tf_migrate.engine.run import Mode, run
from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import render_review_html, render_review_markdown
from tf_migrate.report.proof import ProofError, parse_proof
from tf_migrate.report.review import IMPORTS_LABEL, hunks, review_file
from tf_migrate.report.review_markdown import render_markdown
from tf_migrate.report.review_summary import refusal_reasons, summarize
from tf_migrate.settings import Settings


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tree(tmp_path_factory.mktemp("tree"))


def preview(tree: Path, *, unsafe_fixes: bool = False) -> RunResult:
    settings = Settings(project_root=tree, unsafe_fixes=unsafe_fixes)
    return run([str(tree)], settings, mode=Mode.DIFF, jobs=1, use_cache=False)


def file_of(result: RunResult, name: str) -> FileResult:
    return next(file for file in result.files if file.path.endswith(name))


def fixed(code: str, line: int, end_line: int | None = None) -> Finding:
    location = Location(line, 1, end_line or line, 2)
    return Finding(code, "r", "m", location, Applicability.SAFE, "fix")


def test_each_hunk_is_labelled_with_the_fixes_on_its_lines() -> None:
    old = "import a\n" + "".join(f"x{n} = {n}\n" for n in range(20)) + "y = tf.log(x)\n"
    new = "import a\nimport keras\n" + old[len("import a\n") :].replace("tf.log", "tf.math.log")
    found = hunks(old, new, [fixed("TFM401", 22), fixed("TFM303", 3)])
    assert [hunk.rules for hunk in found] == [[IMPORTS_LABEL], ["TFM401"]]
    assert [(hunk.old_start, hunk.new_start) for hunk in found] == [(1, 1), (19, 20)]
    assert ("-", "y = tf.log(x)") in found[1].lines
    assert ("+", "y = tf.math.log(x)") in found[1].lines


def test_a_hunk_no_finding_meets_takes_the_nearest_fix() -> None:
    # A later fix round locates its finding in the text of that round, a few lines off.
    old = "a = 1\nb = tf.log(2)\n"
    new = "a = 1\nb = tf.math.log(2)\n"
    assert hunks(old, new, [fixed("TFM401", 5), fixed("TFM403", 9)])[0].rules == ["TFM401"]


def test_the_run_of_a_tree_reviewed_file_by_file(tree: Path) -> None:
    result = preview(tree)
    renames = review_file(file_of(result, "renames.py"))
    assert renames.statuses == ["changed"]
    assert renames.fixed == {"TFM401": 1, "TFM402": 1, "TFM403": 1}
    assert [hunk.rules for s in renames.sections for hunk in s.hunks] == [
        ["TFM401", "TFM402", "TFM403"]
    ]
    broken = review_file(file_of(result, "py2.py"))
    assert broken.statuses == ["unparseable"] and broken.error is None  # its TFM000 says it
    assert broken.sections[0].findings[0].code == "TFM000"
    manual = review_file(file_of(result, "estimator.py"))
    assert manual.statuses == ["manual"]
    first = manual.sections[0].findings[0]
    assert (first.code, first.line, first.excerpt) == (
        "TFM303",
        5,
        [(5, '    logits = tf.layers.dense(features["x"], 10)')],
    )
    assert "tf.keras.layers.Dense" in first.message  # the TF2 form to use
    assert review_file(file_of(result, "rmsprop.py")).statuses == ["manual", "unsafe"]


def test_a_notebook_is_reviewed_cell_by_cell(tree: Path) -> None:
    notebook = review_file(file_of(preview(tree), "explore.ipynb"))
    assert notebook.statuses == ["changed", "manual"]
    sections = {section.title: section for section in notebook.sections}
    assert list(sections) == ["cell 3", "cell 5"]
    assert [hunk.rules for hunk in sections["cell 3"].hunks] == [["TFM401"]]
    assert sections["cell 3"].hunks[0].lines == [
        (" ", "x = tf.placeholder(tf.float32, [None])"),
        ("-", "y = tf.log(x + 1.0)"),
        ("+", "y = tf.math.log(x + 1.0)"),
    ]
    placeholder = sections["cell 3"].findings[0]
    assert placeholder.code == "TFM101" and not placeholder.message.startswith("cell")
    assert placeholder.excerpt == [(1, "x = tf.placeholder(tf.float32, [None])")]
    assert [view.code for view in sections["cell 5"].findings] == ["TFM407"]


def test_the_summary_counts_files_fallbacks_and_programs(tree: Path) -> None:
    summary = summarize(preview(tree), unsafe_fixes=False)
    assert (summary.files, summary.changed, summary.unparseable) == (len(FILES), 3, 1)
    assert summary.unchanged == len(FILES) - 4
    assert (summary.programs_rewritten, summary.programs_unsafe) == (1, 1)
    families = {family.prefix: family for family in summary.families}
    assert families["TFM4"].fixed == 5 and families["TFM1"].unsafe == 1
    unsafe = summarize(preview(tree, unsafe_fixes=True), unsafe_fixes=True)
    assert (unsafe.programs_rewritten, unsafe.programs_unsafe) == (2, 0)


def test_refusal_reasons_are_counted_whatever_line_they_name(tmp_path: Path) -> None:
    program = (
        "import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n{pad}"
        "with tf.Session() as sess:\n    print(sess.run(x * 2, {{x: 1.0}}))\n    keep(sess)\n"
    )
    for name, pad in (("a.py", ""), ("b.py", "y = 1\n" * 5)):
        (tmp_path / name).write_text(program.format(pad=pad))
    summary = summarize(preview(tmp_path), unsafe_fixes=False)
    assert summary.programs_refused == 2
    assert summary.refusal_reasons == [("the session `sess` is used as a value", 2)]
    message = "cell 2: The session program is not rewritten: a (cell 2, line 3); b"
    assert refusal_reasons(message) == ["a", "b"]


def test_the_proof_is_read_from_verify_json() -> None:
    proof = parse_proof(verify_json(), "verify.json")
    assert proof.before.startswith("TensorFlow 1.15.0") and proof.device == "cpu"
    statuses = [(p.name, p.status) for p in proof.programs]
    assert statuses == [("program", "pass"), ("rmsprop", "fail")]
    loss = proof.programs[1].outputs[0]
    assert (loss.passed, loss.shape, round(float(loss.max_abs_err or 0), 6)) == (False, "(1,)", 0.1)
    assert proof.programs[0].ran_on == {"before": "CPU", "after": "CPU"}
    with pytest.raises(ProofError, match="not the JSON of `tf-migrate verify"):
        parse_proof('{"fixtures": []}', "other.json")


def test_the_page_is_self_contained_and_its_data_cannot_end_the_script(tmp_path: Path) -> None:
    source = "import tensorflow as tf\ns = '</script><!--'\ny = tf.log(1.0)\n"
    (tmp_path / "odd.py").write_text(source)
    page = render_review_html(preview(tmp_path), paths=["."], written=False, unsafe_fixes=False)
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    data = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    lines = json.loads(data)["files"][0]["sections"][0]["hunks"][0]["lines"]
    assert [" ", "s = '</script><!--'"] in lines


def test_markdown_stops_at_its_cap_and_points_at_the_html(tmp_path: Path) -> None:
    for number in range(60):
        (tmp_path / f"m{number:02}.py").write_text(
            "import tensorflow as tf\n" + "".join(f"y{i} = tf.log({i}.0)\n" for i in range(40))
        )
    result = preview(tmp_path)
    whole = render_markdown(result, [], unsafe_fixes=False, html_report="r.html", max_chars=10**9)
    assert whole.count("<details>") == 60
    capped = render_review_markdown(result, unsafe_fixes=False, html_report="out/r.html")
    assert 50_000 < len(capped) <= 60_000
    shown = capped.count("<details>")
    assert capped.rstrip().endswith("this summary stops at 60,000 characters.")
    assert f"**{60 - shown} more file(s) are in `out/r.html`**" in capped
    assert capped.count("<details>") == capped.count("</details>")
