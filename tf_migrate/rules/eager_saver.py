"""TFM507: `tf.contrib.eager.Saver`, rewritten as a `tf.train.Checkpoint` of the same
variables."""

from __future__ import annotations

from keyword import iskeyword

import libcst as cst

from tf_migrate.cst.arguments import bind_args, keyword_arg
from tf_migrate.cst.code import code
from tf_migrate.cst.dotted import dotted, dotted_name
from tf_migrate.model import Applicability
from tf_migrate.rules.support.ancestry import Ancestry
from tf_migrate.rules.support.eager import EAGER_NAMESPACE, eager_imports, tf_prefix
from tf_migrate.rules.support.rule import Invalid, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_ADVICE = (
    "use `tf.train.Checkpoint(name=variable, ...)`: `.write(prefix)` where TF1 saved, "
    "`.restore(path)` (it also reads the name-based checkpoints TF1 wrote)"
)
_FORMAT = (
    "the checkpoint becomes object-based: its keys are the Checkpoint's names where TF1 wrote "
    "the variables' names (a TF1 program no longer reads it by name), and `write` leaves the "
    "directory's `checkpoint` file, which `tf.train.latest_checkpoint` reads, as it was"
)
# Saver methods and the Checkpoint methods that do the same with one path argument.
_METHODS = {"save": "write", "restore": "restore"}


class EagerSaver(SymbolFinding):
    """## What it does
    Rewrites `saver = tfe.Saver(var_list)` (a list of variables, or a dict with names as keys)
    as `tf.train.Checkpoint(name=variable, ...)`, named after each variable's name or attribute,
    and its uses: `saver.save(prefix)` becomes `saver.write(prefix)` (the same path, no counter
    added), `saver.restore(path)` stays. A saver used otherwise (`global_step=`, passed around)
    is reported with the TF2 form.

    ## Why is this bad?
    TF2 has no `tf.contrib`. `tfe.Saver` was TF1's name-based `tf.train.Saver` in eager mode;
    TF2 checkpoints objects with `tf.train.Checkpoint`.

    ## Example
    ```python
    saver = tfe.Saver([w, b])
    path = saver.save("ckpt/model")
    saver.restore(path)
    ```

    ## Use instead
    ```python
    saver = tf.train.Checkpoint(w=w, b=b)
    path = saver.write("ckpt/model")
    saver.restore(path)
    ```

    ## Fix safety
    Unsafe: the variables are saved and restored with the same values, and a checkpoint TF1
    wrote is still restored (by variable name), but the files differ: the keys are the
    Checkpoint's names (a TF1 program reading the checkpoint by variable name no longer finds
    them), and `write` does not update the directory's `checkpoint` file that
    `tf.train.latest_checkpoint` reads (TF1's save did).
    """

    code = "TFM507"
    name = "contrib-eager-saver"
    message = "`{name}` is TF1 contrib: {advice}"
    fix_title = "Checkpoint the variables with `tf.train.Checkpoint`"
    applicability = Applicability.UNSAFE
    symbols = {f"{EAGER_NAMESPACE}.Saver": _ADVICE}
    examples = (
        Valid("import tensorflow as tf\nckpt = tf.train.Checkpoint(w=w)\nckpt.write('m')\n"),
        Invalid(
            "import tensorflow as tf\nsaver = tf.contrib.eager.Saver([w, model.b])\n"
            "path = saver.save('ckpt/m')\nsaver.restore(path)\n",
            fixed="import tensorflow as tf\nsaver = tf.train.Checkpoint(w=w, b=model.b)\n"
            "path = saver.write('ckpt/m')\nsaver.restore(path)\n",
        ),
        Invalid(
            "import tensorflow as tf\nsaver = tf.contrib.eager.Saver({'w': w})\n"
            "saver.save('ckpt/m', global_step=step)\n"
        ),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._uses: list[tuple[cst.Attribute | cst.Name, str]] = []

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        self._uses.append((node, name))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._uses:
            return
        ancestry = Ancestry(original_node)
        prefix, imports = tf_prefix(self.facts)
        for node, name in self._uses:
            planned = _plan(ancestry, node)
            message = self.message.format(name=name, advice=_ADVICE)
            if isinstance(planned, str):
                self.report(node, f"{message} ({planned})")
                continue
            call, keywords, methods = planned
            checkpoint = cst.Call(
                dotted(f"{prefix}.train.Checkpoint"),
                [keyword_arg(key, value) for key, value in keywords],
            )
            removals = eager_imports(original_node)
            self.report(call, f"{message}; {_FORMAT}", replacement=checkpoint,
                        add_imports=imports, remove_imports=removals)
            for method in methods:
                renamed = _METHODS[method.attr.value]
                if renamed != method.attr.value:
                    self.report(
                        method,
                        f"`{code(method)}` saves a TF1 name-based checkpoint: {_ADVICE}",
                        replacement=method.with_changes(attr=cst.Name(renamed)),
                    )


def _plan(
    ancestry: Ancestry, node: cst.CSTNode
) -> tuple[cst.Call, list[tuple[str, cst.BaseExpression]], list[cst.Attribute]] | str:
    """The constructor call, the Checkpoint's keywords and the saver's method uses; or why the
    saver is not rewritten."""
    call = ancestry.call_of(node)
    assign = ancestry.parent(call) if call is not None else None
    if call is None or not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return "it is not assigned to a name"
    target = assign.targets[0].target
    spelled = dotted_name(target)
    bound = bind_args(call, ("var_list",))
    if spelled is None or bound is None or "var_list" not in bound:
        return "its result or its variables cannot be read"
    keywords = _keywords(bound["var_list"])
    if isinstance(keywords, str):
        return keywords
    methods: list[cst.Attribute] = []
    for use in ancestry.uses_of(spelled, target):
        method = ancestry.parent(use)
        used = ancestry.call_of(method) if isinstance(method, cst.Attribute) else None
        if (
            not isinstance(method, cst.Attribute)
            or method.attr.value not in _METHODS
            or used is None
            or len(used.args) != 1
            or used.args[0].star
            or (used.args[0].keyword is not None and used.args[0].keyword.value != "file_prefix")
        ):
            shown = used or method or use
            return f"`{spelled}` is used as `{code(shown)}`, not to save or restore a path"
        methods.append(method)
    return call, keywords, methods


def _keywords(var_list: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]] | str:
    """The Checkpoint's keywords for TF1's `var_list`: a dict's keys, or each variable's last
    name. Python names only, each once, and never `root` (a Checkpoint's own keyword)."""
    pairs: list[tuple[str, cst.BaseExpression]] = []
    if isinstance(var_list, cst.Dict):
        for element in var_list.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString
            ):
                return "its dict's keys are not all strings"
            pairs.append((str(element.key.evaluated_value), element.value))
    elif isinstance(var_list, cst.List | cst.Tuple):
        for item in var_list.elements:
            name = dotted_name(item.value) if not isinstance(item, cst.StarredElement) else None
            if name is None:
                return f"`{code(item.value)}` in its list is not a variable's name"
            pairs.append((name.rpartition(".")[2], item.value))
    else:
        return "its variables are not a list or dict written out"
    names = [key for key, _ in pairs]
    for key in names:
        if not key.isidentifier() or iskeyword(key) or key == "root" or names.count(key) > 1:
            return f"`{key}` cannot name a Checkpoint's variable once"
    return pairs
