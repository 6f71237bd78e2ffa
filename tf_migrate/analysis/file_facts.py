"""What the engine resolves once per file and hands to every rule: names, positions and the uses
of TensorFlow symbols."""

from __future__ import annotations

from dataclasses import dataclass, field

from tf_migrate.analysis.project_modules import ProjectModules
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.analysis.symbol_uses import SymbolUses
from tf_migrate.cst.positions import PositionIndex


@dataclass(frozen=True)
class FileFacts:
    names: NameResolver
    positions: PositionIndex
    uses: SymbolUses
    # The project modules the file imports (`from ops import dense`), read on demand.
    project: ProjectModules = field(default_factory=lambda: ProjectModules(None))

    def shows_tf1(self, ignoring: tuple[str, ...] = ()) -> bool:
        """Whether the file is TF1 code: it imports `tensorflow.compat.v1`, passes `feed_dict=`,
        or names a symbol only TF1 has (one a table rule owns: a session, placeholder,
        tf.layers, …), names starting with an `ignoring` prefix aside.

        A rule whose rewrite would change the meaning of valid TF2 code (a positional
        `tf.nn.dropout(x, 0.9)` is keep_prob in TF1 and rate in TF2) applies it only then.
        """
        table = self.names.table
        return bool(table.feeds or table.compat_v1 or any(
            self.uses.owned(name) and not name.startswith(ignoring) for name in table.tf_names
        ))
