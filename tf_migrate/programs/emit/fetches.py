"""What a run returns: the fetch without the training ops at its top level (TF1 gives None for
them; analyze/slicing.py checked that nothing else reads those values), and the fetch with the
values that stand for some of its names (`metric.result()`, a schedule at its step)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.analyze.slicing import is_operation, remaining


def without_operations(fetch: cst.BaseExpression, operations: frozenset[str]
                       ) -> cst.BaseExpression:
    """The value `remaining` says is left: the one value, or the structure without the ops."""
    value = remaining(fetch, operations)
    assert value is not None, "the run function returns nothing"
    if value is not fetch or not operations:
        return value
    if isinstance(fetch, cst.Dict):
        entries = [e for e in fetch.elements if not is_operation(e, operations)]
        entries[-1] = entries[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return fetch.with_changes(elements=entries)
    if isinstance(fetch, cst.List | cst.Tuple):
        kept = [e for e in fetch.elements if not is_operation(e, operations)]
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return fetch.with_changes(elements=kept)
    return fetch


def leaves_replaced(fetch: object, values: dict[str, cst.BaseExpression]
                     ) -> cst.BaseExpression:
    """The fetch structure with the named leaves replaced."""
    assert isinstance(fetch, cst.BaseExpression)
    if isinstance(fetch, cst.Name):
        return values.get(fetch.value, fetch)
    if isinstance(fetch, cst.List | cst.Tuple):
        return fetch.with_changes(elements=[
            e.with_changes(value=leaves_replaced(e.value, values)) for e in fetch.elements])
    if isinstance(fetch, cst.Dict):
        return fetch.with_changes(elements=[
            e.with_changes(value=leaves_replaced(e.value, values))
            if isinstance(e, cst.DictElement) else e for e in fetch.elements])
    return fetch
