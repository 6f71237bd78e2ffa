"""tf.data datasets and iterators in session programs (analyze/iterators.py): what the TFM150
rewrite writes for them, what makes it unsafe, and what it refuses."""

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


REWRITES = {
    "one-shot-iterator-drained": (
        """\
        import numpy as np
        import tensorflow as tf
        dataset = tf.data.Dataset.from_tensor_slices(np.arange(5.0)).batch(2)
        iterator = dataset.make_one_shot_iterator()
        batch = iterator.get_next()
        total = tf.reduce_sum(batch)
        sums = []
        with tf.Session() as sess:
            while True:
                try:
                    sums.append(sess.run(total))
                except tf.errors.OutOfRangeError:
                    break
        """,
        """\
        import numpy as np
        import tensorflow as tf
        dataset = tf.data.Dataset.from_tensor_slices(np.arange(5.0)).batch(2)
        iterator = iter(dataset)
        sums = []


        @tf.function
        def compute_total():
            batch = iterator.get_next()
            total = tf.reduce_sum(batch)
            return total


        while True:
            try:
                sums.append(compute_total().numpy())
            except tf.errors.OutOfRangeError:
                break
        """,
    ),
    # The iterator a chained `get_next()` makes is created once, where the statement was.
    "chained-one-shot-iterator": (
        """\
        import tensorflow as tf
        features, labels = tf.data.make_one_shot_iterator(
            tf.data.Dataset.range(6).map(lambda v: (v, v * v)).batch(3)).get_next(name="next")
        with tf.Session() as sess:
            first = sess.run(labels)
        """,
        """\
        import tensorflow as tf
        iterator = iter(tf.data.Dataset.range(6).map(lambda v: (v, v * v)).batch(3))


        def compute_labels():
            features, labels = iterator.get_next()
            return labels


        first = tf.nest.map_structure(lambda t: t.numpy(), compute_labels())
        """,
    ),
    # A tf.function keeps the iterator it captured: the re-initialized one is an argument.
    "initializable-iterator-per-epoch": (
        """\
        import tensorflow as tf
        dataset = tf.data.Dataset.range(5).batch(2)
        iterator = dataset.make_initializable_iterator()
        batch = iterator.get_next()
        scale = tf.placeholder(tf.int64, [])
        scaled = batch * scale
        with tf.Session() as sess:
            for epoch in range(2):
                sess.run(iterator.initializer)
                while True:
                    try:
                        out = sess.run(scaled, {scale: epoch + 1})
                    except tf.errors.OutOfRangeError:
                        break
        """,
        """\
        import tensorflow as tf
        dataset = tf.data.Dataset.range(5).batch(2)


        @tf.function(input_signature=[
            tf.data.IteratorSpec(dataset.element_spec),
            tf.TensorSpec([], tf.int64),
        ])
        def compute_scaled(iterator, scale):
            batch = iterator.get_next()
            scaled = batch * scale
            return scaled


        for epoch in range(2):
            iterator = iter(dataset)
            while True:
                try:
                    out = compute_scaled(iterator, epoch + 1).numpy()
                except tf.errors.OutOfRangeError:
                    break
        """,
    ),
    # TF1 restarts a seeded reshuffling shuffle at each initialization; a second `iter()` over
    # one Dataset object continues it, a Dataset built anew restarts it.
    "reshuffled-dataset-is-built-anew": (
        """\
        import tensorflow as tf
        ids = tf.data.Dataset.range(8).shuffle(8, seed=3).batch(4)
        it = ids.make_initializable_iterator()
        batch = it.get_next()
        with tf.Session() as sess:
            orders = []
            for epoch in range(2):
                sess.run(it.initializer)
                orders.append(sess.run(batch))
        """,
        """\
        import tensorflow as tf
        orders = []


        @tf.function
        def compute_batch(it):
            batch = it.get_next()
            return batch


        for epoch in range(2):
            it = iter(tf.data.Dataset.range(8).shuffle(8, seed=3).batch(4))
            orders.append(tf.nest.map_structure(lambda t: t.numpy(), compute_batch(it)))
        """,
    ),
    # An iterator made from a chain re-initializes with the whole chain, built anew.
    "initializable-iterator-of-a-chain": (
        """\
        import tensorflow as tf
        it = tf.data.Dataset.range(8).shuffle(8, seed=3).batch(4).make_initializable_iterator()
        batch = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            first = sess.run(batch)
        """,
        """\
        import tensorflow as tf
        it = iter(tf.data.Dataset.range(8).shuffle(8, seed=3).batch(4))


        def compute_batch(it):
            batch = it.get_next()
            return batch


        first = tf.nest.map_structure(lambda t: t.numpy(), compute_batch(it))
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


def test_kinds_of_tf_data_statements() -> None:
    program, _ = analyze_source(
        "import tensorflow as tf\nds = tf.data.Dataset.range(4).batch(2)\n"
        "it = tf.compat.v1.data.make_initializable_iterator(ds)\nx = it.get_next()\n"
        "with tf.Session() as sess:\n    sess.run(it.initializer)\n    v = sess.run(x)\n"
    )
    assert program.blockers == []
    kinds = {s.targets[0]: s.kind for s in program.statements}
    assert kinds == {"ds": Kind.DATASET, "it": Kind.ITERATOR, "x": Kind.DEFERRED}
    assert [site.fetch.value for site in program.sites] == ["x"]  # type: ignore[attr-defined]


RANDOM = {
    "shuffle-without-seed": (
        "ds = tf.data.Dataset.range(6).shuffle(6).batch(2)",
        Applicability.SAFE, "random draws (the unseeded shuffle at line 2): TF2 draws other "
        "numbers from the same distributions"),
    "shuffle-then-repeat": (
        "ds = tf.data.Dataset.range(6).shuffle(6, seed=1).repeat(2).batch(2)",
        Applicability.UNSAFE, "the dataset at line 2 repeats right after `shuffle`: TF 1.15 "
        "fuses the two into one op that orders the elements differently"),
    "random-map": (
        "ds = tf.data.Dataset.range(6).map(lambda v: tf.random_uniform([]) + 1.0).batch(2)",
        Applicability.SAFE, "random draws (the dataset at line 2): TF2 draws other numbers "
        "from the same distributions"),
}


@pytest.mark.parametrize(("dataset", "applicability", "reason"), RANDOM.values(),
                         ids=RANDOM.keys())
def test_random_pipelines_are_random_draws_and_a_fused_order_is_unsafe(
    dataset: str, applicability: Applicability, reason: str
) -> None:
    source, findings = migrate(
        "import tensorflow as tf\n" + dataset + "\nx = ds.make_one_shot_iterator().get_next()\n"
        "with tf.Session() as sess:\n    v = sess.run(x)\n"
    )
    ((message, found),) = findings
    assert found is applicability
    assert reason in message, message
    assert "iter(ds)" in source


def test_seeded_shuffle_repeated_after_batch_is_safe() -> None:
    _, findings = migrate(
        "import tensorflow as tf\nds = tf.data.Dataset.range(6).shuffle(6, seed=1).batch(2)"
        ".repeat(3)\nx = ds.make_one_shot_iterator().get_next()\n"
        "with tf.Session() as sess:\n    v = sess.run(x)\n"
    )
    assert findings == [(SessionProgram.message, Applicability.SAFE)]


REFUSALS = {
    "dataset-fed-by-placeholders": (
        "p = tf.placeholder(tf.float32, [None])\nds = tf.data.Dataset.from_tensor_slices(p)\n"
        "it = ds.make_initializable_iterator()\nx = it.get_next()",
        "sess.run(it.initializer, {p: [1.0, 2.0]})\nv = sess.run(x)",
        "the dataset reads placeholder `p` (a dataset fed when its iterator is initialized is "
        "not rewritten yet)"),
    "other-dataset-sources": (
        "ds = tf.data.TFRecordDataset(['a.tfrecord'])\nx = ds.make_one_shot_iterator().get_next()",
        "v = sess.run(x)",
        "`tf.data.TFRecordDataset` is not handled by the session rewrite (datasets from "
        "`from_tensor_slices`, `from_tensors`, `range` and `zip` are)"),
    "other-dataset-methods": (
        "ds = tf.data.Dataset.range(4).window(2)\nx = ds.make_one_shot_iterator().get_next()",
        "v = sess.run(x)",
        "the dataset method `.window(...)` is not handled by the session rewrite"),
    "two-iterators-share-a-shuffle": (
        "ds = tf.data.Dataset.range(4).shuffle(4, seed=2)\n"
        "a = ds.make_one_shot_iterator().get_next()\nb = ds.make_one_shot_iterator().get_next()",
        "v = sess.run([a, b])",
        "`iterator_2` and `iterator` both draw from `ds`, which reshuffles (each TF1 iterator "
        "starts from the first order, TF2 iterators of one Dataset continue its shuffle)"),
    "two-elements-in-one-run": (
        "it = tf.data.Dataset.range(4).make_one_shot_iterator()\na = it.get_next()\n"
        "b = it.get_next()",
        "v = sess.run(a + b)",
        "one run takes two elements of `it` (TF1 leaves their order open)"),
    "get-next-inside-an-expression": (
        "it = tf.data.Dataset.range(4).make_one_shot_iterator()\nx = it.get_next() * 2",
        "v = sess.run(x)",
        "`it` is used inside an expression (only `x = iterator.get_next()` and dataset "
        "statements of their own are rewritten)"),
    "fetching-an-iterator": (
        "it = tf.data.Dataset.range(4).make_one_shot_iterator()",
        "v = sess.run(it)",
        "fetches `it`, a tf.data iterator (a Python object in TF2)"),
    "initializer-with-other-fetches": (
        "w = tf.Variable(1)\nit = tf.data.Dataset.range(4).make_initializable_iterator()\n"
        "x = it.get_next() ",
        "sess.run([w.initializer, it.initializer])\nv = sess.run(x)",
        "an iterator is initialized together with other fetches"),
    "dataset-rebound-before-initialization": (
        "ds = tf.data.Dataset.range(4)\nit = ds.make_initializable_iterator()\nx = it.get_next()\n"
        "ds = tf.data.Dataset.range(8)",
        "sess.run(it.initializer)\nv = sess.run(x)",
        "`ds` is rebound at line 5, after the dataset read it (the dataset is read again at each "
        "`it.initializer`)"),
    "rebuilt-dataset-reads-its-own-name": (
        "ds = tf.data.Dataset.range(4)\nds = ds.shuffle(4, seed=1)\n"
        "it = ds.make_initializable_iterator()\nx = it.get_next()",
        "for _ in range(2):\n    sess.run(it.initializer)\n    v = sess.run(x)",
        "`ds` is rebound at line 3, after the dataset read it (the dataset is read again at each "
        "`it.initializer`)"),
    "chain-in-a-fetch-is-named-as-written": (
        "w = tf.constant(1)",
        "v = sess.run(tf.data.Dataset.range(3).batch(2).make_one_shot_iterator().get_next())",
        "`tf.data.Dataset.range(...).batch(...).make_one_shot_iterator(...).get_next(...)` is "
        "not handled by the session rewrite"),
}


@pytest.mark.parametrize(("graph", "session", "reason"), REFUSALS.values(),
                         ids=REFUSALS.keys())
def test_refusal_says_why(graph: str, session: str, reason: str) -> None:
    code = ("import tensorflow as tf\n" + graph + "\nwith tf.Session() as sess:\n"
            + textwrap.indent(session, "    ") + "\n")
    source, findings = migrate(code)
    assert source == code
    ((message, applicability),) = findings
    assert applicability is Applicability.MANUAL
    assert reason in message, message
