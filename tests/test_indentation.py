"""Indentation mixing tabs and spaces: expanded as CPython reads it, string contents kept."""

from __future__ import annotations

from tf_migrate.engine.indentation import expand_indentation
from tf_migrate.model import Applicability, Finding, Location

MIXED = "if x:\n\tif y:\n  \t\tz = 1\n"


def test_tabs_in_indentation_expand_to_the_next_multiple_of_eight() -> None:
    expanded = expand_indentation(MIXED)
    assert expanded is not None
    assert expanded.text == "if x:\n        if y:\n                z = 1\n"
    assert expanded.widths == {2: (1, 8), 3: (4, 16)}


def test_string_contents_keep_their_tabs() -> None:
    source = 'doc = """\n\tkept\n\t"""\nquoted = "a\\\n\tkept"\n' + MIXED
    expanded = expand_indentation(source)
    assert expanded is not None
    assert expanded.text.startswith('doc = """\n\tkept\n\t"""\nquoted = "a\\\n\tkept"\n')
    assert set(expanded.widths) == {7, 8}


def test_nothing_to_expand_or_not_python() -> None:
    assert expand_indentation("if x:\n    y = 1\n") is None
    assert expand_indentation("if x:\n\ty = (\n") is None


def test_findings_are_located_in_the_original_columns() -> None:
    expanded = expand_indentation(MIXED)
    assert expanded is not None

    def located(line: int, column: int, end_column: int) -> Location:
        finding = Finding("X", "x", "m", Location(line, column, line, end_column),
                          Applicability.MANUAL)
        return expanded.original(finding).location

    # `z = 1` starts after 16 expanded columns, after 4 characters in the file.
    assert located(3, 17, 22) == Location(3, 5, 3, 10)
    # A column inside the expanded indentation stays, at most where the indentation ends.
    assert located(3, 3, 17) == Location(3, 3, 3, 5)
    assert located(1, 1, 6) == Location(1, 1, 1, 6)  # unchanged lines keep their columns
