"""tf.cond, tf.while_loop and tf.gradients in session programs (analyze/control_flow.py): what
the TFM150 rewrite writes for them, and what it refuses."""

from __future__ import annotations

import textwrap

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Applicability
from tf_migrate.programs.model import Kind
from tf_migrate.programs.source_context import analyze_source
from tf_migrate.rules.session_program import SessionProgram


def migrate(code: str) -> tuple[str, list[tuple[str, Applicability]]]:
    outcome = fix_module(textwrap.dedent(code), [SessionProgram], should_apply=lambda a: True)
    findings = [(f.message, f.applicability) for f in outcome.fixed + outcome.remaining]
    return outcome.source, findings


def function_body(source: str) -> list[str]:
    """The lines of the first generated function, decorator included."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("@", "def ")))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("    return"))
    return lines[start:end + 1]


REWRITES = {
    # v1 returns the lone loop variable itself; v2 a one-element list.
    "one-loop-variable-is-unpacked": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [])
        y = tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])
        with tf.Session() as sess:
            out = sess.run(y, {x: 1.5})
        """,
        """\
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def compute_y(x):
            y = tf.while_loop(lambda v: v < 10.0, lambda v: v * 2.0, [x])[0]
            return y


        out = compute_y(1.5).numpy()
        """,
    ),
    # Runs once and reads no placeholder, yet becomes a tf.function: eagerly, v2 rejects a
    # body that returns a bare tensor for a one-element list of loop variables.
    "constants-only-loop-runs-in-a-tf-function": (
        """\
        import tensorflow as tf
        start = tf.constant(1)
        n = tf.while_loop(lambda i: i < 100, lambda i: i * 3, [start], None, 10, True, False,
                          "triple")
        with tf.Session() as sess:
            out = sess.run(n)
        """,
        """\
        import tensorflow as tf
        start = tf.constant(1)


        @tf.function
        def compute_n():
            n = tf.while_loop(lambda i: i < 100, lambda i: i * 3, [start], name="triple")[0]
            return n


        out = compute_n().numpy()
        """,
    ),
    "two-loop-variables-and-fn1-fn2": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None])
        i, total = tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t + x),
                                 [tf.constant(0), tf.zeros_like(x)])
        pick = tf.cond(tf.reduce_sum(total) > 0, fn1=lambda: total, fn2=lambda: -total)
        with tf.Session() as sess:
            out = sess.run(pick, {x: [1.0, -2.0]})
        """,
        """\
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_pick(x):
            i, total = tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t + x),
                                     [tf.constant(0), tf.zeros_like(x)])
            pick = tf.cond(tf.reduce_sum(total) > 0, true_fn=lambda: total, false_fn=lambda: -total)
            return pick


        out = compute_pick([1.0, -2.0]).numpy()
        """,
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_rewrite(before: str, after: str) -> None:
    source, findings = migrate(before)
    assert source == textwrap.dedent(after)
    assert findings == [(SessionProgram.message, Applicability.SAFE)]
    compile(source, "<after>", "exec")
    assert migrate(source) == (source, [])


CALLS = {
    # v1 (strict=False) unpacks one-element lists the branches return, twice at most.
    "singleton-branches": ("tf.cond(x > 0, lambda: [x], lambda: [-x])",
                           "tf.cond(x > 0, lambda: [x], lambda: [-x])[0]"),
    "nested-singletons": ("tf.cond(x > 0, lambda: [[x]], lambda: [(-x,)])",
                          "tf.cond(x > 0, lambda: [[x]], lambda: [(-x,)])[0][0]"),
    "pairs-are-kept": ("tf.cond(x > 0, lambda: (x, x), lambda: (-x, x))",
                       "tf.cond(x > 0, lambda: (x, x), lambda: (-x, x))"),
    "strict-keeps-the-list": ("tf.cond(x > 0, lambda: [x], lambda: [-x], strict=True)",
                              "tf.cond(x > 0, lambda: [x], lambda: [-x])"),
    "strict-and-name-positional": ("tf.cond(x > 0, lambda: x, lambda: -x, False, 'pick')",
                                   "tf.cond(x > 0, lambda: x, lambda: -x, name='pick')"),
    "same-structure-is-v2": (
        "tf.while_loop(lambda v: v < 9.0, lambda v: [v * 2.0], [x], return_same_structure=True)",
        "tf.while_loop(lambda v: v < 9.0, lambda v: [v * 2.0], [x])"),
    "maximum-iterations-keyword": (
        "tf.while_loop(lambda v: v < 9.0, lambda v: v + 1.0, [x], None, 10, True, False, None, 4)",
        "tf.while_loop(lambda v: v < 9.0, lambda v: v + 1.0, [x], maximum_iterations=4)[0]"),
    "gradients-lose-colocate": (
        "tf.gradients(x * x, x, None, 'grads', True)",
        "tf.gradients(x * x, x, None, 'grads')"),
}


@pytest.mark.parametrize(("call", "written"), CALLS.values(), ids=CALLS.keys())
def test_call_is_written_with_tf1_results(call: str, written: str) -> None:
    source, findings = migrate(f"""\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [])
        y = {call}
        with tf.Session() as sess:
            out = sess.run(y, {{x: 2.0}})
        """)
    assert findings == [(SessionProgram.message, Applicability.SAFE)]
    assert f"    y = {written}" in source.splitlines()


def test_gradients_run_in_a_tf_function_even_when_called_once() -> None:
    source, _ = migrate("""\
        import tensorflow as tf
        w = tf.Variable([1.0, 2.0])
        loss = tf.reduce_sum(w * w)
        grad = tf.gradients(loss, w)[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            g = sess.run(grad)
        """)
    assert function_body(source)[:2] == ["@tf.function", "def compute_grad():"]


def test_branch_functions_reading_placeholders_move_into_the_function() -> None:
    source, findings = migrate("""\
        import tensorflow as tf

        with tf.Graph().as_default():
            a = tf.placeholder(tf.float32, [None])

            def keep_going(i, x):
                return tf.logical_and(i < 20, tf.reduce_max(tf.abs(x * x - a)) > 1e-3)

            def newton(i, x):
                return i + 1, 0.5 * (x + a / x)

            steps, root = tf.while_loop(keep_going, newton, [tf.constant(0), tf.ones_like(a)])
            with tf.Session() as sess:
                out = sess.run(root, {a: [2.0, 9.0]})
        """)
    assert findings == [(SessionProgram.message, Applicability.SAFE)]
    assert source.count("def keep_going") == 1 and source.count("def newton") == 1
    assert function_body(source) == [
        "@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])",
        "def compute_root(a):",
        "    def keep_going(i, x):",
        "        return tf.logical_and(i < 20, tf.reduce_max(tf.abs(x * x - a)) > 1e-3)",
        "",
        "    def newton(i, x):",
        "        return i + 1, 0.5 * (x + a / x)",
        "",
        "    steps, root = tf.while_loop(keep_going, newton, [tf.constant(0), tf.ones_like(a)])",
        "    return root",
    ]


def test_a_body_reading_no_per_run_value_stays_with_its_cond_rewritten() -> None:
    source, findings = migrate("""\
        import tensorflow as tf
        n0 = tf.placeholder(tf.int32, [])

        def collatz(steps, n):
            n = tf.cond(tf.equal(n % 2, 0), lambda: [n // 2], lambda: [3 * n + 1])
            return steps + 1, n

        steps, _ = tf.while_loop(lambda s, n: tf.not_equal(n, 1), collatz, [0, n0])
        with tf.Session() as sess:
            out = sess.run(steps, {n0: 27})
        """)
    assert findings == [(SessionProgram.message, Applicability.SAFE)]
    assert ("def collatz(steps, n):\n"
            "    n = tf.cond(tf.equal(n % 2, 0), lambda: [n // 2], lambda: [3 * n + 1])[0]\n"
            ) in source
    assert "def compute_steps(n0):" in source


def test_control_flow_statements_are_deferred_and_graph_only() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nc = tf.constant(2.0)\n"
        "y = tf.cond(c > 1.0, lambda: c, lambda: -c)\n"
        "with tf.Session() as sess:\n    out = sess.run(y)\n"
    )
    assert program.blockers == []
    statement = next(s for s in program.statements if s.targets == ("y",))
    assert statement.kind is Kind.DEFERRED and statement.graph_only
    assert statement.structure is False


REFUSALS = {
    "gradient-of-a-constant": (
        "c = tf.constant(2.0)\ny = c * x\ng = tf.gradients(y, c)",
        "`tf.gradients` with respect to `c`, a value of constants that TF2 computes once, "
        "outside the function (no gradient path to it)"),
    "unknown-branch-structure": (
        "def branch():\n    return make_pair()\ny = tf.cond(x > 0, branch, lambda: x)",
        "`tf.cond` cannot tell whether its branches return one-element lists or tuples (TF1 "
        "unpacks them, TF2 keeps them)"),
    "branches-of-different-depths": (
        "y = tf.cond(x > 0, lambda: x, lambda: [x])",
        "`tf.cond` its branches return one-element lists or tuples nested to different depths "
        "(TF1 unpacks both, TF2 rejects the mismatch)"),
    "loop-vars-by-name": (
        "start = [x]\ny = tf.while_loop(lambda v: v < 9.0, lambda v: v + 1.0, start)",
        "`tf.while_loop` its loop variables are not a list or tuple written out (TF1 returns a "
        "lone tensor for one loop variable, TF2 a list)"),
    "python-equality-in-a-body": (
        "y = tf.while_loop(lambda v: v == 4.0, lambda v: v + 1.0, [x])",
        "`==`/`!=` compares graph tensors by identity in TF1 but elementwise in TF2"),
    "update-in-a-branch": (
        "v = tf.Variable(0.0)\ny = tf.cond(x > 0, lambda: tf.assign_add(v, x), lambda: v + 0.0)",
        "`tf.cond` updates a variable inside a branch or loop body (not rewritten yet)"),
    "imported-body": (
        "from helpers import step\ny = tf.while_loop(lambda v: v < 9.0, step, [x])",
        "`tf.while_loop` calls `step`, which is not a lambda or a function of this script"),
    "strict-not-a-literal": (
        "flag = True\ny = tf.cond(x > 0, lambda: x, lambda: -x, strict=flag)",
        "`tf.cond` with `strict=` other than True or False"),
}


@pytest.mark.parametrize(("graph", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusal_says_why(graph: str, reason: str) -> None:
    code = ("import tensorflow as tf\nx = tf.placeholder(tf.float32, [])\n" + graph
            + "\nwith tf.Session() as sess:\n    out = sess.run(y, {x: 1.0})\n")
    source, findings = migrate(code)
    assert source == code
    ((message, applicability),) = findings
    assert applicability is Applicability.MANUAL
    assert reason in message, message
