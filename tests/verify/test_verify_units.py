"""Comparison, distribution checks and fixture.toml parsing, without TensorFlow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from verify_helpers import under_ci

from tf_migrate.verify.align import Stats, same_distribution
from tf_migrate.verify.cli import parse_size
from tf_migrate.verify.compare import compare, compare_all
from tf_migrate.verify.fixture import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    FixtureError,
    discover,
    load,
)
from tf_migrate.verify.harness import SKIP, Options, verify_fixture
from tf_migrate.verify.runtimes import Runtime


def allclose_agrees(before: np.ndarray, after: np.ndarray, rtol: float, atol: float) -> bool:
    try:
        np.testing.assert_allclose(after, before, rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("scale", [1e-7, 1e-6, 1e-5, 1e-4, 1e-2])
def test_pass_fail_matches_numpy_assert_allclose(scale: float) -> None:
    rng = np.random.default_rng(int(scale * 1e9))
    before = rng.normal(size=(20, 5)).astype(np.float32)
    after = before + rng.normal(scale=scale, size=before.shape).astype(np.float32)
    result = compare("x", before, after, DEFAULT_RTOL, DEFAULT_ATOL)
    assert result.passed == allclose_agrees(before, after, DEFAULT_RTOL, DEFAULT_ATOL)
    diff = np.abs(after.astype(np.float64) - before.astype(np.float64))
    assert result.max_abs_err == pytest.approx(float(diff.max()))
    assert result.max_rel_err == pytest.approx(float((diff / np.abs(before)).max()))


def test_nan_and_inf_handling() -> None:
    before = np.array([np.nan, 1.0, np.inf, -np.inf])
    same = compare("same", before, before.copy(), DEFAULT_RTOL, DEFAULT_ATOL)
    assert same.passed and same.max_abs_err == 0
    one_sided = compare("one", before, np.array([0.0, 1.0, np.inf, -np.inf]), 1e-5, 1e-6)
    assert not one_sided.passed and "NaN on one side only" in one_sided.detail
    flipped_inf = compare("inf", before, np.array([np.nan, 1.0, -np.inf, -np.inf]), 1e-5, 1e-6)
    assert not flipped_inf.passed and flipped_inf.mismatched == 1


def test_shape_dtype_family_bool_and_str() -> None:
    shape = compare("s", np.zeros((2, 1)), np.zeros(2), 1e-5, 1e-6)
    assert not shape.passed and "shape" in shape.detail
    int_to_float = compare("d", np.array([-4, 2]), np.array([-3.5, 2.0]), 1e-5, 1e-6)
    assert not int_to_float.passed and int_to_float.family == "int->float"
    widths = compare("w", np.array([1, 2], np.int32), np.array([1, 2], np.int64), 1e-5, 1e-6)
    assert widths.passed and widths.family == "int"
    flags = compare("b", np.array([True, False]), np.array([True, True]), 1e-5, 1e-6)
    assert not flags.passed and flags.mismatched == 1
    words = compare("t", np.array(["a", "b"]), np.array(["a", "c"]), 1e-5, 1e-6)
    assert not words.passed and words.mismatched == 1


def test_compare_all_reports_names_on_one_side_only() -> None:
    before = {"a": np.ones(2), "b": np.zeros(1)}
    after = {"a": np.ones(2), "c": np.zeros(1)}
    comparisons, only_before, only_after = compare_all(before, after, None, 1e-5, 1e-6)
    assert [c.name for c in comparisons] == ["a"]
    assert (only_before, only_after) == (["b"], ["c"])


def stats_of(values: np.ndarray) -> Stats:
    flat = values.astype(np.float64).ravel()
    return Stats(
        flat.size, float(flat.mean()), float(flat.std()), float(flat.min()), float(flat.max())
    )


def test_distribution_check_on_samples() -> None:
    rng = np.random.default_rng(0)
    normal = stats_of(rng.normal(0, 1.0, 96))
    assert same_distribution(normal, stats_of(rng.normal(0, 1.0, 96)))[0] == "same"
    assert same_distribution(normal, stats_of(rng.normal(0, 0.05, 96)))[0] == "different"
    assert same_distribution(normal, stats_of(rng.uniform(0, 1, 96)))[0] == "different"
    zeros, ones = stats_of(np.zeros(8)), stats_of(np.ones(8))
    assert same_distribution(zeros, stats_of(np.zeros(8)))[0] == "same"
    assert same_distribution(zeros, ones)[0] == "different"
    assert same_distribution(zeros, stats_of(rng.normal(size=8)))[0] == "different"
    assert same_distribution(stats_of(np.ones(1) * 3), stats_of(np.ones(1) * 2))[0] == "untestable"


@pytest.mark.parametrize("n", [4, 16, 1000])
def test_distribution_check_rarely_flags_equal_initializers(n: int) -> None:
    rng = np.random.default_rng(n)
    draws = [
        same_distribution(stats_of(rng.normal(size=n)), stats_of(rng.normal(size=n)))[0]
        for _ in range(300)
    ]
    draws += [
        same_distribution(stats_of(rng.uniform(-1, 1, n)), stats_of(rng.uniform(-1, 1, n)))[0]
        for _ in range(300)
    ]
    assert draws.count("different") == 0


def write_fixture(folder: Path, toml: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "before.py").write_text("value = 1\n")
    (folder / "after.py").write_text("value = 1\n")
    (folder / "fixture.toml").write_text(toml)
    return folder


def test_fixture_defaults_and_overrides(tmp_path: Path) -> None:
    plain = load(write_fixture(tmp_path / "plain", ""))
    assert (plain.outputs, plain.rtol, plain.atol, plain.align) == (None, 1e-5, 1e-6, True)
    custom = load(
        write_fixture(
            tmp_path / "custom",
            'outputs = ["value"]\nrtol = 1e-4\nreason = "Adam drift"\nalign = "none"\n'
            'needs = ["tf1.15"]\ntimeout_s = 30\nafter = "tool"\n',
        )
    )
    assert custom.outputs == ("value",) and custom.rtol == 1e-4 and not custom.align
    assert custom.needs == ("tf1.15",) and custom.timeout_s == 30 and custom.after_kind == "tool"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("colour = 1\n", "unknown key(s) colour"),
        ("rtol = 1e-3\n", "say why in `reason`"),
        ('outputs = "value"\n', "`outputs` must be"),
        ('align = "sometimes"\n', "`align` must be"),
        ('needs = ["gpu"]\n', "unknown need(s) gpu"),
        ('after = "mine"\n', "`after` must be"),
        ("timeout_s = 0\n", "`timeout_s` must be positive"),
        ("outputs = [\n", "not valid TOML"),
    ],
)
def test_fixture_errors(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(FixtureError) as caught:
        load(write_fixture(tmp_path / "bad", toml))
    assert message in str(caught.value)


def test_discover_fixture_folder_or_parent(tmp_path: Path) -> None:
    first = write_fixture(tmp_path / "suite" / "a", "")
    second = write_fixture(tmp_path / "suite" / "b", "")
    (tmp_path / "suite" / "notes").mkdir()
    assert discover([tmp_path / "suite"]) == [first, second]
    assert discover([first]) == [first]
    with pytest.raises(FixtureError, match="no such file"):
        discover([tmp_path / "missing"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4GiB", 4 * 1024**3), ("512M", 512 * 1024**2), ("1.5g", int(1.5 * 1024**3)), ("100", 100)],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


def test_fixture_needing_tf115_is_skipped_under_the_compat_runtime(tmp_path: Path) -> None:
    fixture = load(write_fixture(tmp_path / "contrib", 'needs = ["tf1.15"]\n'))
    compat = Runtime("before", Path("python"), "test", "3.11.7", "2.15.1", "tf1-compat")
    after = Runtime("after", Path("python"), "test", "3.11.7", "2.21.0", "tf2")
    result = verify_fixture(fixture, Options(before=compat, after=after))
    assert result.status == SKIP
    assert "TF 2.x as tensorflow.compat.v1" in result.message
    assert result.runs == []


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " true "])
def test_ci_is_set_by_true_like_values(value: str) -> None:
    assert under_ci({"CI": value})


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no", "off", "n", "2", "ci"])
def test_ci_is_not_set_by_other_values(value: str) -> None:
    assert not under_ci({"CI": value})


def test_ci_unset_is_not_ci_and_the_process_environment_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not under_ci({})
    monkeypatch.setenv("CI", "false")
    assert not under_ci()
    monkeypatch.setenv("CI", "yes")
    assert under_ci()
    monkeypatch.delenv("CI")
    assert not under_ci()


def test_a_run_that_skips_its_last_random_ops_hands_their_positions_on() -> None:
    """A TF1 run reserves positions for the random ops it may execute; one in a `tf.cond`
    branch not taken draws nothing, and the next run's draws start where this run's ended, as
    in a TF2 function that never reaches the op."""
    from tf_migrate.verify.child.stream import NO_DRAW, Stream

    stream = Stream()
    stream.begin_block([1, 2])  # an initializer run: two ops, both draw
    for record in (1, 2):
        position, _ = stream.claim(record, None)
        stream.sequence[position] = 0
    stream.end_block()
    stream.begin_block([3, 4])  # a run whose dropout (4) sits in a branch not taken
    position, _ = stream.claim(3, None)
    stream.sequence[position] = 0
    stream.end_block()
    assert stream.next_free == 3 and stream.sequence == [0, 0, 0]
    stream.begin_block([5, 6])  # an unused reservation before a used one stays a gap
    position, _ = stream.claim(6, None)
    stream.end_block()
    assert position == 4 and stream.sequence[3] == NO_DRAW and stream.next_free == 5
