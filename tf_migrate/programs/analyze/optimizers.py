"""The Keras optimizer and learning-rate schedule that run a TF1 optimizer's algorithm.

A table for the training rewrite: given a `tf.train.*Optimizer(...)` or `tf.train.*_decay(...)`
call as the user wrote it, decide the TF2 constructor call (a model.Constructor plan, built by
emit/constructs.py): the Keras class, which keyword gets which TF1 argument, default or fixed
value, whether the mapping is safe and within which tolerance. Arguments are bound against the
TF 1.15 signatures (so positional arguments work) and every hyper-parameter is passed to Keras
by keyword with TF1's default made explicit, because several Keras defaults differ (Adam's and
Adadelta's epsilon, Adagrad's epsilon). A mapping is safe only where Keras runs the same
algorithm; scripts/check_optimizer_table.py runs each mapping on TF 1.15 and TF 2.21, checks the
claims and the signatures below against TF 1.15.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from tf_migrate.cst.arguments import ArgumentMismatch, bind
from tf_migrate.cst.code import code
from tf_migrate.programs.model import Argument, ArgumentList, Constructor, SourceText

# TF1 parameters that change nothing in a single-process TF2 program: locking (one thread
# updates a variable at a time in a GradientTape step), and slot names (checkpoint keys only).
_DROPPED = frozenset({"use_locking", "accum_name", "linear_name"})


@dataclass(frozen=True)
class Mapped:
    constructor: Constructor  # the Keras optimizer
    safe: bool  # False -> the rewrite becomes an unsafe fix
    reason: str | None  # why unsafe (when not safe); or None
    tolerance: str | None  # stated float32 difference for safe-but-not-bitwise mappings


@dataclass(frozen=True)
class Schedule:
    constructor: Constructor  # the Keras schedule to pass as the optimizer's learning_rate
    global_step: cst.BaseExpression  # what the TF1 call passed as global_step


@dataclass(frozen=True)
class _Entry:
    signature: str  # TF 1.15's parameters, as inspect.signature prints them (without self)
    keras: str  # the Keras class, under optimizers. or optimizers.schedules.
    keywords: str  # "keras_keyword=tf1_parameter" (or "same_name"), comma-separated
    fixed: str = ""  # "keras_keyword=value" that TF1's algorithm implies
    tolerance: tuple[float, float] | None = None  # (atol, rtol) when not bitwise equal
    unsafe: str | None = None  # why Keras never gives TF1's numbers
    unsafe_scheduled: str | None = None  # why a changing learning rate breaks the equality
    zero: tuple[str, ...] = ()  # parameters that must be absent or literally 0 to map
    step: str = "global_step"  # a schedule's step parameter
    exp_of_negative: str | None = None  # a schedule parameter passed as exp(-value)


_RMSPROP = (
    "TF1's RMSProp starts its mean-square slot at 1.0 and adds epsilon inside the square "
    "root; Keras RMSprop starts it at 0 and adds epsilon outside, and no setting makes them equal"
)
_MOMENTUM_SCHEDULED = (
    "TF1's Momentum keeps the raw gradient accumulator and multiplies it by the current "
    "learning rate, Keras SGD keeps -learning_rate * accumulator, so a changing learning rate "
    "changes the updates"
)
_L1_L2 = "l1_regularization_strength=0.0, l2_regularization_strength=0.0"
_PROXIMAL = ("l1_regularization_strength", "l2_regularization_strength")

_OPTIMIZERS: dict[str, _Entry] = {
    "tf.train.GradientDescentOptimizer": _Entry(
        "learning_rate, use_locking=False, name='GradientDescent'", "SGD", "learning_rate"
    ),
    "tf.train.AdamOptimizer": _Entry(
        "learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, "
        "name='Adam'",
        "Adam",
        "learning_rate, beta_1=beta1, beta_2=beta2, epsilon",
        # TF1 computes 1 - beta in float32 and keeps beta^t as a running product; Keras computes
        # 1 - beta in float64 and pow(beta, t): ~1e-5 after 150 steps.
        tolerance=(5e-5, 1e-4),
    ),
    "tf.train.MomentumOptimizer": _Entry(
        "learning_rate, momentum, use_locking=False, name='Momentum', use_nesterov=False",
        "SGD",
        "learning_rate, momentum, nesterov=use_nesterov",
        tolerance=(5e-6, 1e-5),
        unsafe_scheduled=_MOMENTUM_SCHEDULED,
    ),
    "tf.train.AdagradOptimizer": _Entry(
        "learning_rate, initial_accumulator_value=0.1, use_locking=False, name='Adagrad'",
        "Adagrad",
        "learning_rate, initial_accumulator_value",
        fixed="epsilon=0.0",  # TF1's update has no epsilon
        tolerance=(2e-6, 1e-5),
    ),
    "tf.train.RMSPropOptimizer": _Entry(
        "learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, "
        "centered=False, name='RMSProp'",
        "RMSprop",
        "learning_rate, rho=decay, momentum, epsilon, centered",
        unsafe=_RMSPROP,
    ),
    "tf.train.FtrlOptimizer": _Entry(
        f"learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1, {_L1_L2}, "
        "use_locking=False, name='Ftrl', accum_name=None, linear_name=None, "
        "l2_shrinkage_regularization_strength=0.0",
        "Ftrl",
        "learning_rate, learning_rate_power, initial_accumulator_value, "
        "l1_regularization_strength, l2_regularization_strength, "
        "l2_shrinkage_regularization_strength",
        tolerance=(2e-6, 1e-5),
    ),
    "tf.train.AdadeltaOptimizer": _Entry(
        "learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, name='Adadelta'",
        "Adadelta",
        "learning_rate, rho, epsilon",
        tolerance=(2e-6, 1e-5),
    ),
    # Without regularization the proximal step is the identity: plain SGD and Adagrad.
    "tf.train.ProximalGradientDescentOptimizer": _Entry(
        f"learning_rate, {_L1_L2}, use_locking=False, name='ProximalGradientDescent'",
        "SGD",
        "learning_rate",
        zero=_PROXIMAL,
    ),
    "tf.train.ProximalAdagradOptimizer": _Entry(
        f"learning_rate, initial_accumulator_value=0.1, {_L1_L2}, use_locking=False, "
        "name='ProximalAdagrad'",
        "Adagrad",
        "learning_rate, initial_accumulator_value",
        fixed="epsilon=0.0",
        tolerance=(2e-6, 1e-5),
        zero=_PROXIMAL,
    ),
}
_NO_KERAS = {
    "tf.train.AdagradDAOptimizer": "no Keras optimizer runs AdagradDA's dual-averaging update",
}

_DECAY = "learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None"
_DECAY_KEYWORDS = "initial_learning_rate=learning_rate, decay_steps, decay_rate, staircase"
_PIECEWISE = _Entry(
    "x, boundaries, values, name=None", "PiecewiseConstantDecay", "boundaries, values", step="x"
)
_SCHEDULES: dict[str, _Entry] = {
    "tf.train.exponential_decay": _Entry(_DECAY, "ExponentialDecay", _DECAY_KEYWORDS),
    # lr * exp(-rate * p) == lr * exp(-rate) ** p: the rate folded into a literal.
    "tf.train.natural_exp_decay": _Entry(
        _DECAY, "ExponentialDecay", _DECAY_KEYWORDS, exp_of_negative="decay_rate"
    ),
    "tf.train.inverse_time_decay": _Entry(_DECAY, "InverseTimeDecay", _DECAY_KEYWORDS),
    "tf.train.piecewise_constant": _PIECEWISE,
    "tf.train.piecewise_constant_decay": _PIECEWISE,
    "tf.train.polynomial_decay": _Entry(
        "learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0, "
        "cycle=False, name=None",
        "PolynomialDecay",
        "initial_learning_rate=learning_rate, decay_steps, end_learning_rate, power, cycle",
    ),
    "tf.train.cosine_decay": _Entry(
        "learning_rate, global_step, decay_steps, alpha=0.0, name=None",
        "CosineDecay",
        "initial_learning_rate=learning_rate, decay_steps, alpha",
    ),
    "tf.train.cosine_decay_restarts": _Entry(
        "learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None",
        "CosineDecayRestarts",
        "initial_learning_rate=learning_rate, first_decay_steps, t_mul, m_mul, alpha",
    ),
}

OPTIMIZERS: frozenset[str] = frozenset(_OPTIMIZERS)
SCHEDULES: frozenset[str] = frozenset(_SCHEDULES)
# (atol, rtol) of the safe mappings that are not bitwise equal to TF1 given the same gradients:
# the largest difference of order-1 variables seen over 150 steps, with a margin. The others are
# bitwise equal.
TOLERANCES: Mapping[str, tuple[float, float]] = {
    name: entry.tolerance for name, entry in _OPTIMIZERS.items() if entry.tolerance is not None
}


def keras_optimizer(tf_name: str, call: cst.Call, keras: str, *, scheduled: bool,
                    schedules: Mapping[int, Constructor] | None = None) -> Mapped | str:
    """The Keras optimizer for the TF1 optimizer call `call` (named `tf_name`), spelled with the
    `keras` prefix, or a sentence saying why there is none. `scheduled`: the learning rate
    changes between steps (a decay schedule). `schedules`: the Keras schedules that replace
    arguments of `call` (by the argument's id), inline `tf.train.*_decay(...)` calls."""
    entry = _OPTIMIZERS.get(tf_name)
    if entry is None:
        return _NO_KERAS.get(tf_name, f"`{tf_name}` is not in tf-migrate's optimizer table")
    bound = _bind(tf_name, call, entry.signature)
    if isinstance(bound, str):
        return bound
    replaced = schedules or {}
    given: dict[str, Argument] = {key: replaced.get(id(value), value)
                                  for key, value in bound.items()}
    for param in entry.zero:
        if param in given and _number(given[param]) != 0:
            return (
                f"no Keras optimizer applies the proximal step of `{tf_name}`: only a zero "
                f"`{param}` maps to Keras {entry.keras}"
            )
    keywords = [(k, _value(given, entry.signature, p)) for k, p in _pairs(entry.keywords)]
    keywords += [(k, SourceText(v)) for k, v in _pairs(entry.fixed)]
    if "name" in given:
        keywords.append(("name", given["name"]))
    built = Constructor(f"{_prefix(keras)}.optimizers.{entry.keras}", tuple(keywords))
    reason = entry.unsafe or (entry.unsafe_scheduled if scheduled else None)
    if reason is not None:
        return Mapped(built, safe=False, reason=reason, tolerance=None)
    return Mapped(built, safe=True, reason=None, tolerance=_tolerance_text(entry.tolerance))


def learning_rate_schedule(tf_name: str, call: cst.Call, keras: str) -> Schedule | str:
    """The Keras schedule for the TF1 decay call `call` (named `tf_name`) and the step it read,
    or a sentence saying why there is none."""
    entry = _SCHEDULES.get(tf_name)
    if entry is None:
        return f"no Keras schedule computes `{tf_name}`"
    given = _bind(tf_name, call, entry.signature)
    if isinstance(given, str):
        return given
    step = given[entry.step]
    if isinstance(step, cst.Name) and step.value == "None":
        return f"`{tf_name}` needs a global step, and this call passes None"
    keywords: list[tuple[str, Argument]] = []
    for keyword, param in _pairs(entry.keywords):
        value = _value(given, entry.signature, param)
        if param == entry.exp_of_negative:
            number = _number(value)
            if number is None:
                return (
                    f"`{tf_name}` maps to ExponentialDecay(decay_rate=exp(-{param})) only "
                    f"when `{param}` is a number literal"
                )
            value = SourceText(repr(math.exp(-number)))
        keywords.append((keyword, value))
    path = f"{_prefix(keras)}.optimizers.schedules.{entry.keras}"
    return Schedule(Constructor(path, tuple(keywords)), global_step=step)


def tf1_signature(tf_name: str) -> str | None:
    """The TF 1.15 parameters the table binds a call of `tf_name` against, without `self`, as
    `inspect.signature` prints them; None for a name not in the table."""
    entry = _OPTIMIZERS.get(tf_name) or _SCHEDULES.get(tf_name)
    return None if entry is None else entry.signature


def _parameters(signature: str) -> dict[str, str | None]:
    """Parameter -> default source (None when required), in order."""
    function = ast.parse(f"def f({signature}): pass").body[0]
    assert isinstance(function, ast.FunctionDef)
    names = [arg.arg for arg in function.args.args]
    defaults: list[str | None] = [None] * (len(names) - len(function.args.defaults))
    defaults += [ast.unparse(default) for default in function.args.defaults]
    return dict(zip(names, defaults, strict=True))


def _pairs(spec: str) -> list[tuple[str, str]]:
    """`"a=b, c"` -> [("a", "b"), ("c", "c")]."""
    pairs = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, _, value = item.partition("=")
        pairs.append((key, value or key))
    return pairs


def _bind(tf_name: str, call: cst.Call, signature: str) -> dict[str, cst.BaseExpression] | str:
    """The arguments by TF1 parameter name, as Python would bind them, or why they cannot be."""
    params = _parameters(signature)
    try:
        given = bind(call, list(params))
    except ArgumentMismatch as mismatch:
        return {
            "star": f"`*args`/`**kwargs` hide which parameters `{tf_name}` receives",
            "positional": f"`{tf_name}` takes at most {len(params)} positional arguments",
            "keyword": f"`{mismatch.parameter}=` is not a parameter of `{tf_name}` in TF 1.15",
            "twice": f"`{tf_name}` receives `{mismatch.parameter}` twice",
        }[mismatch.kind]
    missing = [name for name, default in params.items() if default is None and name not in given]
    if missing:
        return f"`{tf_name}` is called without its required `{missing[0]}`"
    return {name: value for name, value in given.items() if name not in _DROPPED}


def _value(given: Mapping[str, Argument], signature: str, param: str) -> Argument:
    """The argument for `param`, or TF1's default for it."""
    if param in given:
        return given[param]
    default = _parameters(signature)[param]
    assert default is not None, f"the required {param} is bound"
    return SourceText(default)


def _number(argument: Argument) -> float | None:
    """The value of a number literal (`0.5`, `-1e-3`, `2`), else None."""
    if isinstance(argument, Constructor | ArgumentList):
        return None
    text = argument.text if isinstance(argument, SourceText) else code(argument)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _prefix(keras: str) -> str:
    if not all(part.isidentifier() for part in keras.split(".")):
        raise ValueError(f"not a dotted name for Keras: {keras!r}")
    return keras


def _tolerance_text(tolerance: tuple[float, float] | None) -> str | None:
    if tolerance is None:
        return None
    atol, rtol = tolerance
    return (
        f"the same algorithm, but float32 rounding differs from TF1's: the variables differ by "
        f"up to {atol:g} + {rtol:g}·|value| over 150 steps"
    )
