"""Builds the run functions of a graph program the analysis accepted, and the calls that replace
its run sites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.analysis.names import bindings, fresh_name, reads
from tf_migrate.analysis.tf_symbols import SPARSE_VALUE
from tf_migrate.cst.arguments import NO_SPACE, keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.wrapping import LINE_LIMIT, fitted_call, one_per_line, split_statements
from tf_migrate.programs.analyze import iterator_runs
from tf_migrate.programs.analyze.slicing import is_operation
from tf_migrate.programs.emit import metrics, resets
from tf_migrate.programs.emit.constructs import constructed
from tf_migrate.programs.emit.fetches import leaves_replaced, without_operations
from tf_migrate.programs.emit.rewrites import AssignToMethod
from tf_migrate.programs.emit.train import TrainWriter, step_counter
from tf_migrate.programs.model import (
    Context,
    GraphPrint,
    GraphProgram,
    GraphStatement,
    Kind,
    SequentialModel,
    Slice,
)


@dataclass(eq=False)
class _Function:
    name: str
    slice: Slice
    params: list[GraphStatement]
    sites: list[Slice] = field(default_factory=list)

    @property
    def first_item(self) -> int:
        return min(s.site.item for s in self.sites)


def _model_statement(model: SequentialModel) -> cst.Assign:
    """`model = tf.keras.Sequential([conv1, pool1, fc])`, its layers one per line when long."""
    layers = [cst.Element(cst.Name(name)) for name in model.layers]
    listed = cst.List(layers)
    call = cst.Call(dotted(model.path), [cst.Arg(listed)])
    if len(model.name) + 3 + len(cst.Module([]).code_for_node(call)) > LINE_LIMIT:
        call = call.with_changes(args=[cst.Arg(one_per_line(layers, "    "))])
    return cst.Assign([cst.AssignTarget(cst.Name(model.name))], call)


def _identifier(code: str) -> str:
    return re.sub(r"\W+", "_", code).strip("_").lower() or "fetches"


def _fetch_names(fetch: cst.BaseExpression) -> list[str]:
    if isinstance(fetch, cst.Name):
        return [fetch.value]
    if isinstance(fetch, cst.List | cst.Tuple):
        return [n for e in fetch.elements for n in _fetch_names(e.value)]
    if isinstance(fetch, cst.Dict):
        return [n for e in fetch.elements if isinstance(e, cst.DictElement)
                for n in _fetch_names(e.value)]
    if isinstance(fetch, cst.Call):
        func = fetch.func
        leaf = func.attr.value if isinstance(func, cst.Attribute) else (
            func.value if isinstance(func, cst.Name) else "value")
        return [leaf]
    if isinstance(fetch, cst.Attribute):
        return [fetch.attr.value]
    if isinstance(fetch, cst.Subscript) and len(fetch.slice) == 1 and isinstance(
            fetch.slice[0].slice, cst.Index):
        # `net["relu1"]`, `layers[2]`: the container and the key, `net_relu1`.
        key = fetch.slice[0].slice.value
        text = (key.evaluated_value if isinstance(key, cst.SimpleString) else
                key.value if isinstance(key, cst.Integer | cst.Name) else None)
        if isinstance(text, str):
            return [_identifier(f"{'_'.join(_fetch_names(fetch.value))}_{text}")]
    return ["value"]


def _kept_names(program: GraphProgram) -> set[str]:
    """Names the rewritten code still binds or reads. Those of graph statements that move into
    functions or go (`train_step = opt.minimize(loss)`), and the names fetched and fed at run
    sites (which become calls), are free for the new functions."""
    # A training statement that constructed its optimizer inline stays only as the optimizer's
    # construction, under a fresh name.
    constructing = {id(s.line) for s in program.statements
                    if s.train is not None and s.train.constructor is not None}
    kept = [item.node for item in program.items
            if not item.drop and id(item.node) not in constructing]
    in_sites = {id(name) for site in program.sites for name in reads(site.call)}
    read = {name.value for node in kept for name in reads(node) if id(name) not in in_sites}
    return {name for name, _ in bindings(kept)} | read


class Emitter:
    """The run functions of one program: grouped (`plan`), their definitions, the calls that
    replace the run sites, and the statements that stay with a TF2 value (`in_place`)."""

    def __init__(self, module: cst.Module, program: GraphProgram, ctx: Context) -> None:
        self.module = module
        self.program = program
        self.ctx = ctx
        self.tf = program.tf_alias or "tf"
        self.functions: list[_Function] = []
        self.by_site: dict[int, _Function] = {}
        self.taken = _kept_names(program) | program.outer_names | {"t"}
        # Functions written inside a function are set off by one blank line, not two.
        self.blank_lines = 1 if program.scope is not None else 2
        # Statements that construct their optimizer inline -> the name it gets.
        self.optimizers: dict[int, str] = {}
        for statement in program.statements:
            if statement.train is not None and statement.train.constructor is not None:
                self.optimizers[id(statement)] = self._fresh("optimizer")
        # A second session's variables initializer becomes a call of this function (resets.py).
        self.reset_name = self._fresh("reset_variables") if program.reset is not None else None

    def _fresh(self, stem: str) -> str:
        return fresh_name(stem, self.taken)

    def fresh(self, stem: str) -> str:
        """A name no statement of the program or of the rewrite takes (for the module's own
        statements, e.g. the session's options)."""
        return self._fresh(stem)

    def _fitted(self, target: str, value: cst.BaseExpression) -> cst.BaseExpression:
        """A constructor call whose line (`target = value`) would pass the limit: one argument
        per line."""
        if not isinstance(value, cst.Call):
            return value
        return fitted_call(value, LINE_LIMIT - len(target) - 3, self.module.default_indent)

    def in_place(self) -> dict[int, cst.CSTNode]:
        """Statements that stay where they are with a TF2 value: optimizers, learning-rate
        schedules, the global step; an inline optimizer's construction (the step moves)."""
        found: dict[int, cst.CSTNode] = {}
        for statement in self.program.statements:
            if statement.step_counter:
                found[id(statement.node.value)] = step_counter(self.tf)
            elif statement.kind in (Kind.OPTIMIZER, Kind.SCHEDULE) and (
                    statement.replacement is not None):
                found[id(statement.node.value)] = self._fitted(
                    statement.targets[0], constructed(statement.replacement))
            elif id(statement) in self.optimizers and statement.replacement is not None:
                name = self.optimizers[id(statement)]
                found[id(statement.line)] = statement.line.with_changes(body=[cst.Assign(
                    [cst.AssignTarget(cst.Name(name))],
                    self._fitted(name, constructed(statement.replacement)))])
        found.update(metrics.in_place(self.module, self.program, self._fresh))
        for statement in self.program.statements:
            layer = statement.layer
            if statement.kind is Kind.LAYER and layer is not None:
                # The Keras layer object where the TF1 call was, after the values it reads;
                # the call moves.
                comments = tuple(cst.EmptyLine(comment=cst.Comment(f"# {comment}"))
                                 for comment, _, _ in layer.prelude[:1])
                model = layer.model
                found[id(statement.line)] = statement.line.with_changes(leading_lines=(
                    *statement.line.leading_lines, *comments), body=[*(
                    cst.Assign([cst.AssignTarget(cst.Name(name))], cst.parse_expression(source))
                    for _, name, source in layer.prelude), cst.Assign(
                    [cst.AssignTarget(cst.Name(layer.name))],
                    self._fitted(layer.name, constructed(layer.constructor))), *(
                        [_model_statement(model)] if model is not None else [])])
        if self.reset_name is not None:
            found.update(resets.calls(self.program, self.reset_name))
        return found

    def reset_definition(self) -> tuple[int, cst.FunctionDef] | None:
        """The function that resets the variables for a second session, and the item it goes
        before: the first initializer run it replaces."""
        reset = self.program.reset
        if reset is None or self.reset_name is None:
            return None
        optimizers = [s.targets[0] if s.train is None or s.train.constructor is None
                      else self.optimizers[id(s)] for s in reset.optimizers]
        function = resets.definition(reset, self.reset_name, optimizers, self.tf, self._fresh,
                                     self.blank_lines)
        item = min(s.item for s in self.program.sites if s.reinitializes)
        return item, function

    def _name(self, slice_: Slice) -> str:
        if any(s.train is not None for s in slice_.statements):
            return self._fresh("train_step")
        updates = any(s.updates for s in slice_.statements)
        shown = self.program.shown_names
        stem = "_".join(_identifier(shown.get(n, n))
                        for n in _fetch_names(slice_.site.fetch)[:3])
        fed = [n for n in slice_.site.fed if any(p.targets[0] == n for p in slice_.placeholders)]
        if fed:
            # Computed from fed values rather than from what computes them in the graph.
            stem += "_from_" + "_".join(_identifier(shown.get(n, n)) for n in fed[:2])
        return self._fresh(f"{'run' if updates else 'compute'}_{stem}")

    def plan(self) -> None:
        groups: dict[tuple[str, tuple[int, ...]], _Function] = {}
        for slice_ in self.program.slices:
            if not slice_.statements and not slice_.placeholders:
                continue
            key = (self.module.code_for_node(slice_.site.fetch),
                   tuple(id(s) for s in (*slice_.statements, *slice_.placeholders,
                                          *slice_.roots)))
            function = groups.get(key)
            if function is None:
                # Re-initialized iterators first (analyze/iterator_runs.py), then placeholders.
                params = [*iterator_runs.parameters(slice_), *sorted(
                    slice_.placeholders, key=lambda p: (p.default is not None, p.position))]
                function = _Function(self._name(slice_), slice_, params)
                groups[key] = function
                self.functions.append(function)
            function.sites.append(slice_)
            self.by_site[id(slice_.site)] = function

    # -- function definitions -------------------------------------------------------------------
    def prints(self, function: _Function) -> list[GraphPrint]:
        """The prints of graph values this function writes (analyze/graph_prints.py)."""
        sites = {id(s.site) for s in function.sites}
        return [p for p in self.program.prints if p.host is not None and id(p.host) in sites]

    def _decorator(self, function: _Function) -> cst.Decorator | None:
        tf_function = dotted(f"{self.tf}.function")
        if any(p.kind is not Kind.ITERATOR for p in function.params):
            specs = [cst.Element(self._spec(p)) for p in function.params]
            signature = cst.List(specs)
            if len(self.module.code_for_node(signature)) > 60:
                signature = one_per_line(specs, self.module.default_indent)
            return cst.Decorator(cst.Call(tf_function, [keyword_arg("input_signature", signature)]))
        if len(function.sites) > 1 or any(s.site.repeated for s in function.sites) or any(
                s.graph_only for s in function.slice.statements):  # control flow, tf.gradients
            return cst.Decorator(tf_function)
        if self.prints(function):
            # Traced, the function prints the symbolic tensors TF1 printed; run eagerly, it
            # would print their values on every call.
            return cst.Decorator(tf_function)
        return None

    def _rewriter(self) -> AssignToMethod:
        return AssignToMethod(self.ctx, self.program.rewrites)

    def _nested(self, function: _Function) -> list[cst.BaseStatement]:
        """Branch and body functions that read per-run values, as nested defs (their names are
        local to the run function; analyze/control_flow.py)."""
        names = dict.fromkeys(n for s in function.slice.statements for n in s.nested)
        nested: list[cst.BaseStatement] = []
        for name in names:
            helper = self.program.helpers[name].visit(self._rewriter())
            assert isinstance(helper, cst.FunctionDef)
            comments = [e for e in helper.leading_lines if e.comment is not None]
            blank = [cst.EmptyLine(indent=False)] if nested else []
            nested.append(helper.with_changes(leading_lines=[*blank, *comments]))
        return nested

    def _spec(self, param: GraphStatement) -> cst.BaseExpression:
        if param.kind is Kind.ITERATOR and param.data is not None:
            # A re-initialized tf.data iterator: the analysis checked its dataset has a name.
            return cst.Call(dotted(f"{self.tf}.data.IteratorSpec"), [cst.Arg(cst.Attribute(
                param.data.dataset, cst.Name("element_spec")))])
        spec = "SparseTensorSpec" if param.sparse else "TensorSpec"
        return cst.Call(dotted(f"{self.tf}.{spec}"), [
            cst.Arg(param.shape if param.shape is not None else cst.Name("None")),
            cst.Arg(self._dtype(param)),
        ])

    def _dtype(self, placeholder: GraphStatement) -> cst.BaseExpression:
        if placeholder.literal_dtype is not None:
            return dotted(f"{self.tf}.{placeholder.literal_dtype}")
        assert placeholder.dtype is not None
        return placeholder.dtype

    def _converted(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        converted = expression.visit(self._rewriter())
        assert isinstance(converted, cst.BaseExpression)
        return converted

    def _line(self, line: cst.SimpleStatementLine) -> list[cst.SimpleStatementLine]:
        """A statement of the script written in a function, with its comments."""
        written = line.visit(self._rewriter())
        assert isinstance(written, cst.SimpleStatementLine)
        comments = [e for e in written.leading_lines if e.comment is not None]
        # A rewrite that became several statements (an RNN's call and its outputs' reshaping)
        # is written one per line.
        return split_statements(written.with_changes(leading_lines=comments))

    def definition(self, function: _Function) -> cst.FunctionDef:
        params = [
            cst.Param(cst.Name(p.targets[0]), default=p.default,
                      equal=NO_SPACE if p.default is not None else cst.MaybeSentinel.DEFAULT)
            for p in function.params
        ]
        def write(statement: GraphStatement) -> list[cst.SimpleStatementLine]:
            update = metrics.update_line(statement)
            if update is not None:
                return [update]
            if statement.elided:
                # `tf.group(a, tf.assign(v, 0.0))`: the ops it was given by name are computed
                # already; those written inside it run here, in order.
                return [cst.SimpleStatementLine([cst.Expr(self._converted(op))])
                        for op in statement.grouped]
            return [*self._line(statement.line), *(
                printed for p in after.get(id(statement), []) for printed in self._line(p.line))]

        # Each print right after the last statement it reads (and not before a print written
        # above it), or first when it reads only parameters: the names it reads hold the
        # values it printed in TF1, and the prints keep their order.
        after: dict[int, list[GraphPrint]] = {}
        leading: list[GraphPrint] = []
        statements = function.slice.statements
        order = {id(s): i for i, s in enumerate(statements)}
        anchor = -1
        for printed in self.prints(function):
            anchor = max([anchor, *(order[id(s)] for s in printed.reads.values()
                                    if id(s) in order)])
            if anchor < 0:
                leading.append(printed)
            else:
                after.setdefault(id(statements[anchor]), []).append(printed)

        local = {n for s in function.slice.statements for n in s.targets}
        writer = TrainWriter(self.tf, self.taken | local | {p.targets[0] for p in
                                                            function.params}, self.optimizers)
        # A fetched decayed rate is the schedule at the step's value before the update.
        rates: dict[str, cst.BaseExpression] = {}
        prelude: list[cst.BaseStatement] = []
        training = any(s.train is not None for s in function.slice.statements)
        for name, counter in function.slice.schedules.items():
            rate = cst.Call(cst.Name(name), [cst.Arg(cst.Name(counter))])
            if training:
                value = writer.fresh(f"{name}_value")
                prelude.append(cst.SimpleStatementLine([cst.Assign(
                    [cst.AssignTarget(cst.Name(value))], rate)]))
                rates[name] = cst.Name(value)
            else:
                rates[name] = rate
        rates.update(metrics.results(self.program, function.slice))
        prelude.extend(line for p in leading for line in self._line(p.line))
        body = writer.body(function.slice.statements, write, prelude)
        nested = self._nested(function)
        if nested and isinstance(body[0], cst.SimpleStatementLine | cst.BaseCompoundStatement):
            body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(indent=False),
                                                          *body[0].leading_lines])
        body = [*nested, *body]
        if function.slice.returns:
            returned = without_operations(function.slice.site.fetch, function.slice.operations)
            result = leaves_replaced(returned.visit(self._rewriter()), rates)
            body.append(cst.SimpleStatementLine([cst.Return(result)]))
        decorator = self._decorator(function)
        blank = [cst.EmptyLine(indent=False)] * self.blank_lines
        return cst.FunctionDef(
            name=cst.Name(function.name),
            params=cst.Parameters(params),
            body=cst.IndentedBlock(body),
            decorators=[decorator] if decorator else [],
            leading_lines=blank,
        )

    # -- run sites ------------------------------------------------------------------------------
    def _numpy(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if not isinstance(value, cst.Name | cst.Attribute | cst.Call | cst.Subscript):
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return cst.Call(cst.Attribute(value, cst.Name("numpy")))

    def _each_numpy(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(value, cst.List | cst.Tuple):
            return value.with_changes(elements=[
                e.with_changes(value=self._each_numpy(e.value)) for e in value.elements])
        if isinstance(value, cst.Dict):
            return value.with_changes(elements=[
                e.with_changes(value=self._each_numpy(e.value)) if isinstance(
                    e, cst.DictElement) else e for e in value.elements])
        return self._numpy(value)

    def _map_numpy(self, value: cst.BaseExpression) -> cst.BaseExpression:
        to_numpy = cst.Lambda(
            cst.Parameters([cst.Param(cst.Name("t"))]),
            cst.Call(cst.Attribute(cst.Name("t"), cst.Name("numpy"))),
        )
        return cst.Call(dotted(f"{self.tf}.nest.map_structure"), [cst.Arg(to_numpy),
                                                                  cst.Arg(value)])

    def _arguments(self, function: _Function, slice_: Slice) -> list[cst.Arg]:
        site = slice_.site
        names = [p.targets[0] for p in function.params]
        # Re-initialized iterators come first: the one bound now (analyze/iterator_runs.py).
        leading = [cst.Arg(cst.Name(p.targets[0])) for p in function.params
                   if p.kind is Kind.ITERATOR]
        if site.feed_name is not None:
            keys = self.program.feeds[site.feed_name].keys
            if set(keys) <= set(names) and not any(p.sparse for p in function.params):
                return [*leading, cst.Arg(cst.Name(site.feed_name), star="**")]
            values: dict[str, cst.BaseExpression] = {
                key: cst.Subscript(cst.Name(site.feed_name), [
                    cst.SubscriptElement(cst.Index(cst.SimpleString(f'"{key}"')))])
                for key in keys
            }
        else:
            values = dict(site.feeds)
        args: list[cst.Arg] = []
        for param in function.params:
            name = param.targets[0]
            if name not in values:
                continue
            if param.sparse:
                args.append(cst.Arg(self._sparse(values[name])))
            elif param.default is None:
                args.append(cst.Arg(values[name]))
            else:
                args.append(keyword_arg(name, values[name]))
        return [*leading, *args]

    def _sparse(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """The value fed to a sparse placeholder as the `tf.sparse.SparseTensor` TF2 passes:
        TF1 took a `tf.SparseTensorValue(indices, values, dense_shape)` or such a tuple."""
        sparse_tensor = dotted(f"{self.tf}.sparse.SparseTensor")
        if isinstance(value, cst.Call) and self.ctx.tf_name(value.func) == SPARSE_VALUE:
            return value.with_changes(func=sparse_tensor)
        if isinstance(value, cst.Tuple) and len(value.elements) == 3 and not any(
                isinstance(e, cst.StarredElement) for e in value.elements):
            elements = value.elements
            return cst.Call(sparse_tensor, [
                cst.Arg(e.value, comma=e.comma if i < 2 else cst.MaybeSentinel.DEFAULT)
                for i, e in enumerate(elements)])
        return cst.Call(sparse_tensor, [cst.Arg(value, star="*")])

    def kept_targets(self, slice_: Slice) -> cst.BaseExpression | None:
        """`_, loss_value = sess.run([train_op, loss])` -> `loss_value`: the targets of the
        values the call still returns (the analysis checked the others are `_` names)."""
        site, target = slice_.site, slice_.site.target
        if not slice_.operations or not isinstance(target, cst.Tuple | cst.List):
            return None
        assert isinstance(site.fetch, cst.List | cst.Tuple)
        kept = [t for t, f in zip(target.elements, site.fetch.elements, strict=True)
                if not (isinstance(f.value, cst.Name) and f.value.value in slice_.operations)]
        if not kept:
            return cst.Name("_")
        if len(kept) == 1:
            return kept[0].value
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return target.with_changes(elements=kept)

    def replacement(self, slice_: Slice) -> cst.BaseExpression:
        value = self._replacement(slice_)
        if slice_.site.as_int:
            return cst.Call(cst.Name("int"), [cst.Arg(value)])
        return value

    def _replacement(self, slice_: Slice) -> cst.BaseExpression:
        site = slice_.site
        function = self.by_site.get(id(site))
        if function is None:
            value = leaves_replaced(site.fetch.visit(self._rewriter()), {
                name: cst.Call(cst.Name(name), [cst.Arg(cst.Name(counter))])
                for name, counter in slice_.schedules.items()} | metrics.results(self.program,
                                                                                 slice_))
        else:
            value = cst.Call(cst.Name(function.name), self._arguments(function, slice_))
        if site.discarded or (function is not None and not slice_.returns):
            return value
        if slice_.structure is False:
            value = self._numpy(value)
        elif function is None and slice_.structure and isinstance(
            value, cst.List | cst.Tuple | cst.Dict
        ):
            value = self._each_numpy(value)
        else:
            value = self._map_numpy(value)
        if slice_.kept_whole:
            assert isinstance(site.fetch, cst.List | cst.Tuple)
            return _with_operations(site.fetch, slice_.operations, value)
        if isinstance(site.fetch, cst.Dict) and slice_.operations:
            # Ops' entries hold None, as TF1 returned for them.
            ops = [cst.DictElement(e.key, cst.Name("None")) for e in site.fetch.elements
                   if isinstance(e, cst.DictElement) and isinstance(e.value, cst.Name)
                   and e.value.value in slice_.operations]
            return cst.Dict([*ops, cst.StarredDictElement(value)])
        return value


def _with_operations(fetch: cst.List | cst.Tuple, operations: frozenset[str],
                     values: cst.BaseExpression) -> cst.List | cst.Tuple:
    """`[loss_value, None]`: the fetched list or tuple as TF1 returned it, None in the places of
    its training ops (first or last, analyze/slicing.py checked), `values` in the others (one
    value, or a structure spliced in)."""
    places = [is_operation(element, operations) for element in fetch.elements]
    count = sum(places)
    kept: list[cst.BaseElement] = (
        [cst.Element(values)] if len(places) - count == 1 else [cst.StarredElement(values)])
    nones: list[cst.BaseElement] = [cst.Element(cst.Name("None")) for _ in range(count)]
    elements = [*nones, *kept] if places[0] else [*kept, *nones]
    return cst.List(elements) if isinstance(fetch, cst.List) else cst.Tuple(elements)
