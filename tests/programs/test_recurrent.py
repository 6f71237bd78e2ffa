"""TFM150 on programs with TF1 RNNs: a cell run by `dynamic_rnn` or `static_rnn` becomes a Keras
recurrent layer made once where the call was and called by the run functions, its kernels drawn
from TF1's Glorot range, `sequence_length` a mask with TF1's zeroed outputs, and the program's
reads of the final state rewritten into Keras's structure; what does not map is refused with the
reason."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_an_lstm_over_padded_sequences_becomes_a_masked_keras_lstm() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        N_INPUTS, N_HIDDEN = 3, 8
        batch = [[[1.0, 2.0, 3.0]] * 5]
        x = tf.placeholder(tf.float32, [None, 5, N_INPUTS])
        lengths = tf.placeholder(tf.int32, [None])
        cell = tf.nn.rnn_cell.LSTMCell(N_HIDDEN)
        outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        last = state.h * 2.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            h, c = sess.run([last, state[0]], {x: batch, lengths: [3]})
        """)
    assert applicability is Applicability.SAFE
    assert "random draws (`lstm`)" in message
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        N_INPUTS, N_HIDDEN = 3, 8
        batch = [[[1.0, 2.0, 3.0]] * 5]
        # TF1's glorot_uniform range over the cell's one kernel, [inputs + units, 4 * units]
        lstm_limit = (6 / (N_INPUTS + 5 * N_HIDDEN)) ** 0.5
        lstm = tf.keras.layers.LSTM(
            N_HIDDEN,
            kernel_initializer=tf.keras.initializers.RandomUniform(-lstm_limit, lstm_limit),
            recurrent_initializer=tf.keras.initializers.RandomUniform(-lstm_limit, lstm_limit),
            return_sequences=True,
            return_state=True,
            zero_output_for_mask=True,
        )


        @tf.function(input_signature=[
            tf.TensorSpec([None, 5, N_INPUTS], tf.float32),
            tf.TensorSpec([None], tf.int32),
        ])
        def compute_last_state_0(x, lengths):
            outputs, *state = lstm(x, mask=tf.sequence_mask(lengths, maxlen=tf.shape(x)[1]))
            last = state[0] * 2.0
            return [last, state[1]]


        h, c = tf.nest.map_structure(lambda t: t.numpy(), compute_last_state_0(batch, [3]))
        """)
    assert migrate(source)[0] == source


def test_a_simple_cell_whose_state_is_unused_returns_its_outputs_alone() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        X = tf.placeholder(tf.float32, [None, 4, 2])
        basic_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=6, activation=tf.nn.relu)
        outputs, states = tf.nn.dynamic_rnn(basic_cell, X, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(outputs, {X: [[[1.0, 2.0]] * 4]})
        """)
    assert applicability is Applicability.SAFE
    assert "rnn_limit = (6 / (2 + 2 * 6)) ** 0.5" in source
    assert "rnn = tf.keras.layers.SimpleRNN(\n    6,\n    activation=tf.nn.relu," in source
    assert "return_state" not in source and "outputs = rnn(X)" in source


def test_a_static_rnn_stacks_its_steps_and_unstacks_the_outputs() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf
        from tensorflow.contrib import rnn

        X0 = tf.placeholder(tf.float32, [None, 3])
        X1 = tf.placeholder(tf.float32, [None, 3])
        gru = rnn.GRUCell(4, kernel_initializer=tf.random_normal_initializer(stddev=0.1))
        output_seqs, states = rnn.static_rnn(gru, [X0, X1], dtype=tf.float32)
        Y0, Y1 = output_seqs
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y1, s = sess.run([Y1, states], {X0: [[1.0, 2.0, 3.0]], X1: [[0.0, 1.0, 0.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert "gru = tf.keras.layers.GRU(\n    4,\n    reset_after=False," in source
    # TF1 started the gates' biases at 1 and the candidate's at 0.
    assert "bias_initializer=tf.keras.initializers.Constant([1.0] * (2 * 4) + [0.0] * 4)" in (
        source)
    assert source.count("tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.1)") == 2
    assert ("    output_seqs, states = gru(tf.stack([X0, X1], axis=1))\n"
            "    output_seqs = tf.unstack(output_seqs, axis=1)\n") in source


def test_a_time_major_rnn_is_transposed_in_and_out() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        X = tf.placeholder(tf.float32, [4, None, 2])
        cell = tf.nn.rnn_cell.BasicRNNCell(3)
        outputs, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32, time_major=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, last = sess.run([outputs, state], {X: [[[1.0, 2.0]]] * 4})
        """)
    assert ("    outputs, state = rnn(tf.transpose(X, [1, 0, 2]))\n"
            "    outputs = tf.transpose(outputs, [1, 0, 2])\n") in source


@pytest.mark.parametrize(("cells", "read", "keras"), [
    # A stack's states: one per layer, each [h] for a simple cell, [h, c] for an LSTM.
    ("tf.nn.rnn_cell.BasicRNNCell(5)", "states[-1]", "states[-1][0]"),
    ("tf.nn.rnn_cell.BasicLSTMCell(5)", "states[-1][1]", "states[-1][0]"),
    ("tf.nn.rnn_cell.BasicLSTMCell(5)", "states[0].c", "states[0][1]"),
])
def test_reads_of_a_stacks_states_follow_keras_structure(cells: str, read: str, keras: str
                                                          ) -> None:
    source, [(_, applicability)] = migrate(f"""\
        import tensorflow as tf

        n_layers = 2
        X = tf.placeholder(tf.float32, [None, 4, 2])
        layers = [{cells} for layer in range(n_layers)]
        multi_cell = tf.nn.rnn_cell.MultiRNNCell(layers)
        initial = multi_cell.zero_state(1, tf.float32)
        _, states = tf.nn.dynamic_rnn(multi_cell, X, initial_state=initial)
        top = {read} + 1.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(top, {{X: [[[1.0, 2.0]] * 4]}})
        """)
    assert applicability is Applicability.SAFE
    assert f"    top = {keras} + 1.0\n" in source
    assert "    _, *states = stacked_" in source and "return_sequences" not in source
    assert "zero_state" not in source and "\nlayers = " not in source


def test_a_default_gru_is_unsafe_for_its_candidates_narrower_range() -> None:
    _, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        X = tf.placeholder(tf.float32, [None, 4, 2])
        outputs, states = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), X, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(outputs, {X: [[[1.0, 2.0]] * 4]})
        """)
    assert applicability is Applicability.UNSAFE
    assert "TF1 drew the candidate's kernel from a wider range than the gates'" in message


@pytest.mark.parametrize(("lines", "reason"), [
    ("cell = tf.nn.rnn_cell.LSTMCell(3)\nout, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)"
     "\ny = tf.concat(state, 1)",
     "`state` is read whole: Keras returns an LSTM's state as [h, c], TF1 as (c, h)"),
    ("cell = tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True)\n"
     "y, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)",
     "`use_peepholes=` of `LSTMCell` is not rewritten: peephole connections"),
    ("cell = tf.nn.rnn_cell.LSTMCell(3, initializer=tf.glorot_uniform_initializer())\n"
     "y, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)",
     "Keras splits TF1's one kernel in two"),
    ("cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(3), 0.5)\n"
     "y, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)",
     "`tf.nn.rnn_cell.DropoutWrapper` is not rewritten yet"),
    ("cell = tf.nn.rnn_cell.BasicRNNCell(3)\ny, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)"
     "\nz, _ = tf.nn.dynamic_rnn(cell, y, dtype=tf.float32, scope='second')",
     "the cell `cell` is run by two RNNs"),
    ("cell = tf.nn.rnn_cell.BasicRNNCell(3)\n"
     "y, _ = tf.nn.dynamic_rnn(cell, tf.reshape(X, [1, 4, -1]), dtype=tf.float32)",
     "the depth of the RNN's inputs is not known"),
    ("cell = tf.nn.rnn_cell.BasicRNNCell(3)\n"
     "y, _ = tf.nn.dynamic_rnn(cell, X, initial_state=tf.ones([1, 3]))",
     "an initial state other than the cell's zero state"),
    ("cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicRNNCell(3)] * 2)\n"
     "y, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)",
     "a cell listed twice shares its weights"),
    ("cell = tf.nn.rnn_cell.BasicRNNCell(3)\ny, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)"
     "\nsize = cell.output_size",
     "`cell` is read where the rewrite removes it"),
])
def test_what_the_rnn_mapping_does_not_follow_is_refused(lines: str, reason: str) -> None:
    body = textwrap.indent(lines, "")
    source = f"""import tensorflow as tf

X = tf.placeholder(tf.float32, [None, 4, 2])
{body}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(y, {{X: [[[1.0, 2.0]] * 4]}})
"""
    migrated, findings = migrate(source)
    (message, applicability), = [f for f in findings if "session program" in f[0]]
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message


def test_a_builders_local_named_as_a_global_takes_a_fresh_name_when_written_out() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        batch_size = 2

        def rnn_model(x):
            cell = tf.nn.rnn_cell.BasicRNNCell(3)
            outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
            batch_size = tf.shape(outputs)[0]
            return tf.reshape(outputs, [batch_size, -1])

        x = tf.placeholder(tf.float32, [None, 4, 2])
        flat = rnn_model(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(flat, {x: [[[1.0, 2.0]] * 4] * batch_size})
        """)
    assert "the graph builder `rnn_model` written out at its call" in message
    assert "    batch_size_2 = tf.shape(outputs)[0]\n" in source
    assert "    flat = tf.reshape(outputs, [batch_size_2, -1])\n" in source
    assert "batch_size = 2\n" in source


def test_bidirectional_rnns_become_keras_bidirectional_layers() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 4, 2])
        steps = tf.unstack(x, 4, 1)
        fw = tf.nn.rnn_cell.BasicRNNCell(3)
        bw = tf.nn.rnn_cell.BasicRNNCell(3)
        outputs, _, _ = tf.nn.static_bidirectional_rnn(fw, bw, steps, dtype=tf.float32)
        (ahead, behind), states = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.BasicRNNCell(2), tf.nn.rnn_cell.BasicRNNCell(2), x, dtype=tf.float32,
            scope="pair")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            a, b = sess.run([outputs[-1], behind], {x: [[[1.0, 2.0]] * 4]})
        """)
    assert applicability is Applicability.SAFE
    assert "random draws (`bidirectional_rnn`, `pair`)" in message
    # static_bidirectional_rnn concatenated each step's outputs, forward first, as Keras does;
    # bidirectional_dynamic_rnn kept them apart.
    assert "bidirectional_rnn = tf.keras.layers.Bidirectional(\n    tf.keras.layers.SimpleRNN(" in (
        source)
    assert "    merge_mode=None,\n)" in source
    assert ("    outputs = bidirectional_rnn(tf.stack(steps, axis=1))\n"
            "    outputs = tf.unstack(outputs, axis=1)\n") in source
    assert "    (ahead, behind) = pair(x)\n" in source


@pytest.mark.parametrize(("cells", "read", "reason"), [
    ("tf.nn.rnn_cell.BasicRNNCell(3), tf.nn.rnn_cell.BasicRNNCell(3)", "states",
     "`states`, a final state of a bidirectional RNN, is read"),
    ("tf.nn.rnn_cell.BasicRNNCell(3), tf.nn.rnn_cell.BasicRNNCell(4)", "outputs",
     "over a forward and a backward cell that differ"),
])
def test_bidirectional_rnns_the_rewrite_cannot_follow_are_refused(cells: str, read: str,
                                                                 reason: str) -> None:
    source = textwrap.dedent(f"""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 4, 2])
        outputs, states = tf.nn.bidirectional_dynamic_rnn({cells}, x, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run({read}, {{x: [[[1.0, 2.0]] * 4]}})
        """)
    migrated, findings = migrate(source)
    (message, applicability), = [f for f in findings if "session program" in f[0]]
    assert migrated == source and applicability is Applicability.MANUAL
    assert reason in message


def test_an_lstm_state_unpacked_as_c_and_h_takes_kerass_order() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 4, 2])
        cell = tf.nn.rnn_cell.LSTMCell(3)
        outputs, (c, h) = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            last, memory = sess.run([h, c], {x: [[[1.0, 2.0]] * 4]})
        """)
    assert applicability is Applicability.SAFE
    assert "    outputs, h, c = lstm(x)\n    return [h, c]\n" in source


@pytest.mark.parametrize(("targets", "reason"), [
    ("outputs, (a, b, d)", "the RNN's final state is unpacked otherwise than as an LSTM's (c, h)"),
    ("(first, second), state", "the RNN's outputs are unpacked"),
])
def test_rnn_results_unpacked_otherwise_are_refused(targets: str, reason: str) -> None:
    source = textwrap.dedent(f"""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 4, 2])
        {targets} = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(3), x, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(x, {{x: [[[1.0, 2.0]] * 4]}})
        """)
    migrated, findings = migrate(source)
    (message, applicability), = [f for f in findings if "session program" in f[0]]
    assert migrated == source and applicability is Applicability.MANUAL
    assert reason in message
