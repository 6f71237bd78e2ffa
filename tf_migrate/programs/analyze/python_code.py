"""Visitors over plain Python statements of a graph program: where the run sites are, and
whether graph values or the session are used as ordinary Python values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import bindings, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.model import Context, RunSite

if TYPE_CHECKING:
    from tf_migrate.programs.analyze.run_sites import SiteFinder


class RunSiteProbe(cst.CSTVisitor):
    def __init__(self, finder: SiteFinder) -> None:
        super().__init__()
        self.finder = finder
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in self.finder.session_helpers:
            self.found = True  # a function that runs the graph
        if isinstance(func, cst.Attribute) and func.attr.value in ("run", "eval"):
            receiver = func.value
            if (isinstance(receiver, cst.Name) and receiver.value in self.finder.names) or (
                func.attr.value == "eval" and self.finder._graph_expression(receiver)
            ):
                self.found = True


class TfProbe(cst.CSTVisitor):
    """Finds a call of a TF op (or of one of `only`)."""

    def __init__(self, ctx: Context, only: frozenset[str] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.only = only
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        name = self.ctx.tf_name(node.func)
        if name is None or sym.python_level(name) or name == sym.SPARSE_VALUE:
            return  # a sparse value is checked on its own (analyze/sparse_values.py)
        if self.only is None or name in self.only:
            self.found = True


class PythonCode(cst.CSTVisitor):
    """Plain Python statements: find run sites; refuse graph values used as Python values."""

    def __init__(self, finder: SiteFinder, index: int, stmt: cst.CSTNode) -> None:
        super().__init__()
        self.finder = finder
        self.index = index
        self.loops = 0
        self.targets = {id(node) for _, node in bindings([stmt])}
        self.statement_values: set[int] = set()
        self.assigned: dict[int, cst.BaseExpression] = {}  # value id -> its one target
        self.in_site = 0
        # A compound statement of the program (`if`, `for`, `while`) building ops is refused
        # once, at its first op, with what to change.
        self.block = stmt if isinstance(stmt, cst.If | cst.For | cst.While) else None
        self.block_refused = False
        # Graph values it reads, refused when it builds no op: else they are that op's inputs.
        self.block_reads: list[cst.Name] = []

    def _enter(self) -> None:
        self.loops += 1

    def _leave(self) -> None:
        self.loops -= 1

    def leave_If(self, original_node: cst.If) -> None:
        self._leave_block(original_node)

    def _leave_block(self, node: cst.CSTNode) -> None:
        if node is not self.block or self.block_refused:
            return
        for name in self.block_reads:
            self.finder.state.block(name, f"graph value `{name.value}` is used as a Python value")

    def visit_For(self, node: cst.For) -> None:
        self._enter()

    def leave_For(self, original_node: cst.For) -> None:
        self._leave()
        self._leave_block(original_node)

    def visit_While(self, node: cst.While) -> None:
        self._enter()

    def leave_While(self, original_node: cst.While) -> None:
        self._leave()
        self._leave_block(original_node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._enter()

    def leave_CompFor(self, original_node: cst.CompFor) -> None:
        self._leave()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter()

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if read_names(node.body) & self.finder.names:
            self.finder.state.block(node, "the session is used inside function "
                                          f"`{node.name.value}`")
        return False

    def visit_Dict(self, node: cst.Dict) -> bool:
        if node not in self.finder._feed_dicts:
            return True
        for element in node.elements:
            _walk_visit(element.value, self)
        return False

    def visit_Expr(self, node: cst.Expr) -> None:
        self.statement_values.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self.assigned[id(node.value)] = node.targets[0].target
        # `feed = {x: batch_x, y: batch_y}` inside a loop: a feed dict like a top-level one.
        self.finder.feed_binding(node, set(self.finder.state.graph_names))

    def visit_Call(self, node: cst.Call) -> bool:
        finder = self.finder
        discarded = id(node) in self.statement_values
        site = finder._site(node, self.index, repeated=self.loops > 0, discarded=discarded)
        if site is not None:
            site.target = self.assigned.get(id(node))
            if site.initializer and not discarded:
                finder.state.block(node, "an initializer runs inside an expression")
            finder.state.sites.append(site)
            self.in_site += 1  # the call is written anew from its fed values
            for _, value in site.feeds:
                _walk_visit(value, self)
            self.in_site -= 1
            return False
        if self._feed_update(node):
            return False
        name = finder.ctx.tf_name(node.func)
        if name == "tf.train.global_step" and self._global_step_read(node):
            return False
        if name == sym.SPARSE_VALUE:
            pass  # a Python value, checked where it is fed (analyze/sparse_values.py)
        elif name in sym.SESSIONS:
            finder.state.block(node, "a session is opened inside a block or an expression (only "
                                     "`with tf.Session() as s:` and `s = tf.Session()` at the "
                                     "top level are rewritten)")
        elif name is not None and not sym.python_level(name):
            advice = sym.by_hand(name)
            if self.block is not None and advice is None:
                self._built_in_block(node, name)
            else:
                finder.state.block(node, f"`{name}` is built outside the graph-building "
                                   "statements" + (f": {advice}" if advice else ""))
        func = node.func
        helper = finder.session_helpers.get(func.value) if isinstance(func, cst.Name) else None
        if helper is not None:
            # The session goes from the call; what the helper runs is its own run sites'.
            session = helper.plan.name if helper.plan is not None else None
            names = tuple(p.name.value for p in helper.function.params.params)
            bound = bind_args(node, names) or {}
            for key, value in bound.items():
                if key != session:
                    _walk_visit(value, self)
            return False
        if isinstance(func, cst.Name) and func.value in finder.state.helpers:
            probe = TfProbe(finder.ctx)
            _walk_visit(finder.state.helpers[func.value], probe)
            if probe.found:
                finder.state.block(node, f"`{func.value}` builds graph ops but is called from "
                                         "plain Python code")
        return True

    def _built_in_block(self, node: cst.Call, name: str) -> None:
        """An op built in an `if`, `for` or `while` of the program: its graph statements are
        followed at the top level only. Said once per statement, with what to change: an `if`'s
        branches go into a function of the script, which the run functions call, so the `if`
        keeps choosing, when they are traced, as TF1 chose while building; a loop that runs the
        graph builds new ops on every iteration; another loop is unrolled."""
        if self.block_refused:
            return
        self.block_refused = True
        block = self.block
        assert block is not None
        keyword = "if" if isinstance(block, cst.If) else (
            "for" if isinstance(block, cst.For) else "while")
        line = self.finder.ctx.start(block)[0]
        if isinstance(block, cst.If):
            advice = ("build the values of its branches in a function of the script that takes "
                      "the graph values they read as parameters and returns what they compute "
                      "(`loss = build_loss(x, y)`): the run functions call it, and its `if` "
                      "still picks the branch")
        elif self.finder.has_run_site(block):
            advice = ("build the op once before the loop, with a placeholder for what changes "
                      "between iterations, and run it in the loop")
        else:
            advice = ("unroll the loop, or, when it creates no variables, compute its values in "
                      "a function of the script that takes the graph values it reads as "
                      "parameters and returns them")
        self.finder.state.block(node, f"`{name}` is built in the `{keyword}` statement at line "
                                      f"{line}, and the rewrite follows graph statements at the "
                                      f"program's top level only: {advice}")

    def _feed_update(self, node: cst.Call) -> bool:
        """`feed.update({rate: 0.5})`: new values for placeholders the dict holds, its keys
        written as strings as the dict's are."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.attr.value == "update"):
            return False
        binding = self.finder.feeds.get(func.value.value)
        if binding is None or len(node.args) != 1 or node.args[0].keyword is not None or (
                node.args[0].star or self.in_site):
            return False
        update = node.args[0].value
        if not isinstance(update, cst.Dict) or not all(
            isinstance(e, cst.DictElement) and self.finder._placeholder_key(e.key) in binding.keys
            for e in update.elements
        ):
            return False
        binding.dicts.append(update)
        self.finder._feed_dicts.add(update)
        _walk_visit(update, self)
        return True

    def _global_step_read(self, node: cst.Call) -> bool:
        """`tf.train.global_step(sess, step)` is `int(sess.run(step))`."""
        args = node.args
        if len(args) != 2 or any(a.keyword is not None or a.star for a in args):
            return False
        session = args[0].value
        if not (isinstance(session, cst.Name) and session.value in self.finder.names):
            return False
        site = RunSite(node, args[1].value, [], None, self.finder.ctx.start(node), self.index,
                       self.loops > 0, id(node) in self.statement_values, as_int=True)
        site.target = self.assigned.get(id(node))
        self.finder.state.sites.append(site)
        return True

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        """`feed[rate] = 0.5` between runs: the dict holds other values for the next runs, which
        pass what it holds then; its keys become the placeholders' names."""
        binding = self.finder.feeds.get(node.value.value) if isinstance(
            node.value, cst.Name) else None
        if binding is None:
            return True
        key = node.slice[0].slice if len(node.slice) == 1 else None
        name = self.finder._placeholder_key(key.value) if isinstance(key, cst.Index) else None
        if self.in_site:
            self.finder.state.block(node, f"feed dict `{binding.name}` is read in a run call")
            return False
        if name is None or name not in binding.keys:
            self.finder.state.block(node, f"feed dict `{binding.name}` is indexed by something "
                                          "other than one of the placeholders of its literal "
                                          "(put every key in the literal)")
            return False
        assert isinstance(key, cst.Index) and isinstance(key.value, cst.Name)
        binding.subscripts.append(key.value)
        return False

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) and (
                target.value.value in self.finder.feeds):
            self.finder.state.block(node, f"a key is deleted from feed dict `{target.value.value}`"
                                          " (set its value instead)")

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        target = node.target
        if isinstance(target, cst.Name) and target.value in self.finder.state.graph_names:
            self.finder.state.block(node, f"graph value `{target.value}` is updated in place")

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self.targets:
            return
        finder = self.finder
        if node.value in finder.names:
            finder.state.block(node, f"the session `{node.value}` is used as a value")
        elif node.value in finder.graph_aliases:
            finder.state.block(node, f"the graph `{node.value}` is used as a value")
        elif node.value in finder.state.graph_names and self.block is not None:
            self.block_reads.append(node)
        elif node.value in finder.state.graph_names:
            finder.state.block(node, f"graph value `{node.value}` is used as a Python value")
        elif node.value in finder.feeds:
            finder.state.block(node, f"feed dict `{node.value}` is used outside feed_dict= "
                                     f"(only `{node.value}[placeholder]` and "
                                     f"`{node.value}.update({{placeholder: ...}})` are followed)")

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        _walk_visit(node.value, self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        _walk_visit(node.value, self)
        return False
