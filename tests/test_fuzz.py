"""Fuzzing the engine: no crash, outputs compile where inputs did, a second run changes nothing.

The default suite checks a small sample. The volume run (5,000 inputs: 2,500 mutants of real TF1
programs and 2,500 hypothesmith programs, in chunks that pytest-xdist spreads over workers) is
marked slow and deselected by default:

    python -m pytest -m slow -n 2 tests/test_fuzz.py

Each chunk asserts 0 problems among all its inputs and lists every problem it found.
"""

from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.fuzzing import TF_HEADER, mutants, problems

SAMPLE_MUTANTS = 40
SAMPLE_PROGRAMS = 20
VOLUME_CHUNKS = 25
VOLUME_PER_CHUNK = 100  # of each kind: 25 x 100 x 2 = 5,000 inputs


def _check_mutants(chunk: int, count: int) -> None:
    found = {}
    checked = 0
    for text in mutants(chunk, count):
        checked += 1
        if trouble := problems(text):
            found[text] = trouble
    assert checked == count
    assert not found, f"{len(found)} of {count} mutants: {found}"


def _check_programs(chunk: int, count: int) -> None:
    found: dict[str, list[str]] = {}
    checked: list[str] = []

    @seed(chunk)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(hypothesmith.from_grammar())
    def check(program: str) -> None:
        text = TF_HEADER + program
        checked.append(text)
        if trouble := problems(text):
            found[text] = trouble

    check()
    assert len(checked) >= count * 0.9, "hypothesis gave up early"
    assert not found, f"{len(found)} of {len(checked)} programs: {found}"


def test_mutants_of_real_programs_sample() -> None:
    _check_mutants(chunk=-1, count=SAMPLE_MUTANTS)


def test_hypothesmith_programs_sample() -> None:
    _check_programs(chunk=-1, count=SAMPLE_PROGRAMS)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(VOLUME_CHUNKS))
def test_mutants_of_real_programs_at_volume(chunk: int) -> None:
    _check_mutants(chunk, VOLUME_PER_CHUNK)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(VOLUME_CHUNKS))
def test_hypothesmith_programs_at_volume(chunk: int) -> None:
    _check_programs(chunk, VOLUME_PER_CHUNK)
