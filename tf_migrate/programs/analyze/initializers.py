"""TF1 initializers as the Keras initializers that draw from the same distributions.

Keras's defaults differ from TF1's (RandomNormal and TruncatedNormal take stddev 0.05 where TF1
took 1.0, RandomUniform the range ±0.05 where TF1 took [0, 1)), so every parameter TF1 left at
its default is written out. Contrib's normal variance scaling (and `xavier_initializer(uniform=
False)`) drew from a normal truncated at two standard deviations with stddev sqrt(1.3 ·
factor / n); Keras's divides sqrt(scale / n) by 0.87962566103423978 instead, so its scale is
written as `factor * 1.3 * 0.87962566103423978 ** 2`, which gives the very same stddev. Seeds are
kept: the numbers differ from TF1's anyway, and `tf-migrate verify` aligns the variables.
`dtype=` goes: the layer or variable gives it."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import is_name, operand
from tf_migrate.programs.model import Argument, Constructor, SourceText

# TF 1.15 parameters (dtype and the rest dropped), Keras class, TF1 defaults to write out.
_TABLE: dict[str, tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]] = {
    "tf.zeros_initializer": (("dtype",), "Zeros", ()),
    "tf.ones_initializer": (("dtype",), "Ones", ()),
    "tf.constant_initializer": (("value", "dtype", "verify_shape"), "Constant",
                                (("value", "0"),)),
    "tf.random_normal_initializer": (("mean", "stddev", "seed", "dtype"), "RandomNormal",
                                     (("mean", "0.0"), ("stddev", "1.0"))),
    "tf.truncated_normal_initializer": (("mean", "stddev", "seed", "dtype"), "TruncatedNormal",
                                        (("mean", "0.0"), ("stddev", "1.0"))),
    "tf.random_uniform_initializer": (("minval", "maxval", "seed", "dtype"), "RandomUniform",
                                      (("minval", "0.0"), ("maxval", "1.0"))),
    "tf.glorot_uniform_initializer": (("seed", "dtype"), "GlorotUniform", ()),
    "tf.glorot_normal_initializer": (("seed", "dtype"), "GlorotNormal", ()),
    "tf.variance_scaling_initializer": (("scale", "mode", "distribution", "seed", "dtype"),
                                        "VarianceScaling",
                                        (("scale", "1.0"), ("mode", '"fan_in"'),
                                         ("distribution", '"truncated_normal"'))),
}
_KEPT = ("value", "mean", "stddev", "minval", "maxval", "seed", "scale", "mode", "distribution")
_CONTRIB = ("tf.contrib.layers.xavier_initializer",
            "tf.contrib.layers.variance_scaling_initializer")
_CONSTANT = frozenset({"tf.zeros_initializer", "tf.ones_initializer", "tf.constant_initializer"})
# Contrib's truncated normal against Keras's: the factor that makes their stddevs equal.
_CONTRIB_NORMAL = "1.3 * 0.87962566103423978 ** 2"


def known(name: str | None) -> bool:
    """A TF1 initializer this module maps."""
    return name in _TABLE or name in _CONTRIB


def constant(state: ProgramState, initializer: cst.BaseExpression | None) -> bool:
    """Whether the initializer draws nothing (zeros, ones, a constant); None is TF1's default,
    glorot_uniform."""
    if not isinstance(initializer, cst.Call):
        return False
    name = state.ctx.tf_name(initializer.func) or ""
    return name in _CONSTANT or name.split(".")[-1] in ("Zeros", "Ones", "Constant")


def keras_initializer(state: ProgramState, initializer: cst.BaseExpression) -> Argument | None:
    """The Keras initializer for a TF1 one, or None after blocking with the reason."""
    if isinstance(initializer, cst.Name) and initializer.value == "None":
        return initializer
    name = state.ctx.tf_name(initializer.func) if isinstance(initializer, cst.Call) else None
    keras = f"{state.keras}.initializers"
    if name is not None and ".keras.initializers." in f".{name}":
        return initializer  # already Keras's
    if isinstance(initializer, cst.Call) and name in _TABLE:
        params, keras_class, defaults = _TABLE[name]
        bound = bind_args(initializer, params)
        if bound is not None:
            keywords: list[tuple[str, Argument]] = []
            for key, default in defaults:
                keywords.append((key, bound.get(key, SourceText(default))))
            keywords += [(key, bound[key]) for key in _KEPT
                         if key in bound and key not in dict(defaults)]
            if name == "tf.random_uniform_initializer" and is_name(bound.get("maxval"), "None"):
                keywords = [(k, SourceText("1.0") if k == "maxval" else v) for k, v in keywords]
            if name == "tf.variance_scaling_initializer":
                keywords = [(k, _distribution(v) if k == "distribution" else v)
                            for k, v in keywords]
            return Constructor(f"{keras}.{keras_class}", tuple(keywords))
    if isinstance(initializer, cst.Call) and name in _CONTRIB:
        found = _contrib(state, initializer, name, keras)
        if found is not None:
            return found
    state.block(initializer, "the initializer is not one of TF1's own with a known Keras "
                             "equivalent (write it as a `tf.keras.initializers` object)")
    return None


def _contrib(state: ProgramState, call: cst.Call, name: str, keras: str) -> Constructor | None:
    xavier = name == "tf.contrib.layers.xavier_initializer"
    params = ("uniform", "seed", "dtype") if xavier else ("factor", "mode", "uniform", "seed",
                                                            "dtype")
    bound = bind_args(call, params)
    if bound is None:
        return None
    factor: Argument = bound.get("factor", SourceText("1.0" if xavier else "2.0"))
    mode = SourceText('"fan_avg"') if xavier else _lower(
        bound.get("mode", cst.SimpleString('"FAN_IN"')))
    uniform = bound.get("uniform")
    if uniform is not None and not is_name(uniform, "True", "False"):
        return None
    is_uniform = xavier if uniform is None else is_name(uniform, "True")
    if mode is None:
        return None
    seed: list[tuple[str, Argument]] = [("seed", bound["seed"])] if "seed" in bound else []
    if is_uniform and xavier:
        return Constructor(f"{keras}.GlorotUniform", tuple(seed))
    scale = factor if is_uniform else SourceText(f"{_factor(factor)} * {_CONTRIB_NORMAL}")
    distribution = '"uniform"' if is_uniform else '"truncated_normal"'
    return Constructor(f"{keras}.VarianceScaling", (
        ("scale", scale), ("mode", mode), ("distribution", SourceText(distribution)), *seed))


def _factor(value: Argument) -> str:
    """The factor's source, in parentheses unless a name or a number."""
    if isinstance(value, SourceText):
        return value.text
    assert isinstance(value, cst.BaseExpression)
    return operand(value)


def _lower(value: cst.BaseExpression) -> Argument | None:
    """`'FAN_AVG'` -> `"fan_avg"`: contrib's modes in Keras's spelling; only literals."""
    if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
        return SourceText(f'"{value.evaluated_value.lower()}"')
    return None


def _distribution(value: Argument) -> Argument:
    """TF1's "normal" meant a truncated normal; Keras spells it out."""
    if isinstance(value, cst.SimpleString) and value.evaluated_value == "normal":
        return SourceText('"truncated_normal"')
    return value

