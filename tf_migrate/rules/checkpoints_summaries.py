"""TFM701-TFM704: TF1 checkpoints, SavedModel v1, and TF1 summaries."""

from __future__ import annotations

import libcst as cst

from tf_migrate.rules.registry import symbol_owner
from tf_migrate.rules.support.rule import Invalid, RuleOptions, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_CHECKPOINT = (
    "use `tf.train.Checkpoint(model=..., optimizer=...)` with `tf.train.CheckpointManager(ckpt, "
    "directory, max_to_keep=k)` (it also adopts and deletes older checkpoints, which Saver left "
    "alone); TF1 name-based checkpoints need a name map to restore into Keras 3 variables"
)
_NO_META_GRAPH = (
    "TF2 has no meta graphs: build the model in code and restore its values with "
    "`tf.train.Checkpoint`, or load a SavedModel with `tf.saved_model.load`"
)
_SAVED_MODEL = (
    "use `tf.saved_model.save(obj, export_dir, signatures=...)` and `tf.saved_model.load`"
)
_WRITER = (
    "create `writer = tf.summary.create_file_writer(logdir)` and write under "
    "`with writer.as_default():` with `tf.summary.scalar(name, value, step=step)`"
)
_MERGE = "TF2 summary calls write when they run under a writer: delete the merge and its run"
_V1_OP = (
    "in TF2 call it with `step=` under `with tf.summary.create_file_writer(logdir).as_default():` "
    "(it writes at once; tensorflow-cpu 2.21 needs tensorboard installed for it)"
)
# Evidence that the module writes TF2 summaries, where a default step makes `step=` optional.
_TF2_SUMMARY_API = frozenset(
    {
        "tf.summary.create_file_writer",
        "tf.summary.create_noop_writer",
        "tf.summary.record_if",
        "tf.summary.experimental",
        "tf.summary.should_record_summaries",
        "tf.summary.SummaryWriter",
    }
)
# Where the step goes (0-based positional index) in TF2's signature, when it is not `step=`.
_STEP_POSITION = {"scalar": 2, "histogram": 2, "text": 2, "image": 2, "audio": 3}


class Saver(SymbolFinding):
    """## What it does
    Reports `tf.train.Saver`, `tf.train.import_meta_graph`, `tf.train.export_meta_graph` and
    `tf.train.init_from_checkpoint`.

    ## Why is this bad?
    TF2 checkpoints are object-based: `tf.train.Checkpoint` tracks variables through the objects
    that own them. `max_to_keep` behaves differently: Saver only deleted checkpoints it wrote,
    CheckpointManager adopts the older ones in its directory.

    ## Example
    ```python
    saver = tf.train.Saver(max_to_keep=3)
    saver.save(sess, "ckpt/model", global_step=step)
    ```

    ## Use instead
    ```python
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model), "ckpt", 3)
    manager.save(checkpoint_number=step)
    ```

    ## Fix safety
    Manual: which objects the checkpoint tracks depends on the program.
    """

    code = "TFM701"
    name = "saver"
    message = "`{name}` is TF1 checkpointing: {advice}"
    symbols = {
        "tf.train.Saver": _CHECKPOINT,
        "tf.train.import_meta_graph": _NO_META_GRAPH,
        "tf.train.export_meta_graph": _NO_META_GRAPH,
        "tf.train.init_from_checkpoint": "restore with `tf.train.Checkpoint(...).restore(path)` "
        "(map TF1 variable names to the new objects)",
    }
    examples = (
        Valid("import tensorflow as tf\nckpt = tf.train.Checkpoint(model=model)\n"),
        Invalid("import tensorflow as tf\nsaver = tf.train.Saver()\n"),
        Invalid("from tensorflow.train import Saver\nsaver = Saver(max_to_keep=3)\n"),
    )


class SavedModelV1(SymbolFinding):
    """## What it does
    Reports the TF1 SavedModel API: `tf.saved_model.builder`, `loader`, `simple_save`,
    `signature_def_utils`, `utils`, `tag_constants`, `signature_constants`, `main_op`.

    ## Why is this bad?
    These build and load SavedModels through sessions and tensor infos. TF2 saves and loads
    trackable objects with signatures made from `tf.function`s.

    ## Example
    ```python
    tf.saved_model.simple_save(sess, export_dir, {"x": x}, {"y": y})
    ```

    ## Use instead
    ```python
    tf.saved_model.save(model, export_dir)
    ```

    ## Fix safety
    Manual: the signatures must be written as functions.
    """

    code = "TFM702"
    name = "saved-model-v1"
    message = "`{name}` is the TF1 SavedModel API: {advice}"
    symbols = dict.fromkeys(
        (
            "tf.saved_model.builder",
            "tf.saved_model.loader",
            "tf.saved_model.simple_save",
            "tf.saved_model.signature_def_utils",
            "tf.saved_model.utils",
            "tf.saved_model.tag_constants",
            "tf.saved_model.signature_constants",
            "tf.saved_model.main_op",
        ),
        _SAVED_MODEL,
    )
    examples = (
        Valid("import tensorflow as tf\ntf.saved_model.save(model, 'out')\n"),
        Invalid("import tensorflow as tf\nb = tf.saved_model.builder.SavedModelBuilder('out')\n"),
    )


class SummaryWriter(SymbolFinding):
    """## What it does
    Reports the TF1 summary machinery: `tf.summary.FileWriter`, `FileWriterCache`,
    `tf.summary.merge`, `tf.summary.merge_all`, and the `tf.Summary` protocol buffer written with
    `add_summary`; TensorFlow 0.x's `tf.train.SummaryWriter`, `tf.merge_summary` and
    `tf.merge_all_summaries` too.

    ## Why is this bad?
    TF1 summary ops produce serialized protocol buffers that a session fetches and a FileWriter
    writes. TF2 summary calls write directly to the default writer.

    ## Example
    ```python
    merged = tf.summary.merge_all()
    writer = tf.summary.FileWriter(logdir)
    writer.add_summary(sess.run(merged), step)
    ```

    ## Use instead
    ```python
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.scalar("loss", loss, step=step)
    ```

    ## Fix safety
    Manual: every summary op and its run site change together.
    """

    code = "TFM703"
    name = "summary-writer"
    message = "`{name}` is TF1 summary writing: {advice}"
    symbols = {
        "tf.summary.FileWriter": _WRITER,
        "tf.summary.FileWriterCache": _WRITER,
        "tf.summary.merge": _MERGE,
        "tf.summary.merge_all": _MERGE,
        "tf.summary.Summary": _WRITER,
        "tf.Summary": _WRITER,
        # TensorFlow 0.x's names, still in tutorials: gone since 1.0.
        "tf.train.SummaryWriter": _WRITER,
        "tf.merge_summary": _MERGE,
        "tf.merge_all_summaries": _MERGE,
    }
    examples = (
        Valid("import tensorflow as tf\nwriter = tf.summary.create_file_writer('logs')\n"),
        Invalid("import tensorflow as tf\nwriter = tf.summary.FileWriter('logs')\n"),
        Invalid("import tensorflow as tf\nmerged = tf.summary.merge_all()\n"),
        Invalid("import tensorflow as tf\nwriter = tf.train.SummaryWriter('logs', sess.graph)\n"),
    )


class SummaryV1Op(SymbolFinding):
    """## What it does
    Reports TF1 summary ops: `tf.summary.scalar`, `histogram`, `image`, `audio` and `text`
    called the TF1 way, `tf.summary.tensor_summary`, and TensorFlow 0.x's `tf.scalar_summary`,
    `tf.histogram_summary`, `tf.image_summary` and `tf.audio_summary`.

    TF2 has functions with the same names but another signature (`step` instead of
    `collections`/`family`), so a call is TF1 when it is reached through
    `tensorflow.compat.v1`, passes `collections=` or `family=`, or passes no step (neither
    `step=` nor TF2's positional step) in a module that uses none of the TF2 summary API that
    sets a default step (`tf.summary.create_file_writer`, `tf.summary.experimental.set_step`,
    `tf.summary.record_if`, ...). `tf.summary.scalar("loss", v, step=s)` is TF2 code and is not
    reported.

    ## Why is this bad?
    A TF1 summary op returns a serialized summary to fetch and write with a FileWriter. In TF2
    the same call without a step and a default writer writes nothing, or raises.

    ## Example
    ```python
    tf.summary.scalar("loss", loss)
    ```

    ## Use instead
    ```python
    with writer.as_default():
        tf.summary.scalar("loss", loss, step=step)
    ```

    ## Fix safety
    Manual: the step and the writer come from the training loop.
    """

    code = "TFM704"
    name = "summary-v1-op"
    message = "`{name}` is called as a TF1 summary op: {advice}"
    symbols = {
        **{f"tf.summary.{op}": _V1_OP for op in _STEP_POSITION},
        "tf.summary.tensor_summary": "use `tf.summary.write(tag, tensor, step=step)` under a "
        "writer",
        # TensorFlow 0.x's names (gone since 1.0): always TF1 ops.
        **{f"tf.{op}_summary": f"TensorFlow 0.x's `tf.summary.{op}`: {_V1_OP}"
           for op in ("scalar", "histogram", "image", "audio")},
    }
    examples = (
        Valid("import tensorflow as tf\ntf.summary.scalar('loss', v, step=s)\n"),
        Valid(
            "import tensorflow as tf\nw = tf.summary.create_file_writer('l')\n"
            "with w.as_default(step=3):\n    tf.summary.scalar('loss', v)\n"
        ),
        Invalid("import tensorflow as tf\ntf.summary.scalar('loss', loss)\n"),
        Invalid("import tensorflow.compat.v1 as tf\ntf.summary.histogram('w', w, step=1)\n"),
        Invalid("import tensorflow as tf\ntf.summary.image('x', x, 3)\n"),
        Invalid("import tensorflow as tf\ntf.scalar_summary('loss', loss)\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._calls: dict[cst.CSTNode, cst.Call] = {}
        self._undecided: list[tuple[cst.Attribute | cst.Name, str, str]] = []
        self._tf2_summaries = False

    def visit_Call(self, node: cst.Call) -> None:
        self._calls[node.func] = node

    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None:
        found = symbol_owner(name)
        if found is None or found[0] is not type(self):
            if any(name == api or name.startswith(api + ".") for api in _TF2_SUMMARY_API):
                self._tf2_summaries = True
            return
        key = found[1]
        call = self._calls.get(node)
        op = key.rpartition(".")[2]
        if (
            op not in _STEP_POSITION
            or self._through_compat_v1(node)
            or (call is not None and _has_keyword(call, ("collections", "family")))
        ):
            self._report(node, name, key)
        elif call is None or not _has_step(call, op):
            self._undecided.append((node, name, key))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._tf2_summaries:
            for node, name, key in self._undecided:
                self._report(node, name, key)

    def _report(self, node: cst.CSTNode, name: str, key: str) -> None:
        self.report(node, self.message.format(name=name, advice=self.symbols[key]))

    def _through_compat_v1(self, node: cst.CSTNode) -> bool:
        return any(q.name.startswith("tensorflow.compat.v1.") for q in self.qualified_names(node))


def _has_keyword(call: cst.Call, names: tuple[str, ...]) -> bool:
    return any(arg.keyword is not None and arg.keyword.value in names for arg in call.args)


def _has_step(call: cst.Call, op: str) -> bool:
    if _has_keyword(call, ("step",)):
        return True
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    index = _STEP_POSITION[op]
    if len(positional) <= index:
        return False
    # TF1's image/audio take max_outputs (an int literal in practice) where TF2 takes the step.
    return not (op in ("image", "audio") and isinstance(positional[index], cst.Integer))
