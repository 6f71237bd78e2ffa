"""tf.data iterators written as TF2 iterators, as analyze/iterators.py and iterator_runs.py
planned them: `iter(dataset)` where TF1 made an iterator or initialized one."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.model import IteratorFromDataset, IteratorStatement, Reinitialization


def _iter(dataset: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Name("iter"), [cst.Arg(dataset)])


def _assign(name: str, value: cst.BaseExpression) -> cst.Assign:
    return cst.Assign([cst.AssignTarget(cst.Name(name))], value)


def iterator(maker: cst.Call, plan: IteratorFromDataset) -> cst.Call:
    """`ds.make_one_shot_iterator()` / `tf.data.make_one_shot_iterator(ds)` -> `iter(ds)`."""
    if plan.dataset_is_argument:
        return _iter(maker.args[0].value)
    assert isinstance(maker.func, cst.Attribute)
    return _iter(maker.func.value)


def iterator_statement(line: cst.SimpleStatementLine, plan: IteratorStatement
                       ) -> cst.SimpleStatementLine:
    """The line of a chained `get_next()` becomes the iterator it made, under its name."""
    made = iterator(plan.maker, IteratorFromDataset(bool(plan.maker.args)))
    return line.with_changes(body=[_assign(plan.name, made)])


def reinitialization(plan: Reinitialization) -> cst.Assign:
    """`sess.run(iterator.initializer)` -> `iterator = iter(dataset)`."""
    source = plan.data.dataset
    if plan.data.rebuilt and isinstance(source, cst.Name):
        assert plan.named_value is not None
        source = plan.named_value
    return _assign(plan.iterator, _iter(source))
