"""TFM705-TFM706: TF1 dataset iterators, queue runners, input producers and readers."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.tensor_names import ValueKind
from tf_migrate.rules.support.rule import Invalid, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding
from tf_migrate.rules.support.tracking import TracksBindings

_ITERATE = (
    "iterate the dataset directly (`for batch in dataset:`), or `it = iter(dataset)` and "
    "`next(it)`; an initializable iterator's re-initialization is a new `iter(dataset)`"
)
_ELEMENT_SPEC = "use `dataset.element_spec`"
_MAKERS = frozenset({"make_one_shot_iterator", "make_initializable_iterator"})
_STRUCTURE_ATTRIBUTES = frozenset({"output_types", "output_shapes", "output_classes"})
_FILES = "use `tf.data.Dataset.from_tensor_slices(filenames)` (with `.shuffle(...)`/`.repeat(n)`)"
_NO_QUEUES = "tf.data pipelines need no queue runners or coordinator: iterate the dataset"


class DatasetIterator(SymbolFinding, TracksBindings):
    """## What it does
    Reports TF1 dataset iterators: `dataset.make_one_shot_iterator()`,
    `dataset.make_initializable_iterator()`, `tf.data.make_one_shot_iterator(dataset)` (also as
    `tf.compat.v1.data...`), `tf.data.Iterator.from_structure`/`from_string_handle`,
    `iterator.get_next()` on a name holding such an iterator, and the TF1 structure accessors
    (`dataset.output_types`/`output_shapes`/`output_classes`, `tf.data.get_output_*`). A chain
    `dataset.make_one_shot_iterator().get_next()` is one finding.

    ## Why is this bad?
    TF1 iterators produce tensors that a session evaluates once per run. In TF2 a dataset is a
    Python iterable of eager tensors.

    ## Example
    ```python
    images, labels = dataset.make_one_shot_iterator().get_next()
    ```

    ## Use instead
    ```python
    for images, labels in dataset:
        train_step(images, labels)
    ```

    ## Fix safety
    Manual: the run sites that evaluate the iterator's tensors become a loop.
    """

    code = "TFM705"
    name = "dataset-iterator"
    message = "`{name}` is a TF1 dataset iterator: {advice}"
    symbols = {
        "tf.data.make_one_shot_iterator": _ITERATE,
        "tf.data.make_initializable_iterator": _ITERATE,
        "tf.data.Iterator.from_structure": _ITERATE,
        "tf.data.Iterator.from_string_handle": _ITERATE,
        "tf.data.get_output_types": _ELEMENT_SPEC,
        "tf.data.get_output_shapes": _ELEMENT_SPEC,
        "tf.data.get_output_classes": _ELEMENT_SPEC,
    }
    examples = (
        Valid("import tensorflow as tf\nfor batch in dataset:\n    pass\n"),
        Valid("import queue\nq = queue.Queue()\nitem = q.get_next()\n"),
        Invalid("import tensorflow as tf\nx = dataset.make_one_shot_iterator().get_next()\n"),
        Invalid("import tensorflow.compat.v1 as tf\nit = tf.data.make_one_shot_iterator(ds)\n"),
        Invalid(
            "import tensorflow as tf\nit = ds.make_initializable_iterator()\nx = it.get_next()\n"
        ),
        Invalid("import tensorflow as tf\nshapes = dataset.output_shapes\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._claimed: set[cst.CSTNode] = set()

    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None:
        if node not in self._claimed:
            super().on_reference(node, name)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        super().visit_Attribute(node)
        if node.attr.value in _STRUCTURE_ATTRIBUTES and self.imports_tensorflow:
            self.report(node, self.message.format(name=f".{node.attr.value}", advice=_ELEMENT_SPEC))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if node in self._claimed or not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        if method == "get_next":
            receiver = func.value
            if isinstance(receiver, cst.Call) and self._creates_iterator(receiver):
                self._claimed.update((receiver, receiver.func))
                self._report(node)
            elif self.bindings.kind_of(receiver) is ValueKind.ITERATOR:
                self._report(node)
        elif method in _MAKERS and self.imports_tensorflow and self.resolve_symbol(func) is None:
            self._report(node)

    def _creates_iterator(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MAKERS:
            return True
        name = self.resolve_symbol(func)
        return name in ("tf.data.make_one_shot_iterator", "tf.data.make_initializable_iterator")

    def _report(self, node: cst.Call) -> None:
        self.report(node, self.message.format(name=self.code_of(node.func), advice=_ITERATE))


class QueueInput(SymbolFinding):
    """## What it does
    Reports queue-based input: the input producers (`tf.train.string_input_producer`,
    `slice_input_producer`, ...), the batching functions (`tf.train.batch`, `shuffle_batch`,
    ...), queue runners (`tf.train.start_queue_runners`, `QueueRunner`, `add_queue_runner`),
    `tf.train.Coordinator`, and the TF1 readers (`tf.TFRecordReader`, `tf.TextLineReader`,
    `tf.WholeFileReader`, ...).

    ## Why is this bad?
    Queue runners need a session and threads; TF2 has neither. `tf.data` replaces the whole
    pipeline.

    ## Example
    ```python
    files = tf.train.string_input_producer(filenames)
    _, record = tf.TFRecordReader().read(files)
    batch = tf.train.shuffle_batch([record], 32, capacity=1000, min_after_dequeue=100)
    ```

    ## Use instead
    ```python
    dataset = tf.data.TFRecordDataset(filenames).shuffle(1000).batch(32)
    ```

    ## Fix safety
    Manual: the shuffling and epoch structure of the queues must be rebuilt with tf.data.
    """

    code = "TFM706"
    name = "queue-input"
    message = "`{name}` is TF1 queue-based input: {advice}"
    symbols = {
        "tf.train.string_input_producer": _FILES,
        "tf.train.input_producer": _FILES,
        "tf.train.slice_input_producer": "use `tf.data.Dataset.from_tensor_slices(tensors)`",
        "tf.train.range_input_producer": "use `tf.data.Dataset.range(limit)`",
        "tf.train.limit_epochs": "use `dataset.repeat(num_epochs)`",
        "tf.train.batch": "use `dataset.batch(batch_size)`",
        "tf.train.maybe_batch": "use `dataset.filter(...).batch(batch_size)`",
        "tf.train.batch_join": "use `tf.data.Dataset.sample_from_datasets(...).batch(batch_size)`",
        "tf.train.shuffle_batch": "use `dataset.shuffle(capacity).batch(batch_size)`",
        "tf.train.maybe_shuffle_batch": "use `dataset.filter(...).shuffle(capacity).batch(n)`",
        "tf.train.shuffle_batch_join": "use `dataset.shuffle(capacity).batch(batch_size)`",
        "tf.train.start_queue_runners": _NO_QUEUES,
        "tf.train.QueueRunner": _NO_QUEUES,
        "tf.train.add_queue_runner": _NO_QUEUES,
        "tf.train.queue_runner": _NO_QUEUES,
        "tf.train.Coordinator": _NO_QUEUES,
        "tf.train.LooperThread": _NO_QUEUES,
        "tf.TFRecordReader": "use `tf.data.TFRecordDataset(filenames)`",
        "tf.TextLineReader": "use `tf.data.TextLineDataset(filenames)`",
        "tf.FixedLengthRecordReader": "use `tf.data.FixedLengthRecordDataset(filenames, n)`",
        "tf.WholeFileReader": "use `tf.data.Dataset.list_files(pattern).map(tf.io.read_file)`",
        "tf.IdentityReader": "use a `tf.data.Dataset`",
        "tf.LMDBReader": "use a `tf.data.Dataset`",
        "tf.ReaderBase": "use a `tf.data.Dataset`",
    }
    examples = (
        Valid("import tensorflow as tf\nds = tf.data.TFRecordDataset(files).batch(32)\n"),
        Invalid("import tensorflow as tf\nq = tf.train.string_input_producer(files)\n"),
        Invalid("import tensorflow as tf\nthreads = tf.train.start_queue_runners(sess, coord)\n"),
        Invalid("from tensorflow.train import shuffle_batch\nb = shuffle_batch([x], 32, 99, 9)\n"),
    )
