"""What the graph-program analysis needs to know about TF1 symbols (as `tf.x.y` names)."""

from __future__ import annotations

SESSIONS = frozenset({"tf.Session", "tf.InteractiveSession"})
PLACEHOLDERS = frozenset(
    {"tf.placeholder", "tf.placeholder_with_default", "tf.sparse_placeholder"})
# A sparse placeholder becomes a parameter with a `tf.SparseTensorSpec`; the value fed to it,
# a `tf.SparseTensorValue` or an `(indices, values, dense_shape)` tuple, a `tf.sparse.SparseTensor`
# (one bound to a name, returned by a function or in a list, and only fed: that tuple).
SPARSE_PLACEHOLDER = "tf.sparse_placeholder"
SPARSE_VALUE = "tf.SparseTensorValue"
VARIABLE = "tf.Variable"

# Ops that initialize variables: their runs disappear, since TF2 variables start initialized.
# The local-variable ones initialize nothing in the supported subset (no tf.metrics, no
# `collections=`), so removing their runs keeps the program's behaviour too.
INITIALIZERS = frozenset(
    {"tf.global_variables_initializer", "tf.initialize_all_variables", "tf.variables_initializer",
     "tf.local_variables_initializer", "tf.initialize_local_variables"}
)
GROUP = "tf.group"
GROUPS = frozenset({"tf.group", "tf.no_op"})  # ops that only order others: they give None

# tf.assign(v, x) -> v.assign(x), and the methods of the same name on a variable.
ASSIGN_FUNCTIONS = {"tf.assign": "assign", "tf.assign_add": "assign_add",
                    "tf.assign_sub": "assign_sub"}
ASSIGN_METHODS = frozenset(ASSIGN_FUNCTIONS.values())

# A graph value's static facts, fixed when TF1 built the graph and when a tf.function traces it
# (its input signature gives the placeholders' shapes): the same value at every call.
STATIC_ATTRIBUTES = frozenset({"shape", "get_shape", "dtype"})
# Methods of a static shape (`x.get_shape().as_list()`): pure, at trace time.
STATIC_SHAPE_METHODS = frozenset({"get_shape", "as_list", "num_elements", "is_fully_defined"})
ASSIGN_KEYWORDS = frozenset({"use_locking", "name"})

# Statements kept as they are: they act at Python level, not on the graph.
PYTHON_LEVEL_PREFIXES = (
    "tf.logging.", "tf.flags.", "tf.app.", "tf.gfile.", "tf.io.gfile.", "tf.examples.",
    # `tf.compat.as_str(data)` and kin convert Python strings and bytes; they build no op.
    "tf.compat.as_",
    # `tf.keras.datasets.mnist.load_data()` reads numpy arrays, in TF1 as in TF2.
    "tf.keras.datasets.",
)
KEPT_CALLS = frozenset({"tf.set_random_seed", "tf.random.set_seed"})
# A fresh program's default graph is already empty: resetting it first does nothing.
DROPPED_CALLS = frozenset({"tf.reset_default_graph"})
# Switches into TF1 behaviour: the rewritten program is TF2 code and imports TF2 itself.
V1_SWITCHES = frozenset({"tf.disable_v2_behavior", "tf.disable_eager_execution"})

# TF1 constructs whose TF2 form this rewrite does not derive (other rules report them).
_UNSUPPORTED_PREFIXES = (
    "tf.train.", "tf.layers.", "tf.contrib.", "tf.summary.", "tf.data.", "tf.estimator.",
    "tf.keras.", "tf.saved_model.", "tf.nn.rnn_cell.", "tf.compat.", "tf.metrics.", "tf.scatter_",
    "tf.io.", "tf.queue.", "tf.debugging.", "tf.distribute.",
)
_UNSUPPORTED = frozenset(
    {"tf.get_variable", "tf.get_local_variable", "tf.variable_scope", "tf.name_scope",
     "tf.get_collection", "tf.add_to_collection", "tf.gradients",
     "tf.py_func", "tf.Print", "tf.print", "tf.global_variables", "tf.trainable_variables",
     "tf.local_variables", "tf.Graph", "tf.get_default_graph", "tf.get_default_session",
     "tf.make_template", "tf.tuple", "tf.nn.dynamic_rnn",
     "tf.nn.static_rnn",
     "tf.nn.bidirectional_dynamic_rnn", "tf.count_up_to", "tf.tables_initializer",
     "tf.initialize_variables", "tf.assert_equal", "tf.Assert", "tf.check_numerics",
     "tf.add_check_numerics_ops", "tf.while_loop", "tf.cond", "tf.case", "tf.map_fn",
     "tf.scan", "tf.foldl", "tf.foldr", "tf.variable_axis_size_partitioner"}
)
# `tf.SparseTensor` is TF2's `tf.sparse.SparseTensor`: built from constants, an eager value.
_CLASSES_OK = frozenset({"tf.Variable", "tf.TensorShape", "tf.DType", "tf.SparseTensor"})

_RANDOM_NAMES = frozenset(
    {"tf.multinomial", "tf.truncated_normal", "tf.nn.dropout", "tf.nn.sampled_softmax_loss",
     "tf.nn.nce_loss", "tf.nn.fractional_max_pool", "tf.nn.fractional_avg_pool",
     "tf.image.sample_distorted_bounding_box", "tf.nn.uniform_candidate_sampler",
     "tf.nn.log_uniform_candidate_sampler", "tf.nn.learned_unigram_candidate_sampler",
     "tf.nn.fixed_unigram_candidate_sampler", "tf.parameterized_truncated_normal"}
)


def is_random(name: str) -> bool:
    """Ops that draw random numbers: TF1 and TF2 draw different ones, even with equal seeds."""
    leaf = name.rsplit(".", 1)[-1]
    return (
        name in _RANDOM_NAMES
        or "random" in leaf
        or name.startswith("tf.random.")
        or (leaf.endswith("_initializer") and name not in INITIALIZERS)
        or name.startswith("tf.initializers.")
    )


def unsupported(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    if name in _UNSUPPORTED or name.startswith(_UNSUPPORTED_PREFIXES):
        return True
    return leaf[:1].isupper() and name not in _CLASSES_OK and name not in SESSIONS


def python_level(name: str) -> bool:
    return name.startswith(PYTHON_LEVEL_PREFIXES) or name in KEPT_CALLS

# What `tf.Module` defines itself (TF 2.21): a model class rewritten as one must not replace it
# with an attribute or a method of its own (`self.name = name` fails: `name` is read-only).
TF_MODULE_MEMBERS = frozenset(
    {"name", "name_scope", "non_trainable_variables", "submodules", "trainable_variables",
     "variables", "with_name_scope", "_TF_MODULE_IGNORED_PROPERTIES", "_add_trackable_child",
     "_add_variable_with_custom_getter", "_checkpoint_adapter", "_checkpoint_dependencies",
     "_copy_trackable_to_cpu", "_deferred_dependencies", "_delete_tracking",
     "_deserialization_dependencies", "_deserialize_from_proto", "_export_to_saved_model_graph",
     "_flatten", "_gather_saveables_for_checkpoint", "_handle_deferred_dependencies",
     "_lookup_dependency", "_maybe_initialize_trackable", "_name", "_name_based_attribute_restore",
     "_name_based_restores", "_name_scope", "_no_dependency", "_object_identifier",
     "_preload_simple_restoration", "_restore_from_tensors", "_serialize_to_proto",
     "_serialize_to_tensors", "_setattr_tracking", "_tf_api_names", "_tf_api_names_v1",
     "_track_trackable", "_trackable_children", "_unconditional_checkpoint_dependencies",
     "_unconditional_dependency_names", "_update_uid"}
)

# Functions that return a list or tuple of tensors rather than one tensor.
STRUCTURE_FUNCTIONS = frozenset(
    {"tf.split", "tf.unstack", "tf.unpack", "tf.meshgrid", "tf.nn.moments", "tf.nn.top_k",
     "tf.unique", "tf.shape_n", "tf.nn.weighted_moments", "tf.svd", "tf.linalg.svd", "tf.qr",
     "tf.linalg.eigh", "tf.self_adjoint_eig", "tf.unique_with_counts", "tf.setdiff1d"}
)


# What to do by hand about a TF1 symbol the session rewrite does not carry over, by the longest
# matching prefix (a family another rule reports at the same line points to that finding).
_BY_HAND = (
    (("tf.get_default_graph", "tf.Graph", "tf.GraphDef", "tf.import_graph_def",
      "tf.train.import_meta_graph", "tf.train.write_graph", "tf.graph_util"),
     "graph introspection and imported graphs have no TF2 form in a rewritten program: load a "
     "SavedModel with `tf.saved_model.load`, or inspect a traced function's "
     "`get_concrete_function().graph`"),
    (("tf.train.start_queue_runners", "tf.train.Coordinator", "tf.train.string_input_producer",
      "tf.train.input_producer", "tf.train.slice_input_producer", "tf.train.batch",
      "tf.train.shuffle_batch", "tf.WholeFileReader", "tf.TextLineReader",
      "tf.TFRecordReader", "tf.FIFOQueue", "tf.RandomShuffleQueue", "tf.train.QueueRunner"),
     "queue-based input: build the same input as a `tf.data` pipeline first"),
    (("tf.get_variable", "tf.variable_scope", "tf.get_variable_scope", "tf.layers.",
      "tf.contrib.layers.", "tf.contrib.slim.", "tf.contrib.rnn.", "tf.nn.rnn_cell.",
      "tf.nn.dynamic_rnn", "tf.nn.static_rnn", "tf.nn.bidirectional_dynamic_rnn"),
     "create the program's variables and layers with `tf.Variable` or Keras layers first (the "
     "finding at this line says how)"),
    (("tf.summary.", "tf.train.SummaryWriter", "tf.merge_summary", "tf.merge_all_summaries",
      "tf.scalar_summary", "tf.histogram_summary", "tf.image_summary", "tf.audio_summary"),
     "write summaries with `tf.summary.create_file_writer` (the finding at this line says how)"),
    (("tf.train.Saver",), "save with `tf.train.Checkpoint` (the finding at this line says how)"),
    (("tf.ConfigProto", "tf.GPUOptions"),
     "set the session's options with `tf.config` calls (`tf.config.experimental."
     "set_memory_growth`, `tf.config.set_soft_device_placement`) and drop the config"),
    (("tf.RunOptions", "tf.RunMetadata"),
     "traced runs have no TF2 form: profile the call between `tf.profiler.experimental.start("
     "logdir)` and `stop()` (or `tf.summary.trace_on(profiler=True)`) and drop `options=` and "
     "`run_metadata=`"),
    (("tf.SparseTensorValue",),
     "TF2 has no `tf.SparseTensorValue`: write it in the `feed_dict` of the run (it becomes a "
     "`tf.sparse.SparseTensor` there), or bind it to a name, or return it from a function of the "
     "program, only fed to sparse placeholders (it becomes an `(indices, values, dense_shape)` "
     "tuple)"),
)


def by_hand(name: str) -> str | None:
    """What to change by hand so that the session rewrite can follow `name`, if known."""
    for prefixes, advice in _BY_HAND:
        # "tf.layers." covers what is under it; "tf.Graph" itself and what is under it.
        if any(name.startswith(p) if p.endswith(".") else name == p or name.startswith(p + ".")
               for p in prefixes):
            return advice
    return None
