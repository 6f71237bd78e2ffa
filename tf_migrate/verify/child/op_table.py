"""The random ops that draw from the stream, and those left to TensorFlow's generators.

Each entry names a generated op function (``gen_random_ops.random_uniform``...), the kind of draw
it makes, the inputs the draw needs, the inputs that seed a stateless op (a stateless op drawn
again with the same seed gets the same values), and where its output dtype comes from.
"""

from __future__ import annotations

OPS = "tensorflow.python.ops."
# (module, function, kind, inputs the draw needs, inputs that seed a stateless op, where the
# output dtype comes from: an argument, or "=input" for that input's dtype)
# fmt: off
PATCHES = (
    ("gen_random_ops", "random_uniform", "uniform", ("shape",), (), "dtype"),
    ("gen_random_ops", "random_standard_normal", "normal", ("shape",), (), "dtype"),
    ("gen_random_ops", "truncated_normal", "truncated_normal", ("shape",), (), "dtype"),
    ("gen_random_ops", "random_uniform_int", "uniform_int", ("shape", "minval", "maxval"), (),
     "=minval"),
    ("gen_random_ops", "random_shuffle", "shuffle", ("value",), (), "=value"),
    ("gen_random_ops", "multinomial", "categorical", ("logits", "num_samples"), (),
     "output_dtype"),
    ("gen_stateless_random_ops", "stateless_random_uniform", "uniform", ("shape",), ("seed",),
     "dtype"),
    ("gen_stateless_random_ops", "stateless_random_normal", "normal", ("shape",), ("seed",),
     "dtype"),
    ("gen_stateless_random_ops", "stateless_truncated_normal", "truncated_normal", ("shape",),
     ("seed",), "dtype"),
    ("gen_stateless_random_ops", "stateless_random_uniform_int", "uniform_int",
     ("shape", "minval", "maxval"), ("seed",), "=minval"),
    ("gen_stateless_random_ops", "stateless_multinomial", "categorical",
     ("logits", "num_samples"), ("seed",), "output_dtype"),
    ("gen_stateless_random_ops_v2", "stateless_random_uniform_v2", "uniform", ("shape",),
     ("key", "counter"), "dtype"),
    ("gen_stateless_random_ops_v2", "stateless_random_normal_v2", "normal", ("shape",),
     ("key", "counter"), "dtype"),
    ("gen_stateless_random_ops_v2", "stateless_truncated_normal_v2", "truncated_normal",
     ("shape",), ("key", "counter"), "dtype"),
    ("gen_stateless_random_ops_v2", "stateless_random_uniform_int_v2", "uniform_int",
     ("shape", "minval", "maxval"), ("key", "counter"), "=minval"),
    ("gen_stateless_random_ops_v2", "stateless_shuffle", "shuffle", ("value",),
     ("key", "counter"), "=value"),
    ("gen_stateful_random_ops", "stateful_uniform", "uniform", ("shape",), (), "dtype"),
    ("gen_stateful_random_ops", "stateful_standard_normal_v2", "normal", ("shape",), (),
     "dtype"),
    ("gen_stateful_random_ops", "stateful_truncated_normal", "truncated_normal", ("shape",), (),
     "dtype"),
    ("gen_stateful_random_ops", "stateful_uniform_int", "uniform_int",
     ("shape", "minval", "maxval"), (), "=minval"),
)
# fmt: on
# Random ops left to TensorFlow's generators: each use is noted as not aligned.
NOT_ALIGNED = (
    (
        "gen_random_ops",
        ("random_gamma", "random_poisson", "random_poisson_v2", "parameterized_truncated_normal"),
    ),
    (
        "gen_stateless_random_ops",
        (
            "stateless_random_gamma_v2",
            "stateless_random_poisson",
            "stateless_random_binomial",
            "stateless_parameterized_truncated_normal",
        ),
    ),
    ("gen_stateless_random_ops_v2", ("stateless_random_gamma_v3",)),
    ("gen_stateful_random_ops", ("stateful_random_binomial",)),
)
RAW_RANDOM_TYPES = frozenset(
    {
        "RandomUniform",
        "RandomStandardNormal",
        "TruncatedNormal",
        "RandomUniformInt",
        "RandomShuffle",
        "Multinomial",
        "RandomGamma",
        "RandomPoisson",
        "RandomPoissonV2",
        "ParameterizedTruncatedNormal",
    }
)
# The API functions whose arguments are the draw's parameters, by the names of their locals.
