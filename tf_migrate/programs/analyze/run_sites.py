"""Sessions and run sites: `sess.run(fetches, feed_dict)`, `t.eval(feed_dict, session)`,
`init.run()`, and the Python code around them (which must not use graph values directly)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import read_names
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze import fed_values, second_sessions
from tf_migrate.programs.analyze.python_code import PythonCode, RunSiteProbe, TfProbe
from tf_migrate.programs.analyze.session_config import SessionConfigs
from tf_migrate.programs.analyze.session_helpers import SessionHelper
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    FeedBinding,
    GraphStatement,
    Kind,
    Position,
    RunSite,
)

_END: Position = (10**9, 0)


class SiteFinder:
    def __init__(self, state: ProgramState) -> None:
        self.ctx = state.ctx
        self.state = state
        self.names: set[str] = set()
        self.graph_aliases: set[str] = set()  # names of the one `tf.Graph()`
        # Functions that run the graph with a session (analyze/session_helpers.py), by name.
        self.session_helpers: dict[str, SessionHelper] = {}
        self.opened: list[cst.CSTNode] = []
        self.defaults: list[tuple[Position, Position]] = []  # where `.eval()` has a session
        self._interactive: dict[str, Position] = {}
        self.feeds: dict[str, FeedBinding] = {}
        self._feed_dicts: set[cst.Dict] = set()
        self._needs_default: list[RunSite] = []
        # Sessions opened with `config=` (and their configs): read once the program is.
        self.configs = SessionConfigs(state, self.graph_aliases)

    # -- sessions -----------------------------------------------------------------------------
    def open(self, node: cst.CSTNode, call: cst.Call, name: str | None, default: bool) -> None:
        graph_only = len(call.args) == 1 and call.args[0].keyword is not None and (
            call.args[0].keyword.value == "graph"
            and isinstance(call.args[0].value, cst.Name)
            and call.args[0].value.value in self.graph_aliases
        )
        if call.args and not graph_only:
            self.configs.session(node, call)
        self.opened.append(node)
        if name is not None:
            self.names.add(name)
        if default and isinstance(node, cst.With):
            self.defaults.append((self.ctx.start(node), self.ctx.end(node)))

    def session_statement(
        self, small: cst.BaseSmallStatement, line: cst.SimpleStatementLine, index: int
    ) -> str | None:
        """Session creation, `sess.close()` and initializer runs: statements that disappear.
        Returns "session" or "initializer" for them, None for other statements."""
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
            name = self.ctx.tf_name(small.value.func)
            if name in sym.SESSIONS:
                target = small.targets[0].target if len(small.targets) == 1 else None
                if not isinstance(target, cst.Name):
                    self.state.block(line, "a session bound to something other than a name")
                    return "session"
                self.open(line, small.value, target.value, default=False)
                if name == "tf.InteractiveSession":
                    self._interactive[target.value] = self.ctx.start(line)
                    self.defaults.append((self.ctx.start(line), _END))
                return "session"
        if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
            return None
        call = small.value
        func = call.func
        if self.ctx.tf_name(func) == "tf.InteractiveSession":
            self.open(line, call, None, default=False)
            self.defaults.append((self.ctx.start(line), _END))
            return "session"
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "close"
            and isinstance(func.value, cst.Name)
            and func.value.value in self.names
            and not call.args
        ):
            start = self._interactive.pop(func.value.value, None)
            if start is not None:
                self.defaults = [(s, e) if s != start else (s, self.ctx.start(line))
                                 for s, e in self.defaults]
            return "session"
        if not isinstance(func, cst.Attribute) or func.attr.value != "run":
            return None
        fetch: cst.BaseExpression | None = func.value
        if isinstance(func.value, cst.Name) and func.value.value in self.names:
            fetch = call.args[0].value if call.args else None
        if fetch is None or not self.is_initializer(fetch, self.state.graph_names):
            return None
        site = self._site(call, index, repeated=False, discarded=True)
        if site is not None:
            self.state.sites.append(site)
        return "initializer"

    def is_initializer(self, node: cst.BaseExpression, graph: dict[str, GraphStatement]) -> bool:
        if isinstance(node, cst.Name):
            known = graph.get(node.value)
            return known is not None and known.kind is Kind.INITIALIZER
        if isinstance(node, cst.Attribute) and node.attr.value == "initializer":
            known = graph.get(node.value.value) if isinstance(node.value, cst.Name) else None
            return known is not None and known.kind is Kind.VARIABLE
        if isinstance(node, cst.List | cst.Tuple):
            return bool(node.elements) and all(
                self.is_initializer(e.value, graph) for e in node.elements
            )
        if isinstance(node, cst.Call):
            name = self.ctx.tf_name(node.func)
            if name in sym.INITIALIZERS:
                return True
            if name == sym.GROUP:
                return bool(node.args) and all(
                    a.keyword is None and self.is_initializer(a.value, graph) for a in node.args
                )
        return False

    # -- run sites ----------------------------------------------------------------------------
    def opens_session(self, node: cst.CSTNode) -> bool:
        probe = TfProbe(self.ctx, sym.SESSIONS)
        _walk_visit(node, probe)
        return probe.found

    def has_run_site(self, node: cst.CSTNode) -> bool:
        probe = RunSiteProbe(self)
        _walk_visit(node, probe)
        return probe.found

    def _graph_expression(self, node: cst.BaseExpression) -> bool:
        if read_names(node) & set(self.state.graph_names):
            return True
        probe = TfProbe(self.ctx)
        _walk_visit(node, probe)
        return probe.found

    def _site(self, call: cst.Call, index: int, *, repeated: bool, discarded: bool
              ) -> RunSite | None:
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("run", "eval"):
            return None
        receiver = func.value
        session_call = isinstance(receiver, cst.Name) and receiver.value in self.names
        if func.attr.value == "run" and session_call:
            params: tuple[str, ...] = ("fetches", "feed_dict")
            fetch_in_receiver = False
        elif (func.attr.value == "eval" and self._graph_expression(receiver)) or (
            func.attr.value == "run" and self.is_initializer(receiver, self.state.graph_names)
        ) or (func.attr.value == "run" and discarded and isinstance(receiver, cst.Name)
              and receiver.value in self.state.graph_names):
            # `op.run(feed_dict)` (`train_step.run(...)`) runs an operation for its effects:
            # `sess.run(op, feed_dict)` whose None nobody reads.
            params, fetch_in_receiver = ("feed_dict", "session"), True
        elif func.attr.value == "run" and self._graph_expression(receiver):
            self.state.block(call, "`.run()` of a graph operation whose value is used")
            return None
        else:
            return None
        args: dict[str, cst.BaseExpression] = {}
        for position, arg in enumerate(call.args):
            key = arg.keyword.value if arg.keyword is not None else (
                params[position] if position < len(params) else "?")
            if key in ("options", "run_metadata") and not arg.star:
                self.state.block(call, f"run call with `{key}=` (a traced run): TF2 has no run "
                                       "options; profile the call by hand between "
                                       "`tf.profiler.experimental.start(logdir)` and `stop()` "
                                       "(or `tf.summary.trace_on(profiler=True)`) and drop "
                                       "`options=` and `run_metadata=`")
                return None
            if arg.star or key not in params:
                self.state.block(call, f"run call with argument `{key}`")
                return None
            args[key] = arg.value
        fetch = receiver if fetch_in_receiver else args.get("fetches")
        if fetch is None:
            self.state.block(call, "run call without fetches")
            return None
        site = RunSite(call, fetch, [], None, self.ctx.start(call), index, repeated, discarded)
        site.initializer = self.is_initializer(fetch, self.state.graph_names)
        session = args.get("session")
        if fetch_in_receiver:
            if session is None:
                self._needs_default.append(site)
            elif not (isinstance(session, cst.Name) and session.value in self.names):
                self.state.block(call, "`session=` is not a session this script opened")
        self._feeds(site, args.get("feed_dict"))
        return site

    def _feeds(self, site: RunSite, feed: cst.BaseExpression | None) -> None:
        if feed is None or (isinstance(feed, cst.Name) and feed.value == "None"):
            return
        if isinstance(feed, cst.Name) and feed.value in self.feeds:
            site.feed_name = feed.value
            return
        if not isinstance(feed, cst.Dict):
            self.state.block(feed, "feed_dict is not a dict literal keyed by placeholders (nor a "
                                   "name bound to one)")
            return
        for element in feed.elements:
            key = element.key if isinstance(element, cst.DictElement) else None
            placeholder = self._placeholder_key(key)
            if placeholder is None and isinstance(key, cst.Name) and isinstance(
                    element, cst.DictElement) and key.value in self.state.graph_names:
                # A computed value fed in place of what computes it.
                known = self.state.graph_names[key.value]
                reason = fed_values.refusal(known)
                if reason is not None:
                    self.state.block(feed, reason)
                    return
                site.fed[key.value] = known
                placeholder = key.value
            if placeholder is None or not isinstance(element, cst.DictElement):
                self.state.block(feed, "feed_dict feeds something other than a placeholder or "
                                       "a graph value")
                return
            site.feeds.append((placeholder, element.value))

    def _placeholder_key(self, key: cst.BaseExpression | None) -> str | None:
        if not isinstance(key, cst.Name):
            return None
        known = self.state.graph_names.get(key.value)
        return key.value if known is not None and known.kind is Kind.PLACEHOLDER else None

    def feed_binding(self, assign: cst.Assign, graph_names: set[str]) -> bool:
        value = assign.value
        if not isinstance(value, cst.Dict) or not value.elements or len(assign.targets) != 1:
            return False
        target = assign.targets[0].target
        keys = [
            self._placeholder_key(e.key) if isinstance(e, cst.DictElement) else None
            for e in value.elements
        ]
        if not isinstance(target, cst.Name) or None in keys:
            return False
        names = tuple(k for k in keys if k is not None)
        existing = self.feeds.get(target.value)
        if existing is not None and set(existing.keys) != set(names):
            self.state.block(assign, f"`{target.value}` is bound to feed dicts with other keys")
        self.feeds.setdefault(target.value, FeedBinding(target.value, [], names)).dicts.append(
            value
        )
        self._feed_dicts.add(value)
        return True

    def check_python(self, stmt: cst.CSTNode, index: int) -> None:
        _walk_visit(stmt, PythonCode(self, index, stmt))

    def helper_sites(self, helper: SessionHelper) -> None:
        """The run sites in a session helper: found as the program's own are, then moved to
        where the program first calls the helper (their fetches are the graph's values then),
        and taken to repeat (the helper may be called again)."""
        index, call = helper.first_run
        found = len(self.state.sites)
        added = helper.session not in self.names
        self.names.add(helper.session)
        _walk_visit(helper.function.body, PythonCode(self, index, helper.function.body))
        if added:
            self.names.discard(helper.session)
        for site in self.state.sites[found:]:
            site.position = self.ctx.start(call)
            site.repeated = True
        if helper.plan is not None:
            self.state.rewrites[id(helper.function)] = helper.plan
            for _, each in helper.calls:
                self.state.rewrites[id(each)] = helper.plan
    def finish(self) -> None:
        for site in self._needs_default:
            if not any(start <= site.position <= end for start, end in self.defaults):
                self.state.block(site.call, "`.eval()`/`.run()` outside any default session")
        # A second session that starts with the variables initializer resets them there.
        second_sessions.plan(self.state, self.opened)
        first_run = min((s.position for s in self.state.sites if not s.initializer), default=_END)
        for site in self.state.sites:
            if site.initializer and not site.resets and not site.reinitializes and (
                    site.repeated or not site.discarded or site.position > first_run):
                self.state.block(site.call, "an initializer runs after the variables were used "
                                            "or in a loop (TF1 would reset them)")
        for name, helper in self.state.helpers.items():
            used = read_names(helper.body) & self.names
            if used and name not in self.session_helpers:
                self.state.block(helper, f"the session is used inside function `{name}`")

