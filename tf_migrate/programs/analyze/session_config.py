"""The session's `tf.ConfigProto`: which options it sets, and where TF2 sets them.

A session opened with `config=` is rewritten when the config is a `tf.ConfigProto(...)` call
in the session's arguments, or a name of the program bound once to one, with attribute
assignments on it (`config.gpu_options.allow_growth = True`) and a `tf.GPUOptions(...)` given
as `gpu_options=`. Those statements go; the options they set become `tf.config` calls
(emit/session_config.py). An option without a `tf.config` form refuses the program at its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.analysis.names import bindings, read_names
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.python_code import TfProbe
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import ConfigSetting, Item, Kind, SessionConfig

CONFIG = "tf.ConfigProto"
GPU_OPTIONS = "tf.GPUOptions"

# Options with a `tf.config` call that sets the same thing (emit/session_config.py).
SUPPORTED = frozenset({
    "allow_soft_placement", "log_device_placement", "intra_op_parallelism_threads",
    "inter_op_parallelism_threads", "gpu_options.allow_growth",
})

# `tf.Session(target, graph, config)`: the documented positions.
_SESSION_PARAMETERS = ("target", "graph", "config")

_MEMORY_FRACTION = (
    "`per_process_gpu_memory_fraction` has no exact TF2 form (TF2 limits a GPU's memory in MB): "
    "set it by hand with `tf.config.set_logical_device_configuration(gpu, "
    "[tf.config.LogicalDeviceConfiguration(memory_limit=...)])` for each of "
    "`tf.config.list_physical_devices(\"GPU\")` and drop it from the config"
)


# An option of a config: its path, its value, and the node whose line names it.
_Field = tuple[str, cst.BaseExpression, cst.CSTNode]


@dataclass(eq=False)
class _Proto:
    """A `tf.ConfigProto` or `tf.GPUOptions` built under a name, and the options set on it."""

    kind: str
    call: cst.Call
    index: int  # the item that builds it
    # (option, value, node whose line names it): the call's keywords, then the assignments.
    fields: list[_Field] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the items that build it and set options


def _attribute_path(node: cst.BaseExpression) -> tuple[str, str] | None:
    """`config.gpu_options.allow_growth` -> ("config", "gpu_options.allow_growth")."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name) or not parts:
        return None
    return node.value, ".".join(reversed(parts))


def _literal(node: cst.BaseExpression) -> bool:
    """A value that means the same wherever it is written."""
    if isinstance(node, cst.Integer | cst.Float | cst.SimpleString):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, cst.Minus) and _literal(node.expression)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and _literal(e.key) and _literal(e.value)
                   for e in node.elements)
    return False


class SessionConfigs:
    """Reads the configs of one program: `collect` before its statements are classified (the
    config statements are no graph statements), `session` for each session opened with
    arguments, `finish` once all are known."""

    def __init__(self, state: ProgramState, graph_aliases: set[str]) -> None:
        self.state = state
        self.ctx = state.ctx
        self.graph_aliases = graph_aliases  # shared with the session finder, filled as it reads
        self.protos: dict[str, _Proto] = {}
        self.sessions: list[tuple[cst.CSTNode, cst.Call]] = []

    def collect(self, items: Sequence[Item]) -> None:
        for index, item in enumerate(items):
            stmt = item.node
            if item.drop or not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            small = stmt.body[0]
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target = small.targets[0].target
            kind = self.ctx.tf_name(small.value.func) if isinstance(small.value, cst.Call) else None
            if isinstance(target, cst.Name) and kind in (CONFIG, GPU_OPTIONS):
                assert isinstance(small.value, cst.Call)
                if target.value in self.protos:
                    self.state.block(stmt, f"`{target.value}` is bound to a second config")
                    continue
                proto = _Proto(kind, small.value, index, lines=[index])
                proto.fields.extend(self._keywords(small.value))
                self.protos[target.value] = proto
                item.drop = True
                continue
            path = _attribute_path(target)
            if path is not None and path[0] in self.protos:
                self.protos[path[0]].fields.append((path[1], small.value, stmt))
                self.protos[path[0]].lines.append(index)
                item.drop = True

    def _keywords(self, call: cst.Call) -> list[_Field]:
        fields: list[_Field] = []
        for arg in call.args:
            if arg.keyword is None:
                self.state.block(arg, "a config built with positional arguments")
                continue
            fields.append((arg.keyword.value, arg.value, arg))
        return fields

    def session(self, node: cst.CSTNode, call: cst.Call) -> None:
        self.sessions.append((node, call))

    # -- once the program is read ---------------------------------------------------------
    def finish(self) -> SessionConfig | None:
        used: set[str] = set()
        chosen: list[_Field] | None = None
        anchor: int | None = None
        for node, call in self.sessions:
            config = self._config_argument(call)
            if config is None:
                continue
            fields, first = self._fields(config, node, used)
            if fields is None:
                continue
            if chosen is not None and _spelled(chosen) != _spelled(fields):
                self.state.block(node, "a second session with another config")
                continue
            chosen = fields
            anchor = first if anchor is None else min(anchor, first)
        self._other_uses(used)
        if chosen is None or anchor is None or self.state.blockers:
            return None
        settings = self._settings(chosen)
        if settings is None:
            return None
        hoisted = self._hoisted(anchor, chosen)
        lines = sorted(i for name in used for i in self.protos[name].lines)
        return None if hoisted is None else SessionConfig(settings, hoisted, tuple(lines))

    def _config_argument(self, call: cst.Call) -> cst.BaseExpression | None:
        """The `config=` argument, when the session has no other argument but its graph."""
        config = None
        for position, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else (
                _SESSION_PARAMETERS[position] if position < len(_SESSION_PARAMETERS) else "?")
            if arg.star or key == "?":
                self.state.block(call, "a Session with arguments the rewrite does not read")
                return None
            if key == "graph" and isinstance(arg.value, cst.Name) and (
                    arg.value.value in self.graph_aliases or arg.value.value == "None"):
                continue
            if key == "target" and isinstance(arg.value, cst.SimpleString) and (
                    arg.value.evaluated_value == ""):
                continue  # the local process, as without a target
            if key == "config":
                config = arg.value
                continue
            advice = (
                "a session on a server: TF2 connects to a cluster with "
                "`tf.config.experimental_connect_to_cluster`; rewrite it by hand"
                if key == "target" else "a graph the program does not build"
            )
            self.state.block(arg, f"a Session with `{key}=` ({advice})")
            return None
        if config is None:
            self.state.block(call, "a Session with arguments the rewrite does not read")
        return config

    def _fields(self, config: cst.BaseExpression, session: cst.CSTNode, used: set[str]
                ) -> tuple[list[_Field] | None, int]:
        """The config's options, GPU options as `gpu_options.x`, and the item where it is
        built (None: the config is not one the rewrite follows, said as a blocker)."""
        here = next((i for i, item in enumerate(self.state.items) if item.node is session), 0)
        proto = self._proto(config, CONFIG, used)
        if proto is None:
            self.state.block(config, "the session's config is not a `tf.ConfigProto` built in "
                                     "this program: set its options with `tf.config` calls by "
                                     "hand and drop it")
            return None, here
        fields: list[_Field] = []
        first = here if proto.index < 0 else proto.index
        for option, value, node in proto.fields:
            if option != "gpu_options":
                fields.append((option, value, node))
                continue
            gpu = self._proto(value, GPU_OPTIONS, used)
            if gpu is None:
                self.state.block(node, "`gpu_options` is not a `tf.GPUOptions` built in this "
                                       "program")
                return None, first
            if gpu.index >= 0:
                first = min(first, gpu.index)
            fields.extend((f"gpu_options.{o}", v, n) for o, v, n in gpu.fields)
        return fields, first

    def _proto(self, node: cst.BaseExpression, kind: str, used: set[str]) -> _Proto | None:
        """A config or GPU options: an inline call (index -1) or a name bound to one."""
        if isinstance(node, cst.Call) and self.ctx.tf_name(node.func) == kind:
            return _Proto(kind, node, -1, self._keywords(node))
        if isinstance(node, cst.Name) and node.value in self.protos:
            proto = self.protos[node.value]
            if proto.kind == kind:
                used.add(node.value)
                return proto
        return None

    def _other_uses(self, used: set[str]) -> None:
        """A config the session does not take, or read by code that stays, cannot go."""
        for name, proto in self.protos.items():
            line = self.state.items[proto.index].node
            if name not in used:
                self.state.block(line, f"`{name}` (a `{proto.kind}`) is not the config of the "
                                       "program's session")
        for item in self.state.items:
            if item.drop:
                continue
            bound = {n for n, _ in bindings([item.node])} & set(self.protos)
            read = read_names(item.node) & set(self.protos)
            for name in sorted(bound | read):
                how = "bound" if name in bound else "used"
                self.state.block(item.node, f"config `{name}` is {how} outside the session's "
                                            "config statements")

    def _settings(self, fields: list[_Field]
                  ) -> tuple[ConfigSetting, ...] | None:
        settings = []
        for option, value, node in fields:
            if option in SUPPORTED:
                settings.append(ConfigSetting(option, value))
            elif option == "device_count" and _no_gpus(value):
                settings.append(ConfigSetting("device_count.GPU", value))
            elif option == "device_count":
                self.state.block(node, "`device_count` other than `{'GPU': 0}`: hide GPUs with "
                                       "`tf.config.set_visible_devices([], \"GPU\")` by hand; a "
                                       "CPU count has no TF2 form")
            elif option == "gpu_options.per_process_gpu_memory_fraction":
                self.state.block(node, _MEMORY_FRACTION)
            else:
                self.state.block(node, f"the session option `{option}` is not rewritten: set it "
                                       "by hand with its `tf.config` call and drop it from the "
                                       "config")
        return None if self.state.blockers else tuple(settings)

    def _hoisted(self, anchor: int, fields: list[_Field]
                 ) -> int | None:
        """Before the first item that runs a TF op, if that comes before the config: TF2 fixes
        thread pools and devices at its first op. Values moved there must be literals."""
        placeholders = {id(s.line) for s in self.state.statements if s.kind is Kind.PLACEHOLDER}
        for index, item in enumerate(self.state.items[:anchor]):
            if item.drop or id(item.node) in placeholders or isinstance(
                    item.node, cst.FunctionDef | cst.ClassDef):
                continue
            probe = TfProbe(self.ctx)
            _walk_visit(item.node, probe)
            if not probe.found:
                continue
            for option, value, node in fields:
                if not _literal(value):
                    self.state.block(node, f"the session option `{option}` reads a value the "
                                           "program computes, and TF ops run before the config "
                                           "is built: TF2 sets it before its first op; set it by "
                                           "hand at the program's start")
                    return None
            return index
        return anchor


def _spelled(fields: list[_Field]) -> list[tuple[str, str]]:
    return [(option, code(value)) for option, value, _ in fields]


def _no_gpus(value: cst.BaseExpression) -> bool:
    """`{'GPU': 0}` (or `dict(GPU=0)`): the one device count TF2 sets the same way."""
    if isinstance(value, cst.Dict) and len(value.elements) == 1:
        element = value.elements[0]
        return (isinstance(element, cst.DictElement)
                and isinstance(element.key, cst.SimpleString)
                and element.key.evaluated_value == "GPU"
                and isinstance(element.value, cst.Integer) and element.value.value == "0")
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and (
            value.func.value == "dict") and len(value.args) == 1:
        arg = value.args[0]
        return (arg.keyword is not None and arg.keyword.value == "GPU"
                and isinstance(arg.value, cst.Integer) and arg.value.value == "0")
    return False
