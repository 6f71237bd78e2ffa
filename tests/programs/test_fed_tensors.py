"""TFM150 on feeds of computed values: a run that feeds a tensor the graph computes gets a run
function whose parameter is that value, without what computes it; feeds it cannot follow are
refused at their line."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

FED_INTERMEDIATE = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
h = tf.nn.relu(x * 2.0)
y = tf.reduce_sum(h, axis=1)
with tf.Session() as sess:
    a = sess.run(y, {x: np.ones([3, 2])})
    b = sess.run(y, {h: np.ones([3, 2]) * 5.0})
"""


def test_a_fed_intermediate_tensor_becomes_the_parameter_of_its_own_function() -> None:
    source, [(_, applicability)] = migrate(FED_INTERMEDIATE)
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def compute_y(x):
            h = tf.nn.relu(x * 2.0)
            y = tf.reduce_sum(h, axis=1)
            return y


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def compute_y_from_h(h):
            y = tf.reduce_sum(h, axis=1)
            return y


        a = compute_y(np.ones([3, 2])).numpy()
        b = compute_y_from_h(np.ones([3, 2]) * 5.0).numpy()
        """)
    assert applicability is Applicability.SAFE


def test_runs_feeding_the_same_value_share_a_function_whose_spec_has_no_known_shape() -> None:
    source, _ = migrate("""\
        import numpy as np
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable(tf.ones([2, 1]))
        h = tf.nn.relu(tf.matmul(x, w))
        loss = tf.reduce_sum(h * 3.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(3):
                h1 = sess.run(h, {x: np.ones([3, 2])})
                l = sess.run(loss, {h: h1 * 2.0})
            last = sess.run(loss, {h: h1})
        """)
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf

        w = tf.Variable(tf.ones([2, 1]))


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def compute_h(x):
            h = tf.nn.relu(tf.matmul(x, w))
            return h


        @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
        def compute_loss_from_h(h):
            loss = tf.reduce_sum(h * 3.0)
            return loss


        for i in range(3):
            h1 = compute_h(np.ones([3, 2])).numpy()
            l = compute_loss_from_h(h1 * 2.0).numpy()
        last = compute_loss_from_h(h1).numpy()
        """)


def test_a_cast_tells_the_dtype_of_the_fed_value() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        n = tf.cast(x * 10.0, tf.int32)
        y = n + 1
        with tf.Session() as sess:
            a = sess.run(y, {n: [1, 2]})
        """)
    assert "@tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])\n" \
           "def compute_y_from_n(n):\n    y = n + 1\n    return y\n" in source
    assert "a = compute_y_from_n([1, 2]).numpy()" in source


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("w = tf.Variable(tf.ones([2]))\ny = w * 2.0\nwith tf.Session() as sess:\n"
         "    sess.run(tf.global_variables_initializer())\n    sess.run(y, {w: [1.0, 2.0]})\n",
         "feed_dict feeds the variable `w` (TF1 reads the fed value in that run only, without "
         "assigning it): feed a placeholder the graph reads instead of `w` (line 7)"),
        ("x = tf.placeholder(tf.float32)\nh = tf.tile(x, [2])\ny = h * 2.0\n"
         "with tf.Session() as sess:\n    sess.run(y, {h: [1.0, 2.0]})\n",
         "the dtype of the fed value `h` cannot be told (write its computation with an explicit "
         "`tf.cast(..., dtype)`) (line 7)"),
        ("x = tf.placeholder(tf.float32)\nw = tf.Variable(1.0)\nloss = tf.square(x * w)\n"
         "step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
         "with tf.Session() as sess:\n    sess.run(tf.global_variables_initializer())\n"
         "    sess.run(step, {loss: 1.0})\n",
         "a run that trains feeds the computed value `loss` (line 9)"),
        ("c = tf.constant(1.0)\ny = c * 2.0\nwith tf.Session() as sess:\n"
         "    sess.run(y, {c: 3.0})\n",
         "feed_dict feeds `c`, a value of constants TF2 computes once where it is (feed a "
         "placeholder the graph reads instead) (line 6)"),
    ],
)
def test_feeds_the_rewrite_cannot_follow_are_refused_at_their_line(code: str, reason: str
                                                                    ) -> None:
    source = "import tensorflow as tf\n\n" + code
    migrated, findings = migrate(source)
    assert migrated == source
    messages = [m for m, _ in findings if "session program is not rewritten" in m]
    assert messages and reason in messages[0]


FEED_UPDATED = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
rate = tf.placeholder(tf.float32, [])
y = tf.reduce_sum(x * rate)
feed = {x: np.ones([3, 2]), rate: 1.0}
with tf.Session() as sess:
    a = sess.run(y, feed)
    feed[rate] = 0.5
    b = sess.run(y, feed)
"""


def test_a_feed_dict_updated_between_runs_passes_what_it_holds_at_each_run() -> None:
    source, [(_, applicability)] = migrate(FEED_UPDATED)
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf

        feed = {"x": np.ones([3, 2]), "rate": 1.0}


        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32),
            tf.TensorSpec([], tf.float32),
        ])
        def compute_y(x, rate):
            y = tf.reduce_sum(x * rate)
            return y


        a = compute_y(**feed).numpy()
        feed["rate"] = 0.5
        b = compute_y(**feed).numpy()
        """)
    assert applicability is Applicability.SAFE


def test_updates_in_loops_and_branches_and_update_calls_keep_the_keys_as_strings() -> None:
    source, _ = migrate("""\
        import numpy as np
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 2])
        rate = tf.placeholder(tf.float32, [])
        y = tf.reduce_sum(x * rate)
        feed = {x: np.ones([3, 2]), rate: 1.0}
        with tf.Session() as sess:
            out = []
            for i in range(3):
                if i == 1:
                    feed[rate] = 0.5
                feed[x] *= 2.0
                out.append(sess.run(y, feed))
            feed.update({rate: 0.25})
            last = sess.run(y, feed_dict=feed)
            print(feed[rate])
        """)
    assert source.endswith(textwrap.dedent("""\
        for i in range(3):
            if i == 1:
                feed["rate"] = 0.5
            feed["x"] *= 2.0
            out.append(compute_y(**feed).numpy())
        feed.update({"rate": 0.25})
        last = compute_y(**feed).numpy()
        print(feed["rate"])
        """))


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        ("feed[k] = 2.0", "feed dict `feed` is indexed by something other than one of the "
                          "placeholders of its literal (put every key in the literal) (line 9)"),
        ("del feed[x]", "a key is deleted from feed dict `feed` (set its value instead) (line 9)"),
        ("feed.pop(x)", "feed dict `feed` is used outside feed_dict= (only `feed[placeholder]` "
                        "and `feed.update({placeholder: ...})` are followed) (line 9)"),
        ("c = sess.run(y, {x: feed[x]})", "feed dict `feed` is read in a run call (line 9)"),
    ],
)
def test_other_uses_of_a_feed_dict_are_refused_at_their_line(update: str, reason: str) -> None:
    source = ("import tensorflow as tf\n\nx = tf.placeholder(tf.float32)\n"
              "k = tf.placeholder(tf.float32)\ny = x * 2.0\nfeed = {x: 1.0}\n"
              f"with tf.Session() as sess:\n    a = sess.run(y, feed)\n    {update}\n"
              "    b = sess.run(y, feed)\n")
    migrated, findings = migrate(source)
    assert migrated == source
    messages = [m for m, _ in findings if "session program is not rewritten" in m]
    assert messages and reason in messages[0]
