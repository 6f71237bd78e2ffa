"""`check --add-noqa` (tf_migrate/engine/noqa.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.engine.noqa import add_noqa
from tf_migrate.engine.run import Mode, run
from tf_migrate.model import Finding
from tf_migrate.rules.registry import select_rules
from tf_migrate.settings import Settings

RULES = ("TFM000", "TFM101", "TFM401")


def findings_of(source: str) -> list[Finding]:
    outcome = fix_module(source, select_rules(RULES), should_apply=lambda applicability: False)
    return list(outcome.remaining)


def suppressed(source: str) -> str:
    outcome = add_noqa(source, findings_of(source))
    assert outcome.skipped == []
    assert findings_of(outcome.source) == [], outcome.source
    assert add_noqa(outcome.source, findings_of(outcome.source)).source == outcome.source
    return outcome.source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "import tensorflow as tf\ny = tf.log(tf.placeholder(tf.float32))\n",
            "import tensorflow as tf\ny = tf.log(tf.placeholder(tf.float32))  "
            "# tf-migrate: ignore[TFM101, TFM401]\n",
            id="codes-of-a-line-in-one-comment",
        ),
        pytest.param(
            "import tensorflow as tf\ny = tf.log(x)  # tf-migrate: ignore[TFM101]\n",
            "import tensorflow as tf\ny = tf.log(x)  # tf-migrate: ignore[TFM101, TFM401]\n",
            id="merged-into-existing",
        ),
        pytest.param(
            "import tensorflow as tf\ny = tf.log(x)   # natural log  \n",
            "import tensorflow as tf\ny = tf.log(x)   # natural log"
            "  # tf-migrate: ignore[TFM401]\n",
            id="after-another-comment",
        ),
        pytest.param(
            "import tensorflow as tf\r\nif x:\r\n    y = tf.log(x)\r\n",
            "import tensorflow as tf\r\nif x:\r\n"
            "    y = tf.log(x)  # tf-migrate: ignore[TFM401]\r\n",
            id="crlf",
        ),
        pytest.param(
            "import tensorflow as tf\ny = tf.log(x)",
            "import tensorflow as tf\ny = tf.log(x)  # tf-migrate: ignore[TFM401]",
            id="no-final-newline",
        ),
        pytest.param(
            'import tensorflow as tf\nif x:\n    y = f(tf.log(x), """a\nb""")\n',
            "import tensorflow as tf\nif x:\n    # tf-migrate: ignore[TFM401]\n"
            '    y = f(tf.log(x), """a\nb""")\n',
            id="line-ends-in-a-multiline-string",
        ),
        pytest.param(
            "import tensorflow as tf\ny = tf.log(x) + \\\n    1\n",
            "import tensorflow as tf\n# tf-migrate: ignore[TFM401]\ny = tf.log(x) + \\\n    1\n",
            id="backslash-continuation",
        ),
        pytest.param(
            "import tensorflow as tf\ny = (\n    tf.log(x))\n",
            "import tensorflow as tf\ny = (\n    tf.log(x))  # tf-migrate: ignore[TFM401]\n",
            id="finding-on-a-continuation-line",
        ),
    ],
)
def test_comment_placement(before: str, after: str) -> None:
    assert suppressed(before) == after


def test_impossible_placement_is_skipped_and_reported() -> None:
    source = 'import tensorflow as tf\ns = ("""a\nb""", tf.log(x), """c\nd""")\n'
    outcome = add_noqa(source, findings_of(source))
    assert outcome.source == source and outcome.added == []
    [(finding, why)] = outcome.skipped
    assert finding.code == "TFM401" and "multi-line string" in why


def _settings(root: Path) -> Settings:
    return Settings(project_root=root, select=RULES)


def test_add_noqa_then_check_is_clean_and_a_second_pass_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = tf.log(x)\n"
    (tmp_path / "a.py").write_text(source)
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "source": ["%time 1\n", "tf.log(2)"],
    }
    head = {"cell_type": "code", "metadata": {}, "outputs": [], "source": "import tensorflow as tf"}
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [head, cell]}, indent=1) + "\n")
    (tmp_path / "clean.py").write_text("x = 1\n")
    clean_state = (tmp_path / "clean.py").stat().st_mtime_ns

    added = run(["."], _settings(tmp_path), mode=Mode.ADD_NOQA, jobs=1)
    assert sorted(f.path for f in added.changed_files) == ["a.py", "nb.ipynb"]
    assert sum(len(f.remaining) for f in added.changed_files) == 3
    assert (tmp_path / "a.py").read_text() == (
        "import tensorflow as tf\nx = tf.placeholder(tf.float32)  # tf-migrate: ignore[TFM101]\n"
        "y = tf.log(x)  # tf-migrate: ignore[TFM401]\n"
    )
    cells = json.loads((tmp_path / "nb.ipynb").read_text())["cells"]
    assert cells[1]["source"] == ["%time 1\n", "tf.log(2)  # tf-migrate: ignore[TFM401]"]
    assert (tmp_path / "clean.py").stat().st_mtime_ns == clean_state

    assert run(["."], _settings(tmp_path), mode=Mode.CHECK, jobs=1).remaining == []
    again = run(["."], _settings(tmp_path), mode=Mode.ADD_NOQA, jobs=1)
    assert again.changed_files == []
