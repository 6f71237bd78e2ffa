"""Backward slices of run sites, and the safety facts computed on them."""

from __future__ import annotations

import textwrap

from tf_migrate.programs.source_context import analyze_source

PROGRAM = textwrap.dedent(
    """
    import tensorflow as tf
    x = tf.placeholder(tf.float32, [None, 2])
    scale = tf.placeholder_with_default(1.0, [])
    w = tf.Variable([[1.0], [2.0]])
    c = tf.constant(3.0)
    h = tf.matmul(x, w)
    out = h * scale + c
    norm = tf.norm(w)
    bump = tf.assign_add(w, [[1.0], [1.0]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a = sess.run(out, {x: [[1.0, 1.0]]})
        b = sess.run([bump, norm])
        d = sess.run(c)
        e = sess.run(w)
    """
)


def test_slices_hold_the_deferred_statements_in_order() -> None:
    program, ctx = analyze_source(PROGRAM)
    assert program.blockers == []
    slices = {ctx.module.code_for_node(s.site.fetch): s for s in program.slices}
    out = slices["out"]
    assert [s.targets for s in out.statements] == [("h",), ("out",)]
    assert [p.targets[0] for p in out.placeholders] == ["x", "scale"]
    assert out.structure is False
    pair = slices["[bump, norm]"]
    assert [s.targets for s in pair.statements] == [("norm",), ("bump",)]
    assert pair.structure is True
    assert slices["c"].statements == [] and slices["c"].placeholders == []
    assert slices["w"].variables == {"w"}


def test_update_and_unordered_read_is_unsafe() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nv = tf.Variable(1.0)\ndouble = tf.assign(v, v * 2)\n"
        "with tf.Session() as sess:\n    sess.run(v.initializer)\n"
        "    new, old = sess.run([double, v])\n"
    )
    assert program.blockers == []
    assert any("updates `v` and reads it elsewhere" in reason for reason in program.unsafe)


def test_update_reading_its_own_input_is_safe() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nv = tf.Variable(1.0)\ndouble = tf.assign(v, v * 2)\n"
        "with tf.Session() as sess:\n    sess.run(v.initializer)\n    new = sess.run(double)\n"
    )
    assert program.blockers == [] and program.unsafe == []


def test_random_ops_and_initial_values_are_random_draws_not_unsafe() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nw = tf.Variable(tf.random_normal([2]))\n"
        "noise = tf.random_uniform([2])\n"
        "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
        "    n = sess.run(noise)\n"
    )
    assert program.blockers == [] and program.unsafe == []
    assert program.random_draws == ["`w`", "the run at line 6"]


def test_two_updates_of_one_variable_in_a_run_are_refused() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nv = tf.Variable(1.0)\na = tf.assign_add(v, 1.0)\n"
        "b = tf.assign(v, a * 2)\n"
        "with tf.Session() as sess:\n    sess.run(v.initializer)\n    sess.run(b)\n"
    )
    assert any("updated twice" in message for _, message in program.blockers)
