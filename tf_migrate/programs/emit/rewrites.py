"""The TF2 form of a node the analysis planned one for (GraphProgram.rewrites, in_place), given
the node as rewritten so far: the plans of the nodes inside it are applied first; and graph
code as a run function holds it, with those plans applied and `tf.assign*` become methods."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from tf_migrate.cst.arguments import bind_args, keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.wrapping import LINE_LIMIT, fitted_call, one_per_line
from tf_migrate.programs.analyze.expressions import assign_call
from tf_migrate.programs.analyze.syntax import scope_name
from tf_migrate.programs.emit.constructs import argument, constructed
from tf_migrate.programs.emit.control_flow import reshaped
from tf_migrate.programs.emit.iterators import iterator, iterator_statement, reinitialization
from tf_migrate.programs.emit.module_helpers import module_class, object_call
from tf_migrate.programs.emit.recurrent import recurrent_run, state_index
from tf_migrate.programs.model import (
    ArgumentReshape,
    Constructed,
    Context,
    DimensionValue,
    ExpressionPlan,
    IteratorFromDataset,
    IteratorName,
    IteratorStatement,
    LayerCall,
    ModelCall,
    ModuleClass,
    NameScope,
    NewVariable,
    NoArguments,
    ObjectCall,
    Penalties,
    RecurrentRun,
    SparseValueTuple,
    StateIndex,
    StatementPlan,
    VariableList,
    WithoutSession,
)


def rewritten(node: cst.CSTNode, plan: ExpressionPlan | StatementPlan) -> cst.CSTNode:
    if isinstance(plan, ArgumentReshape):
        assert isinstance(node, cst.Call)
        return reshaped(node, plan)
    if isinstance(plan, DimensionValue):
        assert isinstance(node, cst.Attribute)
        return node.value
    if isinstance(plan, IteratorFromDataset):
        assert isinstance(node, cst.Call)
        return iterator(node, plan)
    if isinstance(plan, IteratorName):
        return cst.Name(plan.name)
    if isinstance(plan, LayerCall):
        assert isinstance(node, cst.Call)
        return layer_call(node, plan)
    if isinstance(plan, ModelCall):
        return model_call(plan)
    if isinstance(plan, NewVariable):
        return fitted_call(new_variable(plan), plan.room)
    if isinstance(plan, ObjectCall):
        assert isinstance(node, cst.Call)
        return object_call(node, plan)
    if isinstance(plan, ModuleClass):
        assert isinstance(node, cst.FunctionDef)
        return module_class(node, plan)
    if isinstance(plan, NameScope):
        assert isinstance(node, cst.Call)
        name = scope_name(node)
        assert name is not None
        return cst.Call(dotted(plan.path), [cst.Arg(name)])
    if isinstance(plan, Penalties):
        listed = cst.List([cst.Element(cst.parse_expression(term)) for term in plan.terms])
        if len(plan.terms) > 1 and sum(len(term) + 2 for term in plan.terms) > 60:
            listed = one_per_line(list(listed.elements), "    ")
        if not plan.summed:
            return listed
        if not plan.terms:
            return cst.parse_expression(f"{plan.tf}.constant(0.0)")
        return cst.Call(dotted(f"{plan.tf}.add_n"), [cst.Arg(listed)])
    if isinstance(plan, RecurrentRun):
        assert isinstance(node, cst.SimpleStatementLine)
        return recurrent_run(node, plan)
    if isinstance(plan, StateIndex):
        return state_index(node, plan)
    if isinstance(plan, Constructed):
        # Bound to a name where a TF1 object was: a long one is wrapped (the name's length
        # unknown here, a short one is assumed).
        return fitted_call(constructed(plan.constructor), LINE_LIMIT - 20)
    if isinstance(plan, NoArguments):
        assert isinstance(node, cst.Call)
        return node.with_changes(args=[])
    if isinstance(plan, SparseValueTuple):
        assert isinstance(node, cst.Call)
        return sparse_tuple(node)
    if isinstance(plan, VariableList):
        return cst.parse_expression(f"[{', '.join(plan.members)}]")
    if isinstance(plan, IteratorStatement):
        assert isinstance(node, cst.SimpleStatementLine)
        return iterator_statement(node, plan)
    if isinstance(plan, WithoutSession):
        return without_session(node, plan)
    return reinitialization(plan)


def new_variable(plan: NewVariable) -> cst.Call:
    """`tf.Variable(initializer(shape, dtype=dtype), name=..., trainable=...)`."""
    initial = argument(plan.initial)
    if plan.shape is not None:
        args = [cst.Arg(plan.shape)]
        if plan.dtype is not None:
            args.append(keyword_arg("dtype", plan.dtype))
        initial = cst.Call(initial, args)
    return cst.Call(dotted(plan.path), [cst.Arg(initial), *(
        keyword_arg(keyword, value) for keyword, value in plan.keywords)])


def layer_call(node: cst.Call, plan: LayerCall) -> cst.BaseExpression:
    """`tf.layers.dense(x, 64)` as `layer(x)`; a dropout with its `training=` (module docstring
    of model.LayerCall)."""
    bound = bind_args(node, plan.params)
    assert bound is not None
    inputs = bound["inputs"]
    layer = cst.Name(plan.name)
    if plan.training is None:
        return cst.Call(layer, [cst.Arg(inputs)])
    training = bound.get(plan.training, cst.Name(plan.training_default))
    if not plan.training_tensor:
        return cst.Call(layer, [cst.Arg(inputs), keyword_arg("training", training)])
    dropped = cst.Call(layer, [cst.Arg(inputs), keyword_arg("training", cst.Name("True"))])
    off = inputs if plan.identity_off else cst.Call(
        layer, [cst.Arg(inputs), keyword_arg("training", cst.Name("False"))])
    return cst.Call(dotted(plan.cond), [
        cst.Arg(training), cst.Arg(cst.Lambda(cst.Parameters(), dropped)),
        cst.Arg(cst.Lambda(cst.Parameters(), off))])


def model_call(plan: ModelCall) -> cst.BaseExpression:
    """A chain of layer calls as its model's call (model.ModelCall)."""
    model = cst.Name(plan.name)
    if plan.training is None:
        return cst.Call(model, [cst.Arg(plan.inputs)])
    if not plan.training_tensor:
        return cst.Call(model, [cst.Arg(plan.inputs), keyword_arg("training", plan.training)])
    branches = [cst.Lambda(cst.Parameters(), cst.Call(model, [
        cst.Arg(plan.inputs), keyword_arg("training", cst.Name(value))]))
        for value in ("True", "False")]
    return cst.Call(dotted(plan.cond), [cst.Arg(plan.training),
                                        *(cst.Arg(branch) for branch in branches)])


def sparse_tuple(node: cst.Call) -> cst.Tuple:
    """`tf.SparseTensorValue(indices, values, dense_shape)` as `(indices, values, dense_shape)`,
    which TF1 fed a sparse placeholder alike."""
    fields = bind_args(node, ("indices", "values", "dense_shape"))
    assert fields is not None
    return cst.Tuple([cst.Element(fields[key]) for key in ("indices", "values", "dense_shape")])


def without_session(node: cst.CSTNode, plan: WithoutSession) -> cst.CSTNode:
    """The function's definition without its session parameter, or a call without the
    session it passed."""
    if isinstance(node, cst.FunctionDef):
        params = [p for p in node.params.params if p.name.value != plan.name]
        if params:
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return node.with_changes(params=node.params.with_changes(params=params))
    assert isinstance(node, cst.Call)
    positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
    dropped = positional[plan.index] if plan.index < len(positional) else next(
        arg for arg in node.args if arg.keyword is not None and arg.keyword.value == plan.name)
    args = [arg for arg in node.args if arg is not dropped]
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(args=args)


class AssignToMethod(cst.CSTTransformer):
    """`tf.assign(v, x)` -> `v.assign(x)` (TF2 has only the variable methods), and the program's
    rewrites of control flow and tf.data nodes (GraphProgram.rewrites)."""

    def __init__(self, ctx: Context, rewrites: Mapping[int, ExpressionPlan]) -> None:
        super().__init__()
        self.ctx = ctx
        self.rewrites = rewrites

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        result = super().on_leave(original_node, updated_node)
        plan = self.rewrites.get(id(original_node))
        assert isinstance(result, cst.CSTNode)
        return rewritten(result, plan) if plan is not None else result

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        update = assign_call(self.ctx, original_node)
        if update is None or not update[2]:
            return updated_node
        method, ref, _ = update
        args = [a for a in updated_node.args if not (a.keyword and a.keyword.value == "ref")]
        if args and args[0].keyword is None:
            args = args[1:]
        args = [a.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
                if a.keyword and a.keyword.value == "value" else a for a in args]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Call(cst.Attribute(ref, cst.Name(method)), args)
