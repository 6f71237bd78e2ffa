"""TFM150 on sparse values: `tf.SparseTensor` of constants is computed where it is, a
`tf.sparse_placeholder` becomes a parameter with a `tf.SparseTensorSpec`, and the value fed to it
(a `tf.SparseTensorValue` or an `(indices, values, dense_shape)` tuple) a `tf.sparse.SparseTensor`
at the call; what TF2 cannot hold is refused at its line."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_a_sparse_tensor_of_constants_is_computed_where_it_is() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        hypothesis = list('bear')
        truth = list('beers')
        h1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]], hypothesis, [1, 1, 1])
        t1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2]], truth[:3], [1, 1, 1])
        with tf.Session() as sess:
            print(sess.run(tf.edit_distance(h1, t1, normalize=False)))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        hypothesis = list('bear')
        truth = list('beers')
        h1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 0, 3]], hypothesis, [1, 1, 1])
        t1 = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 0, 2]], truth[:3], [1, 1, 1])
        print(tf.edit_distance(h1, t1, normalize=False).numpy())
        """)


def test_sparse_placeholders_become_sparse_tensor_spec_parameters() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        test_string = tf.sparse_placeholder(dtype=tf.string)
        ref_strings = tf.sparse_placeholder(dtype=tf.string, shape=[None, None, None])
        distances = tf.edit_distance(test_string, ref_strings, normalize=True)
        reference = ([[0, 0, 0], [0, 0, 1]], ['b', 'e'], [1, 1, 2])
        with tf.Session() as sess:
            near = sess.run(distances, feed_dict={
                test_string: tf.SparseTensorValue([[0, 0, 0]], ['b'], [1, 1, 1]),
                ref_strings: reference})
            far = sess.run(distances, {test_string: ([[0, 0, 0]], ['x'], [1, 1, 1]),
                                       ref_strings: reference})
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        reference = ([[0, 0, 0], [0, 0, 1]], ['b', 'e'], [1, 1, 2])


        @tf.function(input_signature=[
            tf.SparseTensorSpec(None, tf.string),
            tf.SparseTensorSpec([None, None, None], tf.string),
        ])
        def compute_distances(test_string, ref_strings):
            distances = tf.edit_distance(test_string, ref_strings, normalize=True)
            return distances


        near = compute_distances(tf.sparse.SparseTensor([[0, 0, 0]], ['b'], [1, 1, 1]), tf.sparse.SparseTensor(*reference)).numpy()
        far = compute_distances(tf.sparse.SparseTensor([[0, 0, 0]], ['x'], [1, 1, 1]), tf.sparse.SparseTensor(*reference)).numpy()
        """)  # noqa: E501


def test_a_feed_dict_bound_to_a_name_passes_each_sparse_value() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)
        feed = {x: ([[0, 1]], [2.0], [1, 3])}
        with tf.Session() as sess:
            print(sess.run(total, feed))
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        feed = {"x": ([[0, 1]], [2.0], [1, 3])}


        @tf.function(input_signature=[tf.SparseTensorSpec([None, 3], tf.float32)])
        def compute_total(x):
            total = tf.sparse.reduce_sum(x)
            return total


        print(compute_total(tf.sparse.SparseTensor(*feed["x"])).numpy())
        """)


def test_a_sparse_tensor_value_bound_to_a_name_is_refused_at_its_line() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32)
        total = tf.sparse.reduce_sum(x)
        value = tf.SparseTensorValue([[0, 1]], [2.0], [1, 3])
        with tf.Session() as sess:
            print(sess.run(total, {x: value}))
        """
    source, [(message, applicability)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert applicability is Applicability.MANUAL
    assert ("`tf.SparseTensorValue` is not handled by the session rewrite: TF2 has no "
            "`tf.SparseTensorValue`: write it in the `feed_dict` of the run (it becomes a "
            "`tf.sparse.SparseTensor` there), or bind the name to an `(indices, values, "
            "dense_shape)` tuple (line 5)") in message


def test_fetching_the_fed_sparse_value_itself_is_refused() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)
        with tf.Session() as sess:
            print(sess.run(total, {x: ([[0, 1]], [2.0], [1, 3])}))
            print(sess.run(x, {x: ([[0, 1]], [2.0], [1, 3])}))
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message == (
        "The session program is not rewritten: fetches the fed sparse value `x` itself (TF1 "
        "returns a `tf.SparseTensorValue`, which TF2 does not have) (line 7)")
