"""Graph helpers a script imports from its own project (`from ops import dense`, `import model`
then `model.snn(...)`), read in their module: whether the rewritten program may call one on
every run of a function, as it calls its own helpers.

A helper that only builds ops from its arguments (TF ops, its module's other such helpers, pure
builtins and numeric functions) may: TF2 builds the same ops each time the function is traced.
One that creates or updates variables, or does what a run must not repeat, may not: the refusal
names the helper, its file and line, and what to change there, since that is where the change
belongs. The helper's module is migrated too, by its own findings.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import function_locals, mutated_globals
from tf_migrate.analysis.project_modules import ProjectModule, ProjectModules
from tf_migrate.cst.code import code
from tf_migrate.programs.analyze.callables import foreign_calls, imported_modules
from tf_migrate.programs.analyze.expressions import ExpressionFacts, examine
from tf_migrate.programs.analyze.syntax import bound_value, is_docstring
from tf_migrate.programs.model import ImportedHelper, Position

# What a function run per step must not do with variables, by the advice tf_symbols gives.
_VARIABLE_ADVICE = sym.by_hand("tf.get_variable")


class _ModuleContext:
    """A helper module's names and positions, as the program analysis asks for them."""

    def __init__(self, found: ProjectModule) -> None:
        self.found = found

    def tf_name(self, node: cst.CSTNode) -> str | None:
        return self.found.names.tf_name(node)

    def start(self, node: cst.CSTNode) -> Position:
        start = self.found.positions.range(node).start
        return (start.line, start.column)

    def end(self, node: cst.CSTNode) -> Position:
        end = self.found.positions.range(node).end
        return (end.line, end.column)


def imported_helpers(module: cst.Module, project: ProjectModules) -> dict[str, ImportedHelper]:
    """The project functions `module` imports at its top level, by how it calls them."""
    found: dict[str, ImportedHelper] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom):
                _from_import(small, project, found)
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    dotted = code(alias.name)
                    target = project.find(dotted)
                    if target is not None:
                        bound = code(alias.asname.name) if alias.asname is not None else dotted
                        _module_functions(target, bound, found)
    return found


def _from_import(node: cst.ImportFrom, project: ProjectModules,
                 found: dict[str, ImportedHelper]) -> None:
    dotted = code(node.module) if node.module is not None else ""
    level = len(node.relative)
    source = project.find(dotted, level)
    if isinstance(node.names, cst.ImportStar):
        # `from ops import *` binds the module's public functions (those of `__all__`, if the
        # module lists them), under their own names.
        if source is not None:
            exported = _exported(source.module)
            for statement in source.module.body:
                if isinstance(statement, cst.FunctionDef) and (
                        statement.name.value in exported if exported is not None
                        else not statement.name.value.startswith("_")):
                    found[statement.name.value] = _judged(source, statement,
                                                          statement.name.value)
        return
    for alias in node.names:
        name = code(alias.name)
        bound = code(alias.asname.name) if alias.asname is not None else name
        function = source.function(name) if source is not None else None
        if source is not None and function is not None:
            found[bound] = _judged(source, function, bound)
            continue
        submodule = project.find(f"{dotted}.{name}" if dotted else name, level)
        if submodule is not None:  # `from package import module`
            _module_functions(submodule, bound, found)


def _exported(module: cst.Module) -> set[str] | None:
    """The names of a literal `__all__ = [...]`, or None when the module has none."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if (isinstance(small, cst.Assign) and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and small.targets[0].target.value == "__all__"
                    and isinstance(small.value, cst.List | cst.Tuple)):
                return {element.value.raw_value for element in small.value.elements
                        if isinstance(element.value, cst.SimpleString)}
    return None


def _module_functions(source: ProjectModule, bound: str, found: dict[str, ImportedHelper]
                      ) -> None:
    for statement in source.module.body:
        if isinstance(statement, cst.FunctionDef):
            called_as = f"{bound}.{statement.name.value}"
            found[called_as] = _judged(source, statement, called_as)


def _judged(source: ProjectModule, function: cst.FunctionDef, called_as: str) -> ImportedHelper:
    functions = {s.name.value: s for s in source.module.body if isinstance(s, cst.FunctionDef)}
    facts = examine(_ModuleContext(source), function, set(), functions)
    problem, creates, random = _problem(source, function, functions, set(), facts)
    factory = _factory(source, function, functions) if creates else None
    return ImportedHelper(called_as, function.name.value, source.shown, source.line(function),
                          problem, creates, random, factory is not None,
                          factory is None or factory, bool(facts.tf_calls))


# The arguments of `tf.Variable` a factory may pass: those TF1 and TF2 share.
_VARIABLE_KEYWORDS = frozenset({"initial_value", "trainable", "name", "dtype", "validate_shape"})


def _factory(source: ProjectModule, function: cst.FunctionDef,
             functions: Mapping[str, cst.FunctionDef]) -> bool | None:
    """Whether `function` is a variable factory, and then whether its variable is trainable:
    its body binds local names to values of TF ops (random ones included) and returns one
    `tf.Variable(...)` of them (`initial = tf.truncated_normal(shape, stddev=0.1)`, `return
    tf.Variable(initial)`). None: it is not one."""
    if function.decorators or not isinstance(function.body, cst.IndentedBlock):
        return None
    ctx = _ModuleContext(source)
    body = [s for s in function.body.body if not is_docstring(s)]
    if not body:
        return None
    *before, last = body
    returned = _returned(last)
    if isinstance(returned, cst.Name):
        returned, before = bound_value(returned.value, before)
    if not isinstance(returned, cst.Call) or ctx.tf_name(returned.func) != sym.VARIABLE:
        return None
    for line in before:
        if not isinstance(line, cst.SimpleStatementLine) or not all(
                isinstance(small, cst.Assign) and all(
                    isinstance(target.target, cst.Name) for target in small.targets)
                for small in line.body):
            return None
    # The initial value: TF ops of the parameters and locals, random ones included.
    for node in [*before, *(argument.value for argument in returned.args)]:
        facts = examine(ctx, node, set(), functions)
        if (facts.creates or facts.updates or facts.unsupported or facts.problems
                or facts.called_helpers):
            return None
    keywords = {a.keyword.value for a in returned.args if a.keyword is not None}
    positional = [a for a in returned.args if a.keyword is None]
    if len(positional) > 1 or keywords - _VARIABLE_KEYWORDS or any(a.star for a in returned.args):
        return None
    trainable = next((a.value for a in returned.args
                      if a.keyword is not None and a.keyword.value == "trainable"), None)
    if trainable is None:
        return True
    if isinstance(trainable, cst.Name) and trainable.value in ("True", "False"):
        return trainable.value == "True"
    return None


def _returned(line: cst.BaseStatement) -> cst.BaseExpression | None:
    if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(
            line.body[0], cst.Return):
        return line.body[0].value
    return None


def _problem(source: ProjectModule, function: cst.FunctionDef,
             functions: Mapping[str, cst.FunctionDef], seen: set[str],
             facts: ExpressionFacts | None = None) -> tuple[str | None, bool, bool]:
    """(what `function` does that a run must not repeat, whether that is creating variables,
    whether it draws random numbers), following the module's own functions it calls; `facts`:
    what examining `function` found, when the caller has it."""
    seen.add(function.name.value)
    ctx = _ModuleContext(source)
    if facts is None:
        facts = examine(ctx, function, set(), functions)
    random = facts.random

    def at(node: cst.CSTNode) -> str:
        return f"{source.shown}:{source.line(node)}"

    if facts.creates:
        return "creates variables or placeholders", True, random
    for call, name in facts.unsupported:
        advice = sym.by_hand(name)
        if advice is not None and advice == _VARIABLE_ADVICE:
            if name.endswith("variable_scope"):
                return f"makes variables in a variable scope (`{name}`, {at(call)})", True, \
                    random
            return f"creates variables with `{name}` ({at(call)})", True, random
        return (f"uses `{name}` ({at(call)}), which the session rewrite does not carry "
                "over" + (f" ({advice})" if advice else ""), False, random)
    if facts.updates:
        return f"updates the variable `{sorted(facts.updates)[0]}`", False, random
    for node, message in facts.problems:
        return f"has {message} ({at(node)})", False, random
    params = function.params
    local = function_locals(function) | {
        p.name.value for p in (*params.params, *params.kwonly_params, *params.posonly_params)}
    if isinstance(params.star_arg, cst.Param):
        local.add(params.star_arg.name.value)
    if params.star_kwarg is not None:
        local.add(params.star_kwarg.name.value)
    modules = imported_modules(source.module)
    for node, _ in foreign_calls(ctx, function.body, functions, modules, local):
        called = code(node.func) if isinstance(node, cst.Call) else code(node)
        return f"calls `{called}(...)` ({at(node)})", False, random
    changed = sorted(mutated_globals(function))
    if changed:
        return f"changes the global `{changed[0]}`", False, random
    for called in sorted(facts.called_helpers - seen):
        inner, creates, inner_random = _problem(source, functions[called], functions, seen)
        random = random or inner_random
        if inner is not None:
            return f"{inner} in `{called}`", creates, random
    return None, False, random
