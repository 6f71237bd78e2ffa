"""TFM150 on sessions opened with `config=`: the config's options become `tf.config` calls,
set where the config was built or before the first op; what has no TF2 form is refused at its
line."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

_GRAPH = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
y = x * 2.0
"""

_COMPUTE_Y = """\


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def compute_y(x):
    y = x * 2.0
    return y


print(compute_y([1.0]).numpy())
"""


def _rewritten(session: str) -> str:
    source, [(message, applicability)] = migrate(_GRAPH + textwrap.dedent(session))
    assert applicability is Applicability.SAFE, message
    return source


def test_an_inline_config_becomes_the_calls_that_set_its_options() -> None:
    assert _rewritten("""\
        sess = tf.Session(config=tf.ConfigProto(log_device_placement=True,
                                                allow_soft_placement=True))
        print(sess.run(y, {x: [1.0]}))
        """) == textwrap.dedent("""\
        import tensorflow as tf

        tf.debugging.set_log_device_placement(True)
        tf.config.set_soft_device_placement(True)
        """) + _COMPUTE_Y


def test_a_named_config_with_attribute_assignments_goes_with_its_comments() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(2.0)
        y = x * w

        # Grow GPU memory as needed.
        config = tf.compat.v1.ConfigProto()
        config.gpu_options.allow_growth = True
        config.allow_soft_placement = True
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            print(sess.run(y, feed_dict={x: [1.0, 2.0]}))
        """)
    # `w` runs an op before the config: TF2 fixes its devices there, so the calls go first.
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        # Grow GPU memory as needed.
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
        tf.config.set_soft_device_placement(True)
        w = tf.Variable(2.0)


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_y(x):
            y = x * w
            return y


        print(compute_y([1.0, 2.0]).numpy())
        """)


def test_gpu_options_bound_to_a_name_and_thread_counts() -> None:
    assert _rewritten("""\
        gpu_options = tf.GPUOptions(allow_growth=True)
        config = tf.ConfigProto(gpu_options=gpu_options, intra_op_parallelism_threads=2,
                                inter_op_parallelism_threads=1, device_count={"GPU": 0})
        sess = tf.Session(config=config)
        print(sess.run(y, {x: [1.0]}))
        """) == textwrap.dedent("""\
        import tensorflow as tf

        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
        tf.config.threading.set_intra_op_parallelism_threads(2)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.set_visible_devices([], "GPU")
        """) + _COMPUTE_Y


def test_an_interactive_session_with_a_config() -> None:
    assert _rewritten("""\
        config = tf.ConfigProto()
        config.allow_soft_placement = True
        tf.InteractiveSession(config=config)
        print(y.eval({x: [1.0]}))
        """) == textwrap.dedent("""\
        import tensorflow as tf

        tf.config.set_soft_device_placement(True)
        """) + _COMPUTE_Y


def test_the_loop_variable_meets_no_name_of_the_script() -> None:
    source = _rewritten("""\
        gpu = 0
        sess = tf.Session(config=tf.ConfigProto(gpu_options=tf.GPUOptions(allow_growth=True)))
        print(sess.run(y, {x: [gpu]}))
        """)
    assert 'for gpu_2 in tf.config.list_physical_devices("GPU"):' in source


def test_a_config_in_main_is_set_in_main() -> None:
    source, _ = migrate("""\
        import tensorflow as tf


        def main():
            config = tf.ConfigProto(intra_op_parallelism_threads=2)
            x = tf.placeholder(tf.float32, [None])
            with tf.Session(config=config) as sess:
                print(sess.run(x * 2.0, {x: [1.0]}))
        """)
    assert source.startswith(textwrap.dedent("""\
        import tensorflow as tf


        def main():
            tf.config.threading.set_intra_op_parallelism_threads(2)
        """))


# Lines 1-4 are the graph (_GRAPH); the session's statements start at line 5.
@pytest.mark.parametrize(
    ("session", "reason", "line"),
    [
        ("gpu_options = tf.GPUOptions(per_process_gpu_memory_fraction=0.333)\n"
         "sess = tf.Session(config=tf.ConfigProto(gpu_options=gpu_options))\n",
         "`per_process_gpu_memory_fraction` has no exact TF2 form (TF2 limits a GPU's memory in "
         "MB): set it by hand with `tf.config.set_logical_device_configuration(gpu, "
         "[tf.config.LogicalDeviceConfiguration(memory_limit=...)])`", 5),
        ("config = tf.ConfigProto()\nconfig.operation_timeout_in_ms = 1000\n"
         "sess = tf.Session(config=config)\n",
         "the session option `operation_timeout_in_ms` is not rewritten", 6),
        ("config = tf.ConfigProto()\n"
         "config.graph_options.optimizer_options.global_jit_level = 1\n"
         "sess = tf.Session(config=config)\n",
         "the session option `graph_options.optimizer_options.global_jit_level` is not "
         "rewritten", 6),
        ("sess = tf.Session(config=tf.ConfigProto(device_count={'CPU': 4}))\n",
         "`device_count` other than `{'GPU': 0}`", 5),
        ("sess = tf.Session('grpc://localhost:2222')\n",
         "a Session with `target=` (a session on a server", 5),
        ("def make():\n    return tf.ConfigProto()\nsess = tf.Session(config=make())\n",
         "the session's config is not a `tf.ConfigProto` built in this program", 7),
        ("config = tf.ConfigProto()\nsess = tf.Session()\n",
         "`config` (a `tf.ConfigProto`) is not the config of the program's session", 5),
        ("config = tf.ConfigProto()\nprint(config)\nsess = tf.Session(config=config)\n",
         "config `config` is used outside the session's config statements", 6),
        ("import sys\nw = tf.Variable(1.0)\n"
         "sess = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=int(sys.argv[1])))"
         "\n",
         "the session option `intra_op_parallelism_threads` reads a value the program computes",
         7),
    ],
)
def test_refusals_name_the_option_and_its_line(session: str, reason: str, line: int) -> None:
    code = _GRAPH + session + "print(sess.run(y, {x: [1.0]}))\n"
    source, findings = migrate(code)
    assert source == code
    [(message, applicability)] = findings
    assert applicability is Applicability.MANUAL
    assert reason in message, message
    assert f"(line {line})" in message, message


def test_a_traced_run_says_how_to_profile_instead() -> None:
    code = _GRAPH + (
        "options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)\n"
        "metadata = tf.RunMetadata()\n"
        "sess = tf.Session()\n"
        "print(sess.run(y, {x: [1.0]}, options=options, run_metadata=metadata))\n")
    _, [(message, applicability)] = migrate(code)
    assert applicability is Applicability.MANUAL
    assert ("`tf.RunOptions` is not handled by the session rewrite: traced runs have no TF2 "
            "form: profile the call between `tf.profiler.experimental.start(logdir)` and "
            "`stop()`") in message
    assert "(line 5)" in message
