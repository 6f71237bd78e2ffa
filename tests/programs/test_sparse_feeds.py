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


def test_a_sparse_tensor_value_bound_to_a_name_becomes_a_tuple() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        test_string = tf.sparse_placeholder(dtype=tf.string)
        ref_strings = tf.sparse_placeholder(dtype=tf.string, shape=[None, None, None])
        edit_distances = tf.edit_distance(test_string, ref_strings, normalize=True)
        indices = [[0, 0, 0], [0, 0, 1]]
        values = ['o', 'k']
        ref_sparse = tf.SparseTensorValue(indices=[[0, 0, 0]], dense_shape=[1, 1, 1],
                                          values=['o'])
        with tf.Session() as sess:
            test_string_sparse = tf.SparseTensorValue(indices, values, [1, 1, 1])
            print(sess.run(edit_distances,
                           feed_dict={test_string: test_string_sparse, ref_strings: ref_sparse}))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        indices = [[0, 0, 0], [0, 0, 1]]
        values = ['o', 'k']
        ref_sparse = ([[0, 0, 0]], ['o'], [1, 1, 1])
        test_string_sparse = (indices, values, [1, 1, 1])


        @tf.function(input_signature=[
            tf.SparseTensorSpec(None, tf.string),
            tf.SparseTensorSpec([None, None, None], tf.string),
        ])
        def compute_edit_distances(test_string, ref_strings):
            edit_distances = tf.edit_distance(test_string, ref_strings, normalize=True)
            return edit_distances


        print(compute_edit_distances(tf.sparse.SparseTensor(*test_string_sparse), tf.sparse.SparseTensor(*ref_sparse)).numpy())
        """)  # noqa: E501


def test_a_sparse_tensor_value_returned_by_a_function_of_the_script_becomes_a_tuple() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        test_address = tf.sparse_placeholder(dtype=tf.string)
        ref_address = tf.sparse_placeholder(dtype=tf.string)
        distance = tf.edit_distance(test_address, ref_address, normalize=True)
        top_match_index = tf.argmin(distance, 0)


        def sparse_from_word_vec(word_vec):
            num_words = len(word_vec)
            indices = [[xi, 0, yi] for xi, x in enumerate(word_vec) for yi, y in enumerate(x)]
            chars = list(''.join(word_vec))
            return tf.SparseTensorValue(indices, chars, [num_words, 1, 1])


        reference_addresses = ['123 main st', '42 oak ave']
        with tf.Session() as sess:
            sparse_ref_set = sparse_from_word_vec(reference_addresses)
            for entry in ['123 main', '42 oak av']:
                test_address_sparse = sparse_from_word_vec([entry] * 2)
                best = sess.run(top_match_index, feed_dict={test_address: test_address_sparse,
                                                            ref_address: sparse_ref_set})
                print(best)
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        def sparse_from_word_vec(word_vec):
            num_words = len(word_vec)
            indices = [[xi, 0, yi] for xi, x in enumerate(word_vec) for yi, y in enumerate(x)]
            chars = list(''.join(word_vec))
            return (indices, chars, [num_words, 1, 1])


        reference_addresses = ['123 main st', '42 oak ave']
        sparse_ref_set = sparse_from_word_vec(reference_addresses)


        @tf.function(input_signature=[
            tf.SparseTensorSpec(None, tf.string),
            tf.SparseTensorSpec(None, tf.string),
        ])
        def compute_top_match_index(test_address, ref_address):
            distance = tf.edit_distance(test_address, ref_address, normalize=True)
            top_match_index = tf.argmin(distance, 0)
            return top_match_index


        for entry in ['123 main', '42 oak av']:
            test_address_sparse = sparse_from_word_vec([entry] * 2)
            best = compute_top_match_index(tf.sparse.SparseTensor(*test_address_sparse), tf.sparse.SparseTensor(*sparse_ref_set)).numpy()
            print(best)
        """)  # noqa: E501


def test_sparse_tensor_values_in_a_list_become_tuples() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)


        def sparse_row(values):
            return tf.SparseTensorValue([[0, i] for i in range(len(values))], values, [1, 3])


        rows = [sparse_row(v) for v in [[1.0, 2.0], [3.0]]]
        batches = [tf.SparseTensorValue([[0, 0]], [4.0], [1, 3]),
                   tf.SparseTensorValue(indices=[[0, 2]], values=[5.0], dense_shape=[1, 3])]
        with tf.Session() as sess:
            for batch in batches:
                print(sess.run(total, {x: batch}))
            for i in range(len(rows)):
                print(sess.run(total, {x: rows[i]}))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        def sparse_row(values):
            return ([[0, i] for i in range(len(values))], values, [1, 3])


        rows = [sparse_row(v) for v in [[1.0, 2.0], [3.0]]]
        batches = [([[0, 0]], [4.0], [1, 3]),
                   ([[0, 2]], [5.0], [1, 3])]


        @tf.function(input_signature=[tf.SparseTensorSpec([None, 3], tf.float32)])
        def compute_total(x):
            total = tf.sparse.reduce_sum(x)
            return total


        for batch in batches:
            print(compute_total(tf.sparse.SparseTensor(*batch)).numpy())
        for i in range(len(rows)):
            print(compute_total(tf.sparse.SparseTensor(*rows[i])).numpy())
        """)


def test_a_list_of_sparse_tensor_values_read_otherwise_is_refused_at_that_line() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)
        batches = [tf.SparseTensorValue([[0, 0]], [4.0], [1, 3])]
        with tf.Session() as sess:
            print(sess.run(total, {x: batches[0]}))
            print(batches[0].dense_shape)
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message == (
        "The session program is not rewritten: `batches` holds `tf.SparseTensorValue`s, and is "
        "used other than as the value fed to a sparse placeholder (TF2 has no "
        "`tf.SparseTensorValue`: it becomes an `(indices, values, dense_shape)` tuple only where "
        "it is fed) (line 8)")


def test_a_comprehension_over_sparse_tensor_values_reading_them_otherwise_is_refused() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)
        batches = [tf.SparseTensorValue([[0, 0]], [4.0], [1, 3])]
        with tf.Session() as sess:
            totals = [sess.run(total, {x: b}) for b in batches]
            shapes = [b.dense_shape for b in batches]
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message.startswith("The session program is not rewritten: `batches` holds "
                              "`tf.SparseTensorValue`s, and is used other than as the value fed")
    assert message.endswith("(line 8)")


def test_a_sparse_tensor_value_in_a_bound_feed_dict_becomes_a_tuple() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        total = tf.sparse.reduce_sum(x)
        feed = {x: tf.SparseTensorValue([[0, 1]], [2.0], [1, 3])}
        with tf.Session() as sess:
            print(sess.run(total, feed))
        """)
    assert 'feed = {"x": ([[0, 1]], [2.0], [1, 3])}' in source
    assert 'compute_total(tf.sparse.SparseTensor(*feed["x"]))' in source


def test_a_sparse_tensor_value_read_otherwise_is_refused_at_that_line() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32)
        total = tf.sparse.reduce_sum(x)
        value = tf.SparseTensorValue([[0, 1]], [2.0], [1, 3])
        with tf.Session() as sess:
            print(sess.run(total, {x: value}))
            print(value.indices)
        """
    source, [(message, applicability)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert applicability is Applicability.MANUAL
    assert message == (
        "The session program is not rewritten: `value` holds a `tf.SparseTensorValue`, and is "
        "used other than as the value fed to a sparse placeholder (TF2 has no "
        "`tf.SparseTensorValue`: it becomes an `(indices, values, dense_shape)` tuple only where "
        "it is fed) (line 8)")


def test_a_function_returning_a_sparse_tensor_value_used_otherwise_is_refused() -> None:
    code = """\
        import tensorflow as tf


        def sparse_row(values):
            return tf.SparseTensorValue([[0, i] for i in range(len(values))], values,
                                        [1, len(values)])


        x = tf.sparse_placeholder(tf.float32)
        total = tf.sparse.reduce_sum(x)
        with tf.Session() as sess:
            print(sess.run(total, {x: sparse_row([1.0, 2.0])}))
            print(sparse_row([3.0]).values)
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message == (
        "The session program is not rewritten: `sparse_row` returns a `tf.SparseTensorValue`, "
        "and is used other than to compute the value fed to a sparse placeholder (TF2 has no "
        "`tf.SparseTensorValue`) (line 13)")


def test_a_sparse_tensor_value_passed_to_other_code_is_refused() -> None:
    code = """\
        import tensorflow as tf

        x = tf.sparse_placeholder(tf.float32)
        total = tf.sparse.reduce_sum(x)
        with tf.Session() as sess:
            print(sess.run(total, {x: ([[0, 1]], [2.0], [1, 3])}))
            print(tf.SparseTensorValue([[0, 1]], [2.0], [1, 3]))
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message.startswith(
        "The session program is not rewritten: `tf.SparseTensorValue` is not handled by the "
        "session rewrite: TF2 has no `tf.SparseTensorValue`")
    assert message.endswith("(line 7)")


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
