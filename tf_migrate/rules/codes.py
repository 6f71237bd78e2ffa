"""The code table: every rule code, the name it reads as ("allow <name>"), and the class that
implements it, as "module.Class" under tf_migrate.rules.

One hop from a code to its file. Selecting rules by code, prefix or name reads only this table, so
a run whose every file is answered by the result cache imports no rule (and no libcst); the
registry imports a rule's module when the rule runs, and checks that the class says the same code
and name. Families: TFM0xx engine, TFM1xx graph and session, TFM2xx training, TFM3xx variables and
layers, TFM4xx API renames and arguments, TFM5xx contrib, flags, logging, app, TFM6xx Estimator and
hooks, TFM7xx checkpoints, summaries, tf.data iterators, TFM8xx distribution.
"""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "TFM000": ("parse-error", "parse_error.ParseError"),
    "TFM001": ("compat-v1-fallback", "compat_fallback.CompatV1Fallback"),
    "TFM101": ("placeholder", "graph_session.Placeholder"),
    "TFM102": ("session", "graph_session.Session"),
    "TFM103": ("monitored-session", "graph_session.MonitoredSession"),
    "TFM104": ("session-run", "graph_session.SessionRun"),
    "TFM105": ("variables-initializer", "graph_session.VariablesInitializer"),
    "TFM106": ("graph", "graph_state.Graph"),
    "TFM107": ("graph-collection", "graph_state.GraphCollection"),
    "TFM108": ("execution-mode-switch", "graph_state.ExecutionModeSwitch"),
    "TFM109": ("py-func", "graph_state.PyFunc"),
    "TFM110": ("tensor-equality", "tensor_semantics.TensorEquality"),
    "TFM111": ("tensor-hash", "tensor_semantics.TensorHash"),
    "TFM150": ("session-program", "session_program.SessionProgram"),
    "TFM201": ("optimizer-minimize", "training.OptimizerMinimize"),
    "TFM202": ("tf1-optimizer", "training.TF1Optimizer"),
    "TFM203": ("learning-rate-decay", "training.LearningRateDecay"),
    "TFM204": ("global-step", "training.GlobalStep"),
    "TFM205": ("tf1-losses", "losses_metrics.TF1Losses"),
    "TFM206": ("tf1-metrics", "losses_metrics.TF1Metrics"),
    "TFM301": ("get-variable", "variables_layers.GetVariable"),
    "TFM302": ("variable-scope", "variables_layers.VariableScope"),
    "TFM303": ("tf1-layers", "variables_layers.TF1Layers"),
    "TFM304": ("tf1-rnn", "variables_layers.TF1RecurrentCells"),
    "TFM305": ("contrib-layers", "contrib_layers.ContribLayers"),
    "TFM401": ("tf1-symbol-name", "renames.SymbolRename"),
    "TFM402": ("tf1-arguments", "arguments.ArgumentChange"),
    "TFM403": ("tf1-cast-helper", "arguments_values.CastHelper"),
    "TFM404": ("tf1-div", "arguments_values.FloatDiv"),
    "TFM405": ("tf1-resize-images", "arguments_values.ResizeImages"),
    "TFM406": ("tf1-set-random-seed", "arguments_values.SetRandomSeed"),
    "TFM407": ("tf1-only-symbol", "tf1_only.TF1OnlySymbol"),
    "TFM501": ("contrib", "contrib_flags.Contrib"),
    "TFM502": ("tf-flags", "contrib_flags.TF1Flags"),
    "TFM503": ("tf-app", "contrib_flags.TF1App"),
    "TFM504": ("tf-logging", "contrib_flags.TF1Logging"),
    "TFM505": ("contrib-eager", "contrib_eager.ContribEager"),
    "TFM506": ("contrib-eager-gradients", "eager_gradients.EagerGradientFunctions"),
    "TFM507": ("contrib-eager-saver", "eager_saver.EagerSaver"),
    "TFM601": ("estimator", "estimator.Estimator"),
    "TFM602": ("session-run-hook", "estimator.SessionRunHook"),
    "TFM603": ("feature-column", "estimator.FeatureColumn"),
    "TFM701": ("saver", "checkpoints_summaries.Saver"),
    "TFM702": ("saved-model-v1", "checkpoints_summaries.SavedModelV1"),
    "TFM703": ("summary-writer", "checkpoints_summaries.SummaryWriter"),
    "TFM704": ("summary-v1-op", "checkpoints_summaries.SummaryV1Op"),
    "TFM705": ("dataset-iterator", "input_pipeline.DatasetIterator"),
    "TFM706": ("queue-input", "input_pipeline.QueueInput"),
    "TFM801": ("tf1-distribution", "distribution.TF1Distribution"),
}
