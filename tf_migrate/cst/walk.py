"""Read-only traversals of a libcst tree, the same as libcst's but without rebuilding it.

libcst traverses a tree by rebuilding it: every visited node is constructed anew (and validated)
from its visited children, then thrown away when the visitor only reads. That cost more than
all the rules together. These walks read each node's children straight from its fields, in the
order libcst visits them (cst/fields.py, generated from libcst's own code), and call the
visitors' methods as libcst does:

- `visit_batched(wrapper, visitors)`, for the rules: for each node, every visitor's
  `visit_<Type>` in visitor order, then the children, then every visitor's `leave_<Type>`; what
  a `visit_` method returns is ignored (as `MetadataWrapper.visit_batched`).
- `visit(node, visitor)`, for one `CSTVisitor`: `visit_<Type>` returning False skips the node's
  children, `leave_<Type>` is called in any case (as `node.visit(visitor)`).

Whatever these walks do not reproduce is left to libcst: a libcst other than the one the table
was made from, `visit_<Type>_<field>` hooks, a visitor with its own `on_visit`/`on_leave`.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from functools import cache

import libcst as cst
from libcst.metadata import MetadataWrapper

from tf_migrate.cst.fields import CHILD_FIELDS, CODE_FIELDS, LIBCST_VERSION, TRIVIA

_Method = Callable[[cst.CSTNode], object]
_Plan = tuple[tuple[_Method, ...], tuple[str, ...], tuple[_Method, ...]]
_NO_HOOKS: tuple[_Method, ...] = ()


# Where libcst does not say its version, its own traversal is used.
_TABLE_MATCHES = getattr(cst, "LIBCST_VERSION", None) == LIBCST_VERSION


def table_matches_libcst() -> bool:
    return _TABLE_MATCHES


def _walk(root: cst.CSTNode, hooks: Callable[[type], _Plan]) -> None:
    """Visit `root` and its descendants in libcst's order; `hooks(type)` gives the node type's
    visit methods, its child fields and its leave methods."""
    plans: dict[type, _Plan] = {}

    def walk(node: cst.CSTNode) -> None:
        kind = type(node)
        plan = plans.get(kind)
        if plan is None:
            plan = plans[kind] = hooks(kind)
        visits, fields, leaves = plan
        for visit in visits:
            visit(node)
        for field in fields:
            value = getattr(node, field)
            # What libcst's visit_required/optional/sentinel/sequence accept: a node, None,
            # MaybeSentinel.DEFAULT or a sequence of nodes. Exact type tests: CSTNode is an
            # ABC, and isinstance against it costs more than the rest of the walk.
            value_kind = type(value)
            if value_kind is tuple or value_kind is list:
                for child in value:
                    walk(child)
            elif value is not None and value_kind is not cst.MaybeSentinel:
                walk(value)
        for leave in leaves:
            leave(node)

    walk(root)


def visit_batched(wrapper: MetadataWrapper, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Visit `wrapper.module` with `visitors` in one traversal, resolving their metadata first."""
    methods: dict[str, list[_Method]] = {}
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            methods.setdefault(name, []).append(method)
    # A node type's name has no underscore: two mean a `visit_Call_func` hook.
    if not table_matches_libcst() or any(name.count("_") > 1 for name in methods):
        wrapper.visit_batched(visitors)
        return

    fields = _fields_for(name.partition("_")[2] for name in methods)

    def hooks(kind: type) -> _Plan:
        name = kind.__name__
        visits = tuple(methods.get(f"visit_{name}", _NO_HOOKS))
        return visits, fields[name], tuple(methods.get(f"leave_{name}", _NO_HOOKS))

    with ExitStack() as stack:
        for visitor in visitors:
            stack.enter_context(visitor.resolve(wrapper))
        _walk(wrapper.module, hooks)


def _fields_for(hooked: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The child fields to follow for visitors hooking the node types `hooked`: whitespace,
    comments and punctuation are more than half of a tree's nodes, and are skipped unless a
    visitor asks for one of them (nothing else can be found below them)."""
    return CHILD_FIELDS if TRIVIA.intersection(hooked) else CODE_FIELDS


def visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """`node.visit(visitor)` for a visitor that only reads: the same calls, in the same order."""
    plans = _class_plans(type(visitor)) if table_matches_libcst() else None
    if plans is None or _has_own_hooks(visitor):
        node.visit(visitor)
        return
    _visit(node, visitor, plans)


def _has_own_hooks(visitor: cst.CSTVisitor) -> bool:
    """Whether the instance itself holds a hook (libcst would call it; the plans would not)."""
    return any(name.startswith(("visit_", "leave_")) for name in vars(visitor))


# Per node type: the visitor class's visit function (None: none), child fields, leave function.
_FunctionPlan = tuple[Callable[..., object] | None, tuple[str, ...], Callable[..., object] | None]


def _visit(node: cst.CSTNode, visitor: cst.CSTVisitor, plans: dict[type, _FunctionPlan]) -> None:
    kind = type(node)
    plan = plans.get(kind)
    if plan is None:
        plan = plans[kind] = _function_plan(type(visitor), kind)
    visit_function, fields, leave_function = plan
    if visit_function is None or visit_function(visitor, node) is not False:
        for field in fields:
            value = getattr(node, field)
            value_kind = type(value)  # see _walk
            if value_kind is tuple or value_kind is list:
                for child in value:
                    _visit(child, visitor, plans)
            elif value is not None and value_kind is not cst.MaybeSentinel:
                _visit(value, visitor, plans)
    if leave_function is not None:
        leave_function(visitor, node)


def _function_plan(visitor_kind: type, node_kind: type) -> _FunctionPlan:
    name = node_kind.__name__
    visit_function = _plain_function(visitor_kind, f"visit_{name}")
    leave_function = _plain_function(visitor_kind, f"leave_{name}")
    return visit_function, _class_fields(visitor_kind)[name], leave_function


@cache
def _class_fields(kind: type) -> dict[str, tuple[str, ...]]:
    hooked = (
        name.partition("_")[2]
        for name in _TRIVIA_HOOKS
        if _plain_function(kind, name) is not None
    )
    return _fields_for(hooked)


# Every hook a visitor class could define on a trivia node type.
_TRIVIA_HOOKS = tuple(f"{event}_{name}" for name in sorted(TRIVIA) for event in ("visit", "leave"))


def _plain_function(kind: type, name: str) -> Callable[..., object] | None:
    """The function `kind` defines as method `name`; None for none or libcst's no-op stub."""
    for klass in kind.__mro__:
        if name in vars(klass):
            value = vars(klass)[name]
            return None if _is_stub(value) else value
    return None


@cache
def _class_plans(kind: type) -> dict[type, _FunctionPlan] | None:
    """An empty plan cache for visitors of class `kind`, or None when `visit` would not
    reproduce what libcst does with them: a CSTVisitor (transformers build trees) with libcst's
    own dispatch, plain functions as hooks and no hooks around single fields."""
    if not issubclass(kind, cst.CSTVisitor) or issubclass(kind, cst.CSTTransformer):
        return None
    dispatch = ("on_visit", "on_leave", "on_visit_attribute", "on_leave_attribute")
    if any(getattr(kind, name) is not getattr(cst.CSTVisitor, name) for name in dispatch):
        return None
    # The hooks the class resolves to: each name's first definition along the MRO, as
    # `inspect.getattr_static` finds it, but one pass over the class dicts instead of one MRO
    # search per name (libcst's base classes declare some 1,600 stubs).
    seen: set[str] = set()
    for klass in kind.__mro__:
        if klass.__module__ == _STUBS_MODULE:
            continue  # only stubs there: nothing a subclass does not define is a hook
        for name, value in vars(klass).items():
            if not name.startswith(("visit_", "leave_")) or name in seen:
                continue
            seen.add(name)
            if _is_stub(value):
                continue
            if not isinstance(value, types.FunctionType):
                return None  # a staticmethod, a callable object: left to libcst
            node_type, _, field = name.partition("_")[2].partition("_")
            if field and node_type in CHILD_FIELDS:
                return None
    return {}


# Where libcst declares its no-op visit_/leave_ methods (CSTTypedVisitorFunctions and kin).
_STUBS_MODULE = "libcst._typed_visitor"


def _is_stub(method: object) -> bool:
    return bool(getattr(method, "_is_no_op", False))
