"""Backward slices: for each run site, the graph statements its fetches depend on, and the checks
that make moving those statements into a function keep TF1's numbers."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.names import function_globals, read_names
from tf_migrate.analysis.tf_symbols import STRUCTURE_FUNCTIONS as _STRUCTURE_FUNCTIONS
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze import eager_fetches, fed_values
from tf_migrate.programs.analyze.callables import foreign_calls
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.model import (
    Context,
    GraphProgram,
    GraphStatement,
    Kind,
    Position,
    RunSite,
    Slice,
    dependencies,
)


def reaching(program: GraphProgram, name: str, before: Position) -> GraphStatement | None:
    found = None
    for statement in program.statements:
        if statement.position < before and name in statement.targets:
            found = statement
    return found


def _closure(roots: list[GraphStatement]) -> list[GraphStatement]:
    return sorted(dependencies(roots), key=lambda s: s.position)


def _ancestors(statement: GraphStatement) -> set[int]:
    return {id(s) for s in _closure(list(statement.deps))}


class _Slicer:
    def __init__(self, program: GraphProgram, ctx: Context) -> None:
        self.program = program
        self.ctx = ctx
        self.fed_parameters = fed_values.FedParameters(ctx)

    def block(self, node: cst.CSTNode, message: str) -> None:
        self.program.blockers.append((node, f"{message} (line {self.ctx.start(node)[0]})"))

    def changed(self, name: str, after: Position, until: Position) -> Position | None:
        for position in self.program.bindings.get(name, []):
            if after < position <= until:
                return position
        return None

    def slice(self, site: RunSite) -> Slice | None:
        program, item = self.program, self.program.items[site.item]
        graph_names = {n for s in program.statements for n in s.targets}
        facts = examine(self.ctx, site.fetch, graph_names, program.helpers,
                        fields=program.tuple_fields)
        block_on(self.block, facts)
        roots: list[GraphStatement] = []
        # Python names whose value may differ from run to run (`num` of a loop): read only by
        # a fetch evaluated where it is (eager_fetches.py), never by a run function.
        per_run: list[str] = []
        # `w = sess.run(w)` run once: the fetch is the graph value, the name a Python value
        # from then on (its own binding is not a rebinding between the two).
        limit = item.position if site.repeated else (item.position[0], item.position[1] - 1)
        for name in sorted(read_names(site.fetch)):
            statement = reaching(program, name, site.position)
            if statement is None or self.changed(name, self.ctx.end(statement.line), limit):
                bound = self.program.bindings.get(name, [])
                if name in graph_names:
                    self.block(site.call, f"the fetch `{name}` cannot be resolved to one value "
                                          "for every run")
                elif len(bound) > 1 or any(position >= item.position for position in bound):
                    per_run.append(name)
                continue
            roots.append(statement)
        for leaf in fetch_leaves(site.fetch):
            if isinstance(leaf, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
                self.block(site.call, "a fetch given by its tensor name string")
            elif isinstance(leaf, cst.Name) and leaf.value not in graph_names:
                self.block(site.call, f"the fetch `{leaf.value}` is not a graph value")
            elif isinstance(leaf, cst.Name) and _string_placeholder(
                reaching(program, leaf.value, site.position)
            ):
                self.block(site.call, f"fetches the fed string `{leaf.value}` itself (TF1 "
                                      "returns the Python string fed, TF2 bytes)")
            elif isinstance(leaf, cst.Name) and _sparse_placeholder(
                reaching(program, leaf.value, site.position)
            ):
                self.block(site.call, f"fetches the fed sparse value `{leaf.value}` itself (TF1 "
                                      "returns a `tf.SparseTensorValue`, which TF2 does not have)")
        helpers = eager_fetches.check_helpers(self.ctx, program, site, facts, graph_names,
                                              self.block)
        if not roots and not facts.tf_calls and not helpers.builds_ops:
            self.block(site.call, "the fetches cannot be resolved to graph values")
        leaf_names = {leaf.value for leaf in fetch_leaves(site.fetch) if isinstance(leaf, cst.Name)}
        schedules: dict[str, str] = {}
        for root in roots:
            name = root.targets[0]
            if root.kind is Kind.SCHEDULE and name in leaf_names and root.counter is not None:
                # The decayed rate TF1 fetches is the schedule at the step's current value.
                schedules[name] = root.counter
            elif root.kind in (Kind.OPTIMIZER, Kind.SCHEDULE):
                self.block(site.call, f"fetches `{name}`, a {root.kind.value} object in TF2")
        kept_whole = self._check_operations(site)
        statements, fed = fed_values.closure(roots, site.fed)
        deferred = [s for s in statements if s.kind is Kind.DEFERRED]
        placeholders = [s for s in statements if s.kind is Kind.PLACEHOLDER]
        placeholders.extend(self._fed(site, deferred, fed))
        variables = {s.targets[0] for s in statements if s.kind is Kind.VARIABLE}
        if any(s.kind is Kind.INITIALIZER for s in statements):
            self.block(site.call, "an initializer is fetched together with other values")
        self._check_feeds(site, placeholders)
        self._check_training(site, deferred)
        self._check_updates(site, deferred, facts.updates, read_names(site.fetch))
        if not deferred and not placeholders:
            variables |= facts.updates
        until = max(item.end, item.position)
        self._check_stable(site, deferred, placeholders, until)
        if not deferred and not placeholders:
            eager_fetches.check_in_place(program, site, self.block)
        else:
            for name in per_run:
                self.block(site.call, f"the fetch `{name}` cannot be resolved to one value "
                                      "for every run")
        random = facts.random or helpers.random or any(s.random for s in deferred)
        if random:
            program.random_draws.append(f"the run at line {site.position[0]}")
        if deferred or placeholders:
            for node, message in foreign_calls(self.ctx, site.fetch, program.helpers,
                                               program.modules, imported=program.imported):
                self.block(node, message)
        names = [p.targets[0] for p in placeholders]
        if len(set(names)) != len(names):
            self.block(site.call, "the fetches need two placeholders of the same name")
        operations = frozenset(leaf.value for leaf in fetch_leaves(site.fetch)
                               if isinstance(leaf, cst.Name) and self._operation(leaf, site))
        result = remaining(site.fetch, operations)
        structure = self._structure(result, site.position) if result is not None else None
        return Slice(site, deferred, placeholders, variables, random, structure, roots,
                     operations, result is not None, schedules, kept_whole)

    def _fed(self, site: RunSite, deferred: list[GraphStatement],
             fed: list[GraphStatement]) -> list[GraphStatement]:
        """The parameters that stand for the computed values the run feeds and needs."""
        if not fed:
            return []
        if any(s.train is not None for s in deferred):
            self.block(site.call, f"a run that trains feeds the computed value "
                                  f"`{fed[0].targets[0]}`")
        name = fed_values.shadowed(deferred, fed)
        if name is not None:
            self.block(site.call, f"the run feeds `{name}` and computes another value of that "
                                  "name")
        parameters = []
        for statement in fed:
            parameter = self.fed_parameters.parameter(statement)
            if parameter is None:
                self.block(site.call, f"the dtype of the fed value `{statement.targets[0]}` "
                                      "cannot be told (write its computation with an explicit "
                                      "`tf.cast(..., dtype)`)")
                continue
            parameters.append(parameter)
        return parameters

    def _check_operations(self, site: RunSite) -> bool:
        """Training ops give None in TF1: the rewritten call returns only the other fetches,
        so a result that holds an op must be unpacked into `_` names (which are then dropped),
        or be kept whole with the ops first or last, where the call writes None in their
        places. Returns whether it is kept whole so."""
        fetch = site.fetch
        if isinstance(fetch, cst.Name) and self._operation(fetch, site):
            return False
        if isinstance(fetch, cst.Dict):
            # The call returns the other entries; the ops' keys are put back with None.
            top = [e.value for e in fetch.elements if isinstance(e, cst.DictElement)]
            ops_at_top = [v for v in top if isinstance(v, cst.Name) and self._operation(v, site)]
            inner = [leaf for leaf in fetch_leaves(fetch) if isinstance(leaf, cst.Name)
                     and self._operation(leaf, site)]
            if len(inner) > len(ops_at_top):
                self.block(site.call, "a training op is fetched inside a nested structure")
            return False
        leaves = list(fetch.elements) if isinstance(fetch, cst.List | cst.Tuple) else []
        ops = [e for e in leaves if isinstance(e.value, cst.Name)
               and self._operation(e.value, site)]
        nested = [leaf for leaf in fetch_leaves(fetch) if isinstance(leaf, cst.Name)
                  and self._operation(leaf, site)]
        if len(nested) > len(ops):
            self.block(site.call, "a training op is fetched inside a nested structure")
            return False
        if not ops or site.discarded:
            return False
        target = site.target
        if not isinstance(target, cst.Tuple | cst.List) or len(target.elements) != len(leaves):
            # Kept whole (`return sess.run([loss, train_op], ...)`).
            count = len(ops)
            if count == len(leaves) or (leaves[:count] != ops and leaves[-count:] != ops):
                self.block(site.call, "the result of a run that fetches a training op is kept "
                                      "whole, and the ops are not the first or the last "
                                      "fetches (unpack it into names instead)")
            return True
        for element, leaf in zip(target.elements, leaves, strict=True):
            name = element.value
            if any(leaf is op for op in ops) and not (
                isinstance(name, cst.Name) and name.value.startswith("_")
            ):
                self.block(site.call, "the value of a training op (None in TF1) is kept in a "
                                      "name")
                return False
        return False

    def _operation(self, name: cst.Name, site: RunSite) -> bool:
        statement = reaching(self.program, name.value, site.position)
        return statement is not None and statement.returns_none

    def _check_training(self, site: RunSite, deferred: list[GraphStatement]) -> None:
        steps = [s.train for s in deferred if s.train is not None]
        gradients = [t for t in steps if t.method != "apply_gradients"]
        if len(gradients) > 1:
            self.block(site.call, "one run computes two sets of gradients")

    def _check_feeds(self, site: RunSite, placeholders: list[GraphStatement]) -> None:
        fed = {name for name, _ in site.feeds}
        if site.feed_name is not None:
            fed = set(self.program.feeds[site.feed_name].keys)
        needed = {p.targets[0] for p in placeholders}
        for name, value in site.feeds:
            if name not in needed and _has_call(value):
                self.block(value, f"`{name}` is fed by a call although the fetches do not use "
                                  "it (the call would disappear)")
        for placeholder in placeholders:
            if placeholder.default is None and placeholder.targets[0] not in fed:
                self.block(site.call, f"placeholder `{placeholder.targets[0]}` is needed but "
                                      "not fed")

    def _check_updates(self, site: RunSite, deferred: list[GraphStatement],
                       inline: set[str], fetch_reads: set[str]) -> None:
        updated: dict[str, GraphStatement | None] = {}
        for statement in deferred:
            for variable in statement.updates:
                if variable in updated:
                    self.block(site.call, f"`{variable}` is updated twice in one run")
                updated[variable] = statement
        beside = eager_fetches.read_beside_updates(self.ctx, site.fetch) if inline else set()
        for variable in inline:
            if variable in updated:
                self.block(site.call, f"`{variable}` is updated twice in one run")
            updated[variable] = None
        for variable, writer in updated.items():
            ancestors = _ancestors(writer) if writer is not None else set()
            readers = [s for s in deferred if variable in s.reads and s is not writer
                       and id(s) not in ancestors]
            if readers or (writer is not None and variable in fetch_reads) or (
                    writer is None and variable in beside):
                self.program.unsafe.append(
                    f"the run at line {site.position[0]} updates `{variable}` and reads it "
                    "elsewhere: TF1 leaves the order open, TF2 follows program order"
                )

    def _check_stable(self, site: RunSite, deferred: list[GraphStatement],
                      placeholders: list[GraphStatement], until: Position) -> None:
        local = {n for s in (*deferred, *placeholders) for n in s.targets}
        for statement in deferred:
            names = set(statement.reads)
            for helper in statement.helpers:
                names |= function_globals(self.program.helpers[helper])
            for name in sorted(names):
                dep = next((d for d in statement.deps if name in d.targets), None)
                if name in local and (dep is None or dep.kind is Kind.EAGER
                                      or dep.kind is Kind.VARIABLE):
                    self.block(statement.line, f"`{name}` is both a module value and a value "
                                               "computed per run")
                if name in local:
                    continue
                moved = self.changed(name, self.ctx.end(statement.line), until)
                if moved is not None:
                    self.block(statement.line, f"`{name}` is rebound at line {moved[0]}, after "
                                               "the graph read it")
        for placeholder in placeholders:
            spec = [e for e in (placeholder.shape, placeholder.dtype) if e is not None]
            names = {n for e in spec for n in read_names(e)}
            if placeholder.literal_dtype is not None:
                names.add(self.program.tf_alias or "tf")  # the signature spells `tf.float32`
            for name in sorted(names):
                moved = self.changed(name, self.ctx.end(placeholder.line), until)
                if moved is not None:
                    self.block(placeholder.line, f"`{name}` is rebound at line {moved[0]}, after "
                                                 "the placeholder's shape read it")
        item = self.program.items[site.item]
        start = item.position if site.repeated else site.position
        for name in sorted(read_names(site.fetch) - local):
            if reaching(self.program, name, site.position) is None:
                continue
            moved = self.changed(name, start, until)
            if moved is not None and (site.repeated or moved > site.position):
                self.block(site.call, f"`{name}` is rebound at line {moved[0]} while the "
                                      "session uses it")

    def _tensor(self, value: cst.BaseExpression) -> bool:
        """Whether a graph statement's value is certainly one tensor (not a structure)."""
        if isinstance(value, cst.Subscript):
            return _single_tensor_call(value.value) and self.ctx.tf_name(
                value.value.func) not in _STRUCTURE_FUNCTIONS if isinstance(
                value.value, cst.Call) else False
        return not isinstance(value, cst.Name | cst.IfExp)

    def _structure(self, fetch: cst.BaseExpression, position: Position) -> bool | None:
        """Whether what a run returns is a structure of tensors (None: cannot tell)."""
        if isinstance(fetch, cst.List | cst.Tuple | cst.Dict):
            return True
        if isinstance(fetch, cst.Subscript) and isinstance(fetch.value, cst.Name):
            # One variable of a dict or list of variables.
            statement = reaching(self.program, fetch.value.value, position)
            if statement is not None and statement.members:
                return False
        if isinstance(fetch, cst.Name):
            statement = reaching(self.program, fetch.value, position)
            if statement is None or statement.helpers:
                return None
            if statement.kind is Kind.EAGER or statement.kind is Kind.DEFERRED:
                value = statement.node.value
                if len(statement.targets) == 1 and not statement.structure and (
                    self._tensor(value)
                ):
                    return False
                return True if statement.structure else None
            return False
        if isinstance(fetch, cst.Call):
            if isinstance(fetch.func, cst.Name):
                helper = self.program.helpers.get(fetch.func.value)
                if helper is not None and eager_fetches.returns_one_tensor(self.ctx, helper):
                    return False
                return None
            # `tf.linalg.eigh(d)` and kin return several tensors.
            return self.ctx.tf_name(fetch.func) in _STRUCTURE_FUNCTIONS
        if isinstance(fetch, cst.BinaryOperation | cst.UnaryOperation):
            return False
        return None


def remaining(fetch: cst.BaseExpression, operations: frozenset[str]
              ) -> cst.BaseExpression | None:
    """What a run function returns of `fetch` once the training ops at its top level are left
    out (TF1 gives None for them): None when nothing is left, the one value left of a list or
    tuple, or the fetch itself (emit/fetches.py writes it without the ops)."""
    if isinstance(fetch, cst.Name) and fetch.value in operations:
        return None
    if not operations or not isinstance(fetch, cst.List | cst.Tuple | cst.Dict):
        return fetch
    kept = [e for e in fetch.elements if not is_operation(e, operations)]
    if not kept:
        return None
    if len(kept) == 1 and not isinstance(fetch, cst.Dict):
        return kept[0].value
    return fetch


def is_operation(entry: cst.BaseElement | cst.BaseDictElement, operations: frozenset[str]
                 ) -> bool:
    """Whether an entry of a fetched list, tuple or dict is one of the training ops."""
    if not isinstance(entry, cst.Element | cst.StarredElement | cst.DictElement):
        return False
    return isinstance(entry.value, cst.Name) and entry.value.value in operations


def _string_placeholder(statement: GraphStatement | None) -> bool:
    if statement is None or statement.kind is not Kind.PLACEHOLDER or statement.dtype is None:
        return False
    return "string" in code(statement.dtype)


def _sparse_placeholder(statement: GraphStatement | None) -> bool:
    return statement is not None and statement.kind is Kind.PLACEHOLDER and statement.sparse


def _has_call(node: cst.CSTNode) -> bool:
    finder = _CallFinder()
    _walk_visit(node, finder)
    return finder.found


class _CallFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        self.found = True


def fetch_leaves(fetch: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The single values a fetch structure (lists, tuples, dicts of them) is made of."""
    if isinstance(fetch, cst.List | cst.Tuple):
        return [leaf for e in fetch.elements for leaf in fetch_leaves(e.value)]
    if isinstance(fetch, cst.Dict):
        return [leaf for e in fetch.elements if isinstance(e, cst.DictElement)
                for leaf in fetch_leaves(e.value)]
    return [fetch]


def _single_tensor_call(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Call) and not isinstance(value.func, cst.Name)


def compute_slices(program: GraphProgram, ctx: Context) -> None:
    slicer = _Slicer(program, ctx)
    for site in program.sites:
        if site.initializer:
            continue
        computed = slicer.slice(site)
        if computed is not None:
            program.slices.append(computed)
