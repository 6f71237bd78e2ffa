"""TFM150 on a program that lives in one function (`def main():` builds the graph and runs
the session): the function's body is rewritten, the run functions are nested in it."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_program_in_a_function_is_rewritten_in_place() -> None:
    source, findings = migrate("""\
        import tensorflow as tf


        def compute_y():
            return "a module function of the same name as a generated one"


        def main(scale):
            \"\"\"Doubles and scales.\"\"\"
            x = tf.placeholder(tf.float32, [None])
            y = x * scale
            with tf.Session() as sess:
                for value in ([1.0], [2.0, 3.0]):
                    print(sess.run(y, {x: value}))
            return compute_y()


        if __name__ == "__main__":
            main(2.0)
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        def compute_y():
            return "a module function of the same name as a generated one"


        def main(scale):
            \"\"\"Doubles and scales.\"\"\"

            @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
            def compute_y_2(x):
                y = x * scale
                return y

            for value in ([1.0], [2.0, 3.0]):
                print(compute_y_2(value).numpy())
            return compute_y()


        if __name__ == "__main__":
            main(2.0)
        """)
    assert [a for _, a in findings] == [Applicability.SAFE]
    assert migrate(source)[0] == source


def test_graph_at_module_level_with_the_session_in_a_function_is_refused() -> None:
    before = textwrap.dedent("""\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2.0
        def main():
            with tf.Session() as sess:
                return sess.run(y, {x: 1.0})
        """)
    source, [(message, applicability)] = migrate(before)
    assert source == before
    assert applicability is Applicability.MANUAL
    assert "a session runs inside function `main`, and the module builds graph ops" in message


def test_two_functions_with_sessions_are_refused() -> None:
    before = textwrap.dedent("""\
        import tensorflow as tf
        def train():
            with tf.Session() as sess:
                return sess.run(tf.constant(1.0))
        def evaluate():
            with tf.Session() as sess:
                return sess.run(tf.constant(2.0))
        """)
    source, [(message, _)] = migrate(before)
    assert source == before
    assert "inside function `train`" in message and "inside function `evaluate`" in message


def test_program_under_the_main_guard_is_rewritten_there() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        if __name__ == '__main__':
            w = tf.Variable(1.0)
            step = tf.assign_add(w, 1.0)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(2):
                    sess.run(step)
                print(sess.run(w))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        if __name__ == '__main__':
            w = tf.Variable(1.0)

            @tf.function
            def run_step():
                step = w.assign_add(1.0)
                return step

            for _ in range(2):
                run_step()
            print(w.numpy())
        """)
