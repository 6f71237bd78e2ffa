"""The engine's read-only traversal (tf_migrate/cst/walk.py) must visit exactly what libcst's
batched traversal visits, in the same order, and give the same findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

import tf_migrate.cst.walk as walk
from tf_migrate.cst.fields import CHILD_FIELDS, TRIVIA
from tf_migrate.cst.layout import node_classes, render_module
from tf_migrate.engine.fixer import collect
from tf_migrate.rules.registry import all_rules
from tf_migrate.rules.support.rule import RuleOptions

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tf_migrate" / "cst" / "fields.py"

# Python syntax beyond what TF1 scripts use, so that every kind of field is walked: sequences,
# optional nodes, MaybeSentinel defaults, ImportStar, f-string format specs, match statements.
EVERY_SYNTAX = '''\
"""Module docstring."""
from __future__ import annotations
import os.path as p, sys
from . import sibling
from .pkg import (a as b, c,)
from m import *

# a comment
@decorator(arg)
@other.attr
async def f(x: int, /, y=1, *args: str, z, k: "K" = 2, **kwargs) -> list[int]:
    global g
    async with open(x) as (h, i), lock:
        async for item in aiter():
            await item
    return [v async for v in gen() if v if not v]

class C(Base, metaclass=Meta):
    attr: int = 0
    def method(self):
        nonlocal_name = lambda a, *b, c=1, **d: (a, b, c, d)
        yield from range(3)
        yield

def g():
    x = 1
    def inner():
        nonlocal x
        x += 1; x -= 1; x *= 2; x @= m; x /= 2; x //= 2; x %= 2; x **= 2
        x <<= 1; x >>= 1; x &= 1; x |= 1; x ^= 1
    del x
    assert x, "message"
    raise ValueError("v") from None

try:
    pass
except (A, B) as error:
    raise
except C:
    pass
else:
    pass
finally:
    pass

try:
    pass
except* D as group:
    pass

while not a and b or c:
    if a < b <= c > d >= e == f != g is h is not i in j not in k:
        break
    elif (n := 10) > 5:
        continue
    else:
        pass
else:
    pass

for i, (j, *k) in enumerate(z):
    print(f"{i!r:>{width}.{prec}} {j=} {k:{'fmt'}}", 'a' 'b', b"bytes", r"raw", 0x1F, 1e-3, 2j)

match command.split():
    case [action]:
        pass
    case [action, obj] if obj:
        pass
    case Point(x=0, y=0) | {"key": value, **rest}:
        pass
    case (1 | 2) as number:
        pass
    case [*items] | None | True:
        pass
    case _:
        pass

s = {1, 2}; d = {"a": 1, **other}; t = (1,); l = [*a, *b]
sc = {x for x in y}; dc = {k: v for k, v in z}; ge = (x for x in y)
sub = a[1:2, ::3, ...][-1] + ~b - +c * d / e // f % g ** h @ m << 1 >> 2 & 3 | 4 ^ 5
cond = a if b else c
print(*args, sep="", **kwargs)
with open(p) as fh: fh.read()
if x: y = 1
'''


class _Recorder(cst.BatchableCSTVisitor):
    """Records every visit and leave of every node type, as (event, node identity)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        hooks: dict[str, Callable[[cst.CSTNode], None]] = {}
        for name in CHILD_FIELDS:
            hooks[f"visit_{name}"] = lambda node: self.events.append(("visit", id(node)))
            hooks[f"leave_{name}"] = lambda node: self.events.append(("leave", id(node)))
        return hooks


class _CodeRecorder(_Recorder):
    """Records visits and leaves of every node type but whitespace, comments and punctuation:
    the walk then skips those, as the rules' visitors let it."""

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        return {
            name: hook
            for name, hook in super().get_visitors().items()
            if name.partition("_")[2] not in TRIVIA
        }


def _programs() -> list[tuple[str, str]]:
    paths = [*ROOT.glob("tests/idioms/**/*.py"), *ROOT.glob("fixtures/*/*.py")]
    named = [(str(path.relative_to(ROOT)), path.read_text("utf-8")) for path in sorted(paths)]
    return [("every syntax", EVERY_SYNTAX), *named]


PROGRAMS = _programs()


def test_the_field_table_is_generated_from_the_installed_libcst() -> None:
    regenerate = "run `python scripts/generate_cst_fields.py`"
    assert walk.table_matches_libcst(), regenerate
    assert TABLE.read_text("utf-8") == render_module(), regenerate
    assert set(CHILD_FIELDS) == set(node_classes())


def test_every_syntax_sample_parses_and_uses_most_node_types() -> None:
    recorder = _Recorder()
    module = cst.parse_module(EVERY_SYNTAX)
    walk.visit_batched(MetadataWrapper(module, unsafe_skip_copy=True), [recorder])
    seen = {type(node).__name__ for node in _nodes(module)}
    assert len(seen) > 150, sorted(set(CHILD_FIELDS) - seen)


def _nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    found = [node]
    for child in node.children:
        found.extend(_nodes(child))
    return found


def _walked(recorder: type[_Recorder], module: cst.Module) -> list[tuple[str, int]]:
    """The events of `recorder` walked over `module`, after checking libcst records the same."""
    ours, theirs = recorder(), recorder()
    walk.visit_batched(MetadataWrapper(module, unsafe_skip_copy=True), [ours])
    MetadataWrapper(module, unsafe_skip_copy=True).visit_batched([theirs])
    assert ours.events == theirs.events
    return ours.events


@pytest.mark.parametrize(("name", "code"), PROGRAMS, ids=[name for name, _ in PROGRAMS])
def test_the_walk_visits_what_libcst_visits_in_the_same_order(name: str, code: str) -> None:
    module = cst.parse_module(code)
    assert len(_walked(_Recorder, module)) == 2 * len(_nodes(module))


@pytest.mark.parametrize(("name", "code"), PROGRAMS, ids=[name for name, _ in PROGRAMS])
def test_a_walk_without_trivia_hooks_visits_the_rest_as_libcst_does(name: str, code: str) -> None:
    module = cst.parse_module(code)
    trivia = [node for node in _nodes(module) if type(node).__name__ in TRIVIA]
    assert len(_walked(_CodeRecorder, module)) == 2 * (len(_nodes(module)) - len(trivia))


def test_trivia_is_whitespace_comments_and_punctuation() -> None:
    assert {"SimpleWhitespace", "Comment", "Newline", "Comma", "Dot", "Add", "LeftParen"} <= TRIVIA
    assert not {"Name", "Attribute", "Call", "Arg", "Integer", "SimpleString"} & TRIVIA
    # Below trivia there is only trivia (the generator checks it from libcst's annotations).
    for node in _nodes(cst.parse_module(EVERY_SYNTAX)):
        if type(node).__name__ in TRIVIA:
            assert all(type(below).__name__ in TRIVIA for below in _nodes(node)[1:])


@pytest.mark.parametrize(("name", "code"), PROGRAMS[::3], ids=[name for name, _ in PROGRAMS[::3]])
def test_findings_equal_those_of_libcst_traversal(
    name: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def findings() -> list[object]:
        _, pairs = collect(cst.parse_module(code), code, all_rules(), RuleOptions())
        return [finding for _, finding in pairs]

    fast = findings()
    monkeypatch.setattr(walk, "table_matches_libcst", lambda: False)
    assert fast == findings()


def test_another_libcst_or_attribute_hooks_use_libcst_traversal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class FieldHook(cst.BatchableCSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.funcs: list[cst.CSTNode] = []

        def visit_Call_func(self, node: cst.Call) -> None:
            self.funcs.append(node)

    def own_walk_unused(*args: object) -> None:
        raise AssertionError("the table-driven walk ran where libcst's traversal was due")

    monkeypatch.setattr(walk, "_walk", own_walk_unused)
    module = cst.parse_module("f(g(1))\n")
    hook = FieldHook()
    walk.visit_batched(MetadataWrapper(module, unsafe_skip_copy=True), [hook])
    assert len(hook.funcs) == 2  # the field hook ran: libcst's traversal calls it

    monkeypatch.setattr(walk, "table_matches_libcst", lambda: False)
    recorder = _Recorder()
    walk.visit_batched(MetadataWrapper(module, unsafe_skip_copy=True), [recorder])
    assert len(recorder.events) == 2 * len(_nodes(module))  # every visit and leave, by libcst


def _recording_visitor_class(trivia: bool = True, **extra: object) -> type[cst.CSTVisitor]:
    """A CSTVisitor recording every visit and leave; it skips the children of calls to `skip`."""

    def visit(self: Any, node: cst.CSTNode) -> bool:
        self.events.append(("visit", id(node)))
        func = node.func if isinstance(node, cst.Call) else None
        return not (isinstance(func, cst.Name) and func.value == "skip")

    def leave(self: Any, node: cst.CSTNode) -> None:
        self.events.append(("leave", id(node)))

    methods: dict[str, object] = {"events": None}
    for name in CHILD_FIELDS:
        if name in TRIVIA and not trivia:
            continue
        methods[f"visit_{name}"] = visit
        methods[f"leave_{name}"] = leave
    methods.update(extra)
    return type("Recording", (cst.CSTVisitor,), methods)


def _events(kind: type[cst.CSTVisitor], module: cst.Module, fast: bool) -> list[tuple[str, int]]:
    visitor: Any = kind()
    visitor.events = []
    if fast:
        walk.visit(module, visitor)
    else:
        module.visit(visitor)
    return list(visitor.events)


@pytest.mark.parametrize(("name", "code"), PROGRAMS[::5], ids=[name for name, _ in PROGRAMS[::5]])
def test_visit_calls_a_visitor_as_libcst_does(name: str, code: str) -> None:
    module = cst.parse_module(code + "\nskip(f(x))\n")
    kind = _recording_visitor_class()
    assert walk._class_plans(kind) is not None
    fast, slow = _events(kind, module, True), _events(kind, module, False)
    assert fast == slow
    assert len(fast) < 2 * len(_nodes(module))  # the children of `skip(...)` were skipped


@pytest.mark.parametrize(("name", "code"), PROGRAMS[::5], ids=[name for name, _ in PROGRAMS[::5]])
def test_visit_without_trivia_hooks_calls_the_rest_as_libcst_does(name: str, code: str) -> None:
    module = cst.parse_module(code + "\nskip(f(x))\n")
    kind = _recording_visitor_class(trivia=False)
    fast, slow = _events(kind, module, True), _events(kind, module, False)
    assert fast == slow and fast


def test_visit_leaves_what_it_does_not_reproduce_to_libcst() -> None:
    module = cst.parse_module("f(g(1))\nskip(h(2))\n")

    def on_field(self: Any, node: cst.CSTNode) -> None:
        self.events.append(("func", id(node)))

    def on_visit(self: Any, node: cst.CSTNode) -> bool:
        self.events.append(("any", id(node)))
        return cst.CSTVisitor.on_visit(self, node)

    for extra, marker in (({"visit_Call_func": on_field}, "func"), ({"on_visit": on_visit}, "any")):
        kind = _recording_visitor_class(**extra)
        assert walk._class_plans(kind) is None
        events = _events(kind, module, True)
        assert any(event == marker for event, _ in events)  # the hook libcst alone calls ran
    assert walk._class_plans(cst.CSTTransformer) is None


def test_the_visitor_base_classes_skipped_for_hooks_declare_only_stubs() -> None:
    import libcst._typed_visitor as typed

    classes = [value for value in vars(typed).values() if isinstance(value, type)]
    hooks = [
        value
        for klass in classes
        if klass.__module__ == typed.__name__
        for name, value in vars(klass).items()
        if name.startswith(("visit_", "leave_"))
    ]
    assert len(hooks) > 1000 and all(walk._is_stub(hook) for hook in hooks)
