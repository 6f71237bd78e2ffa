"""The TF2 form of TF 1.15's gradient functions (`tfe.implicit_gradients` and kin): a function
that computes the value under a `tf.GradientTape` and returns what TF1's returned.

What TF 1.15 does (tensorflow/python/eager/backprop.py):
- `implicit_value_and_gradients(f)(*args, **kwargs)` records `f(*args, **kwargs)` on a tape that
  watches the trainable variables it reads, and returns `(value, [(gradient, variable), ...])`,
  the variables in creation order (`tape.watched_variables()`, which TF2's tape keeps too);
  `implicit_gradients(f)` returns the pairs alone.
- `value_and_gradients_function(f, params=None)(*args)` converts the arguments at the
  differentiated positions to tensors (an identity for a tensor passed twice, so that each is
  its own input), watches them, and returns `(value, [gradient, ...])`; `params` names them by
  position or name, and None means every parameter `f` names. `gradients_function` returns the
  gradients alone. A list of values is differentiated as its sum, as `tape.gradient` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.names import bindings, function_locals, read_names
from tf_migrate.cst.code import code
from tf_migrate.cst.dotted import root_name
from tf_migrate.rules.support.ancestry import Ancestry

IMPLICIT = frozenset({"implicit_gradients", "implicit_value_and_gradients"})
RETURNS_VALUE = frozenset({"implicit_value_and_gradients", "value_and_gradients_function"})


@dataclass(frozen=True)
class Differentiated:
    """The function a TF1 gradient function differentiates, as the rewrite calls it."""

    params: tuple[str, ...] | None  # its parameters; None: `*args, **kwargs`, passed on
    value: str | None  # the expression of the value from the parameters (a lambda's body)
    function: str  # the function's expression, called when `value` is None
    reads: frozenset[str]  # names the call reads, which the generated locals must not hide


def differentiated(
    f: cst.BaseExpression, ancestry: Ancestry, site: cst.CSTNode
) -> Differentiated | str:
    """What `f`, passed to a gradient function at `site`, computes; or why the rewrite, which
    calls `f` at each call instead of once where TF1 took it, cannot tell it is the same."""
    if isinstance(f, cst.Lambda):
        params = _simple_params(f.params)
        if params is None:
            return "its lambda has defaults, `*args` or keyword-only parameters"
        return Differentiated(params, code(f.body), code(f), frozenset(read_names(f.body)))
    root = root_name(f)
    if root is None:
        return f"`{code(f)}` is evaluated once in TF1; define it with `def` and pass its name"
    once, found = _binding(root.value, ancestry, site)
    if not once:
        return f"`{root.value}` is bound more than once, so it may be another object when called"
    if isinstance(f, cst.Attribute):
        if _attribute_assigned(f.attr.value, ancestry):
            return f"`.{f.attr.value}` is assigned in the module, so it may change between calls"
        return Differentiated(None, None, code(f), frozenset({root.value}))
    params = _simple_params(found.params) if isinstance(found, cst.FunctionDef) else None
    return Differentiated(params, None, root.value, frozenset({root.value}))


def differentiated_parameters(
    params_arg: cst.BaseExpression | None, function: Differentiated
) -> tuple[str, ...] | str:
    """The parameters `params=` selects (by position or name) among the function's, or why
    they cannot be told."""
    if function.params is None:
        return ("the rewrite watches the parameters of a `def` or lambda with positional "
                "parameters only, without defaults, and this function is not one")
    if params_arg is None or (isinstance(params_arg, cst.Name) and params_arg.value == "None"):
        return function.params
    if not isinstance(params_arg, cst.List | cst.Tuple):
        return "`params` is not a list of positions or names"
    selected: list[str] = []
    for element in params_arg.elements:
        value = element.value
        if isinstance(value, cst.Integer) and int(value.value) < len(function.params):
            selected.append(function.params[int(value.value)])
        elif isinstance(value, cst.SimpleString) and value.evaluated_value in function.params:
            selected.append(str(value.evaluated_value))
        else:
            return f"`params` holds `{code(value)}`, not a parameter of the function"
    return tuple(selected)


def gradient_function(
    name: str, kind: str, function: Differentiated, sources: tuple[str, ...], tf: str
) -> cst.FunctionDef:
    """`def name(...)`: the value under a tape, then what TF1's `kind` returned. `sources`:
    the differentiated parameters (none for the implicit kinds)."""
    taken = set(function.reads) | set(function.params or ()) | {name, tf}
    tape, value, variables, args, kwargs = (
        _fresh(local, taken) for local in ("tape", "value", "variables", "args", "kwargs")
    )
    if function.params is None:
        signature, passed = f"*{args}, **{kwargs}", f"*{args}, **{kwargs}"
    else:
        signature = passed = ", ".join(function.params)
    computed = function.value or f"{function.function}({passed})"
    if kind in IMPLICIT:
        lines = [
            f"with {tf}.GradientTape() as {tape}:",
            f"    {value} = {computed}",
            f"{variables} = {tape}.watched_variables()",
        ]
        gradients = f"list(zip({tape}.gradient({value}, {variables}), {variables}))"
    else:
        watched = ", ".join(sources)
        lines = [
            f"{watched} = {', '.join(f'{tf}.identity({source})' for source in sources)}",
            f"with {tf}.GradientTape() as {tape}:",
            f"    {tape}.watch([{watched}])",
            f"    {value} = {computed}",
        ]
        gradients = f"{tape}.gradient({value}, [{watched}])"
    result = f"{value}, {gradients}" if kind in RETURNS_VALUE else gradients
    body = "".join(f"    {line}\n" for line in [*lines, f"return {result}"])
    definition = cst.parse_statement(f"def {name}({signature}):\n{body}")
    assert isinstance(definition, cst.FunctionDef)
    return definition


def _simple_params(params: cst.Parameters) -> tuple[str, ...] | None:
    """The names of parameters that are all positional, without defaults or stars."""
    if (
        params.posonly_params
        or params.kwonly_params
        or isinstance(params.star_arg, cst.Param | cst.ParamStar)
        or params.star_kwarg is not None
        or any(param.default is not None for param in params.params)
    ):
        return None
    return tuple(param.name.value for param in params.params)


def _binding(name: str, ancestry: Ancestry, site: cst.CSTNode) -> tuple[bool, cst.CSTNode | None]:
    """Whether `name`, seen from `site`, is bound at most once (in the innermost function that
    binds it, else in the module), and that binding: a `def`, a parameter, an assignment, or
    None when it is never bound (a builtin, a star import)."""
    for scope in ancestry.ancestors(site):
        if not isinstance(scope, cst.FunctionDef):
            continue
        parameters = [p for p in scope.params.params if p.name.value == name]
        if name in function_locals(scope):
            found = [node for bound, node in bindings([scope.body]) if bound == name]
            return len(found) == 1 and not parameters, found[0]
        if parameters:
            return True, parameters[0]
    found = [node for bound, node in bindings([ancestry.module]) if bound == name]
    return len(found) <= 1, found[0] if found else None


def _attribute_assigned(attribute: str, ancestry: Ancestry) -> bool:
    for name in ancestry.names(attribute):
        parent = ancestry.parent(name)
        if isinstance(parent, cst.Attribute) and parent.attr is name:
            holder = ancestry.parent(parent)
            if isinstance(holder, cst.AssignTarget | cst.AugAssign | cst.AnnAssign):
                return True
    return False


def _fresh(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}_{number}"
    taken.add(candidate)
    return candidate
