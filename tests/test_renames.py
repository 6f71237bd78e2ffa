"""The generated rename table: its header, its shape, and TFM401 on every import style."""

from __future__ import annotations

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.rules.renames import SymbolRename
from tf_migrate.rules.tables import _load, call_specs, compat_fallbacks, renames


def test_header_records_the_generator_and_tensorflow() -> None:
    header = _load("renames.json")["header"]
    assert header["generator"] == "scripts/generate_renames.py"
    assert header["tensorflow"].startswith("2.21")
    assert header["count"] == len(renames())
    assert header["date"]


def test_table_is_sorted_and_well_formed() -> None:
    table = renames()
    assert list(table) == sorted(table)
    assert len(table) > 150
    for old, new in table.items():
        assert old.startswith("tf.") and new.startswith("tf.")
        assert old != new
        assert not new.startswith("tf.compat."), new
        assert new not in table, f"{old} -> {new} is renamed again"


def test_renames_do_not_overlap_curated_tables() -> None:
    assert not set(renames()) & set(call_specs())
    assert not set(renames()) & set(compat_fallbacks())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("tf.log", "tf.math.log"),
        ("tf.random_normal", "tf.random.normal"),
        ("tf.spectral.fft", "tf.signal.fft"),
        ("tf.VarLenFeature", "tf.io.VarLenFeature"),
        ("tf.string_join", "tf.strings.join"),
        ("tf.random_crop", "tf.image.random_crop"),
    ],
)
def test_known_renames(old: str, new: str) -> None:
    assert renames()[old] == new


@pytest.mark.parametrize(
    ("source", "fixed"),
    [
        (
            "import tensorflow as tf\ny = tf.log1p(x)\n",
            "import tensorflow as tf\ny = tf.math.log1p(x)\n",
        ),
        (
            "import tensorflow.compat.v1 as tf\ny = tf.random_uniform([2])\n",
            "import tensorflow.compat.v1 as tf\ny = tf.random.uniform([2])\n",
        ),
        (
            "import tensorflow as tf\nf = tf.compat.v1.spectral.fft\n",
            "import tensorflow as tf\nf = tf.signal.fft\n",
        ),
        (
            "from tensorflow import spectral\ny = spectral.rfft(x)\n",
            "import tensorflow as tf\n\ny = tf.signal.rfft(x)\n",
        ),
    ],
)
def test_import_styles(source: str, fixed: str) -> None:
    outcome = fix_module(source, [SymbolRename], should_apply=lambda a: True)
    assert outcome.source == fixed
