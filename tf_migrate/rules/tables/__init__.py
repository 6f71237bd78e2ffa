"""Data tables the rules read: renames.json is generated (scripts/generate_renames.py), the others
are curated by hand and checked against TensorFlow by scripts/ (never imported here)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


def _load(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def renames() -> dict[str, str]:
    """`tf.log` -> `tf.math.log`: TF1 names and the TF2 name of the very same object."""
    table: dict[str, str] = _load("renames.json")["renames"]
    return table


@cache
def tf1_only() -> frozenset[str]:
    """TF1 public names that TF2 has under no name at all (generated with the renames)."""
    return frozenset(_load("renames.json")["tf1_only"])


@dataclass(frozen=True)
class CallSpec:
    """How a TF1 call maps to TF2: parameter names in TF1's and TF2's positional order, keyword
    renames, value rewrites (`one_minus`, `stop_gradient`), parameters TF2 removed (with why),
    and a new function name when it changes. `example` is (before, after) and is a test; `after`
    equals `before` for a `manual` entry."""

    names: tuple[str, ...]
    tf1_params: tuple[str, ...]
    tf2_params: tuple[str, ...]
    keywords: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    note: str = ""
    manual: str | None = None  # always a manual finding, for this reason
    # ... except in a file that no longer shows TF1 code, where the rewrite cannot be mistaken
    # for the TF1 function of the target's name.
    fix_outside_tf1: bool = False
    # TF 1.15 guards the parameters with a `_sentinel`: positional arguments are pre-1.0 code.
    keyword_only: bool = False
    example: tuple[str, str] = ("", "")

    def __hash__(self) -> int:
        return hash(self.names)


@cache
def call_specs() -> dict[str, CallSpec]:
    """Curated argument changes (arguments.json), by TF1 name."""
    specs: dict[str, CallSpec] = {}
    for entry in _load("arguments.json")["functions"]:
        spec = CallSpec(
            names=tuple(entry["names"]),
            tf1_params=tuple(entry["tf1_params"]),
            tf2_params=tuple(entry["tf2_params"]),
            keywords=dict(entry.get("keywords", {})),
            values=dict(entry.get("values", {})),
            removed=dict(entry.get("removed", {})),
            target=entry.get("target"),
            note=entry.get("note", ""),
            manual=entry.get("manual"),
            fix_outside_tf1=entry.get("fix_outside_tf1", False),
            keyword_only=entry.get("keyword_only", False),
            example=(entry["example"][0], entry["example"][1]),
        )
        for name in spec.names:
            specs[name] = spec
    return specs


@dataclass(frozen=True)
class Fallback:
    """A TF1-only function kept as `tf.compat.v1.X` because no TF2 function computes the same
    numbers; checked to run eagerly on TensorFlow 2.21 by scripts/check_compat_fallbacks.py."""

    name: str
    reason: str
    eager_check: str


@cache
def compat_fallbacks() -> dict[str, Fallback]:
    data = _load("compat_fallback.json")
    return {
        name: Fallback(name, entry["reason"], entry["eager_check"])
        for name, entry in data["fallbacks"].items()
    }
