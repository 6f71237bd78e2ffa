"""TFM506: the gradient functions of `tf.contrib.eager`, rewritten as `tf.GradientTape`
functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.ancestry import Ancestry
from tf_migrate.rules.support.eager import EAGER_NAMESPACE, eager_imports, tf_prefix
from tf_migrate.rules.support.gradient_functions import (
    IMPLICIT,
    differentiated,
    differentiated_parameters,
    gradient_function,
)
from tf_migrate.rules.support.rule import DeferredReplacement, Invalid, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_TAPE = "compute the value under a `tf.GradientTape`"
_SYMBOLS = {
    f"{EAGER_NAMESPACE}.implicit_gradients": f"{_TAPE} and pair `tape.gradient(value, "
    "tape.watched_variables())` with the variables",
    f"{EAGER_NAMESPACE}.implicit_value_and_gradients": f"{_TAPE} and return it with the "
    "(gradient, variable) pairs of `tape.watched_variables()`",
    f"{EAGER_NAMESPACE}.gradients_function": f"{_TAPE} that watches the arguments and return "
    "`tape.gradient(value, [arguments])`",
    f"{EAGER_NAMESPACE}.value_and_gradients_function": f"{_TAPE} that watches the arguments "
    "and return it with `tape.gradient(value, [arguments])`",
}
# A blank line, without the indentation libcst would give it inside a block.
_BLANK = cst.EmptyLine(indent=False)


class EagerGradientFunctions(SymbolFinding):
    """## What it does
    Rewrites `grad_fn = tfe.implicit_gradients(f)` and the other gradient functions of
    `tf.contrib.eager` (`implicit_value_and_gradients`, `gradients_function`,
    `value_and_gradients_function`) as a function of the same name that computes `f` under a
    `tf.GradientTape` and returns what TF1's returned: the (gradient, variable) pairs of the
    trainable variables `f` read (in creation order, as TF1 gave them), the value first for the
    `value_and_` forms, the gradients with respect to the arguments for the `gradients_function`
    forms (all of `f`'s parameters, or those `params=` names). Calls of `grad_fn` are unchanged.

    ## Why is this bad?
    TF2 has no `tf.contrib`; `tf.GradientTape` is how TF2 computes gradients.

    ## Example
    ```python
    grad_fn = tfe.implicit_gradients(loss_fn)
    optimizer.apply_gradients(grad_fn(x, y))
    ```

    ## Use instead
    ```python
    def grad_fn(x, y):
        with tf.GradientTape() as tape:
            value = loss_fn(x, y)
        variables = tape.watched_variables()
        return list(zip(tape.gradient(value, variables), variables))


    optimizer.apply_gradients(grad_fn(x, y))
    ```

    ## Fix safety
    Safe: the tape records the same computation and TF2's `tape.watched_variables()` orders the
    variables as TF1 did. The arguments differentiated by the `gradients_function` forms become
    tensors of their own (`tf.identity`), as TF1 made them. The rewrite calls `f` when the
    gradient function is called, where TF1 took `f` once: it applies only where that is the same
    object (a `def`, a lambda, a name or attribute bound once) and reports the other cases, a
    gradient function assigned in a class body, and calls that pass TF1's `dy=`.
    """

    code = "TFM506"
    name = "contrib-eager-gradients"
    message = "`{name}` is TF1 contrib: {advice}"
    fix_title = "Define the function with a `tf.GradientTape`"
    applicability = Applicability.SAFE
    symbols = _SYMBOLS
    examples = (
        Valid(
            "import tensorflow as tf\nwith tf.GradientTape() as tape:\n    y = f(x)\n"
            "g = tape.gradient(y, x)\n"
        ),
        Invalid(
            "import tensorflow as tf\n\n\ndef loss(x):\n    return x * w\n\n\n"
            "grad_fn = tf.contrib.eager.implicit_gradients(loss)\n"
            "opt.apply_gradients(grad_fn(2.0))\n",
            fixed="import tensorflow as tf\n\n\ndef loss(x):\n    return x * w\n\n\n"
            "def grad_fn(x):\n    with tf.GradientTape() as tape:\n        value = loss(x)\n"
            "    variables = tape.watched_variables()\n"
            "    return list(zip(tape.gradient(value, variables), variables))\n\n\n"
            "opt.apply_gradients(grad_fn(2.0))\n",
        ),
        Invalid(
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
            "dy = tfe.value_and_gradients_function(lambda x, y: x * y, params=[1])\n",
            fixed="import tensorflow as tf\n\n\ndef dy(x, y):\n    y = tf.identity(y)\n"
            "    with tf.GradientTape() as tape:\n        tape.watch([y])\n        value = x * y\n"
            "    return value, tape.gradient(value, [y])\n",
        ),
        Invalid(
            "from tensorflow.contrib import eager as tfe\n\n\nclass Model:\n"
            "    def __init__(self):\n        self.grads = tfe.implicit_value_and_gradients("
            "self.loss)\n",
            fixed="import tensorflow as tf\n\n\nclass Model:\n    def __init__(self):\n"
            "        def grads(*args, **kwargs):\n            with tf.GradientTape() as tape:\n"
            "                value = self.loss(*args, **kwargs)\n"
            "            variables = tape.watched_variables()\n"
            "            return value, list(zip(tape.gradient(value, variables), variables))\n"
            "        self.grads = grads\n",
        ),
        Invalid(
            "import tensorflow as tf\ntfe = tf.contrib.eager\n"
            "grads = tfe.gradients_function(make_loss())\n"
        ),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._uses: list[tuple[cst.Attribute | cst.Name, str, str]] = []

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        self._uses.append((node, name, key))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._uses:
            return
        ancestry = Ancestry(original_node)
        outcomes = [
            (node, name, key, self._rewrite(ancestry, node, key.rpartition(".")[2]))
            for node, name, key in self._uses
        ]
        rewritten = {id(outcome.line) for *_, outcome in outcomes if isinstance(outcome, _Rewrite)}
        _, imports = tf_prefix(self.facts)
        for node, name, key, outcome in outcomes:
            if isinstance(outcome, str):
                advice = f"{outcome}; {self.symbols[key]}"
                self.report(node, self.message.format(name=name, advice=advice))
                continue
            following = ancestry.following(outcome.line)
            then_rewritten = following is not None and id(following) in rewritten
            self.report(
                outcome.line,
                self.message.format(name=name, advice=self.symbols[key]),
                replacement=DeferredReplacement(
                    partial(outcome.replacement, ancestry, then_rewritten=then_rewritten)
                ),
                add_imports=imports,
                remove_imports=eager_imports(original_node),
            )

    def _rewrite(
        self, ancestry: Ancestry, node: cst.Attribute | cst.Name, kind: str
    ) -> _Rewrite | str:
        """The statement `target = tfe.<kind>(f, ...)` and the function that replaces it, or
        why it is not rewritten."""
        call = ancestry.call_of(node)
        assign = ancestry.parent(call) if call is not None else None
        line = ancestry.statement_line(node)
        if (
            call is None
            or not isinstance(assign, cst.Assign)
            or assign.value is not call
            or len(assign.targets) != 1
            or line is None
            or len(line.body) != 1
        ):
            return "the rewrite defines a function in place of `name = ...(f)`, and this is not one"
        if isinstance(ancestry.scope(line), cst.ClassDef | cst.Lambda):
            return "a function assigned in a class body would become a method"
        bound = bind_args(call, ("f",) if kind in IMPLICIT else ("f", "params"))
        if bound is None or "f" not in bound:
            return "its arguments cannot be read"
        function = differentiated(bound["f"], ancestry, line)
        if isinstance(function, str):
            return function
        sources: tuple[str, ...] = ()
        if kind not in IMPLICIT:
            selected = differentiated_parameters(bound.get("params"), function)
            if isinstance(selected, str):
                return selected
            sources = selected
        target = assign.targets[0].target
        name = _function_name(target, ancestry)
        if name is None:
            return "its result is not assigned to a name or an attribute"
        if name in function.reads:
            return f"the function would be named `{name}`, which it calls"
        spelled = dotted_name(target)
        if kind not in IMPLICIT and spelled is not None and _passes_keywords(
            ancestry, spelled, target
        ):
            return f"`{spelled}` is called with keywords (TF1's `dy=`)"
        kept = None if isinstance(target, cst.Name) else assign.with_changes(value=cst.Name(name))
        return _Rewrite(line, partial(
            gradient_function, name, kind, function, sources, tf_prefix(self.facts)[0]
        ), kept)


@dataclass(frozen=True)
class _Rewrite:
    """A line `target = tfe.<kind>(...)` and the function that takes its place; an attribute
    target is then assigned the function (`kept`)."""

    line: cst.SimpleStatementLine
    definition: Callable[[], cst.FunctionDef]  # built when the fix is applied (never in `check`)
    kept: cst.Assign | None

    def replacement(
        self, ancestry: Ancestry, *, then_rewritten: bool
    ) -> cst.FlattenSentinel[cst.BaseStatement]:
        """The definition with the line's comments and the blank lines PEP 8 asks around it:
        two before and after at module level (unless the next line is rewritten too, and
        brings its own), one before inside a function."""
        line = self.line
        at_module_level = isinstance(ancestry.scope(line), cst.Module)
        wanted = 2 if at_module_level else 1
        leading = list(line.leading_lines)
        if getattr(ancestry.parent(line), "body", (line,))[0] is not line:
            leading = [_BLANK] * max(0, wanted - _blank_lines(leading)) + leading
        following = ancestry.following(line)
        footer: list[cst.EmptyLine] = []
        if at_module_level and (self.kept is not None or following is not None):
            after = () if self.kept is not None else getattr(following, "leading_lines", ())
            if self.kept is not None or not then_rewritten:
                footer = [_BLANK] * max(0, wanted - _blank_lines(after))
        definition = self.definition()
        body = definition.body
        assert isinstance(body, cst.IndentedBlock)
        statements: list[cst.BaseStatement] = [definition.with_changes(
            leading_lines=leading, body=body.with_changes(footer=footer)
        )]
        if self.kept is not None:
            statements.append(line.with_changes(body=[self.kept], leading_lines=()))
        return cst.FlattenSentinel(statements)


def _function_name(target: cst.BaseExpression, ancestry: Ancestry) -> str | None:
    """The target's name, or a name of its own for an attribute (`self.grads` -> `grads`)."""
    if isinstance(target, cst.Name):
        return target.value
    if not isinstance(target, cst.Attribute):
        return None
    name, number = target.attr.value, 1
    while ancestry.spelled(name) and not _only_as_attribute(name, ancestry):
        number += 1
        name = f"{target.attr.value}_{number}"
    return name


def _only_as_attribute(name: str, ancestry: Ancestry) -> bool:
    for found in ancestry.names(name):
        parent = ancestry.parent(found)
        if not (isinstance(parent, cst.Attribute) and parent.attr is found):
            return False
    return True


def _passes_keywords(ancestry: Ancestry, spelled: str, target: cst.BaseExpression) -> bool:
    for use in ancestry.uses_of(spelled, target):
        call = ancestry.call_of(use)
        if call is not None and any(arg.keyword is not None for arg in call.args):
            return True
    return False


def _blank_lines(lines: Sequence[cst.EmptyLine]) -> int:
    """How many blank lines come first, before any comment."""
    return next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
