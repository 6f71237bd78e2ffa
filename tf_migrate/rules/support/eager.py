"""What the rules of TF1 eager programs share: whether a file is one, how it spells the
tensorflow module, and the `tf.contrib.eager` imports a rewrite may leave unused."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.file_facts import FileFacts
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.rules.support.rule import NeededImport, UnusedImport

EAGER_NAMESPACE = "tf.contrib.eager"
_EAGER_MARKERS = frozenset({"tf.enable_eager_execution", "tf.GradientTape"})
_TF_MODULES = frozenset({"tensorflow", "tensorflow.compat.v1"})
# The modules `tf.contrib.eager` is imported as (its package, and the module behind it).
_EAGER_MODULES = frozenset({"tensorflow.contrib.eager", "tensorflow.contrib.eager.python.tfe"})


def applies_gradients_eagerly(facts: FileFacts) -> bool:
    """Whether the file may apply gradients at once, as eager code does: a TF1 eager program
    (it enables eager execution or uses `tf.contrib.eager`, whose gradient functions, iterators
    and savers only run eagerly), or code that records gradients on a `tf.GradientTape` (what
    the gradient functions become, and what TF2-era code writes with `tf.compat.v1`
    optimizers). A cheap test on the names the file spells, so that other files pay nothing."""
    return any(
        name in _EAGER_MARKERS or name == EAGER_NAMESPACE or name.startswith(EAGER_NAMESPACE + ".")
        for name in facts.names.table.tf_names
    )


def tf_prefix(facts: FileFacts) -> tuple[str, tuple[NeededImport, ...]]:
    """The name the file reaches the tensorflow module through (`tf`, `tensorflow`), and the
    import generated code needs when it has none."""
    aliases = facts.names.table.aliases
    if aliases.get("tf", frozenset()) & _TF_MODULES:
        return "tf", ()
    plain = sorted(name for name, targets in aliases.items() if "tensorflow" in targets)
    if plain:
        return plain[0], ()
    return "tf", (NeededImport("tensorflow", asname="tf"),)


def eager_imports(module: cst.Module) -> tuple[UnusedImport, ...]:
    """The module's imports of `tensorflow.contrib.eager` (or the module behind it) and of names
    from it: once every use is rewritten they are unused, and TF2 cannot import them."""
    found: list[UnusedImport] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                found += [
                    UnusedImport(imported, None, _asname(alias))
                    for alias in small.names
                    if (imported := dotted_name(alias.name) or "") in _EAGER_MODULES
                ]
            elif isinstance(small, cst.ImportFrom) and small.module is not None:
                found += _from_imports(small)
    return tuple(found)


def _from_imports(statement: cst.ImportFrom) -> list[UnusedImport]:
    module = dotted_name(statement.module) if statement.module is not None else None
    if isinstance(statement.names, cst.ImportStar) or module is None:
        return []
    found = []
    for alias in statement.names:
        name = dotted_name(alias.name)
        if name is not None and (f"{module}.{name}" in _EAGER_MODULES or module in _EAGER_MODULES):
            found.append(UnusedImport(module, name, _asname(alias)))
    return found


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return dotted_name(alias.asname.name) if isinstance(alias.asname.name, cst.Name) else None
