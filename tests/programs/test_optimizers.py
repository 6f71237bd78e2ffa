"""The TF1 optimizer and learning-rate decay table: the Keras code each call becomes, the
mappings that are unsafe, and the calls it refuses. The numbers behind each claim come from
scripts/check_optimizer_table.py."""

from __future__ import annotations

import math

import libcst as cst
import pytest

from tf_migrate.programs.analyze.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    TOLERANCES,
    Mapped,
    Schedule,
    keras_optimizer,
    learning_rate_schedule,
    tf1_signature,
)
from tf_migrate.programs.emit.constructs import constructed
from tf_migrate.programs.model import Constructor


def code(node: cst.CSTNode | Constructor) -> str:
    """The source of a node, or of the call a constructor plan builds."""
    return cst.Module(body=[]).code_for_node(
        constructed(node) if isinstance(node, Constructor) else node)


def call_of(source: str) -> tuple[str, cst.Call]:
    call = cst.parse_expression(source)
    assert isinstance(call, cst.Call)
    return code(call.func), call


def optimizer(source: str, keras: str = "tf.keras", *, scheduled: bool = False) -> Mapped:
    mapped = keras_optimizer(*call_of(source), keras, scheduled=scheduled)
    assert isinstance(mapped, Mapped), mapped
    return mapped


def schedule(source: str, keras: str = "tf.keras") -> Schedule:
    built = learning_rate_schedule(*call_of(source), keras)
    assert isinstance(built, Schedule), built
    return built


SGD = "tf.keras.optimizers.SGD"
ADAM = "tf.keras.optimizers.Adam"
ADAGRAD = "tf.keras.optimizers.Adagrad"
RMSPROP = "tf.keras.optimizers.RMSprop"
FTRL = "tf.keras.optimizers.Ftrl"
ADADELTA = "tf.keras.optimizers.Adadelta"

# (TF1 call, the Keras call it becomes); safe with a constant learning rate unless listed in
# UNSAFE below.
SAFE = {
    "sgd-positional": (
        "tf.train.GradientDescentOptimizer(0.1)",
        f"{SGD}(learning_rate=0.1)",
    ),
    "sgd-keyword-locking-name": (
        "tf.train.GradientDescentOptimizer(use_locking=True, learning_rate=lr, name='gd')",
        f"{SGD}(learning_rate=lr, name='gd')",
    ),
    "sgd-all-positional": (
        "tf.train.GradientDescentOptimizer(base * 0.5, False, 'gd')",
        f"{SGD}(learning_rate=base * 0.5, name='gd')",
    ),
    "adam-defaults-explicit": (
        "tf.train.AdamOptimizer()",
        f"{ADAM}(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08)",
    ),
    "adam-positional": (
        "tf.train.AdamOptimizer(0.01, 0.8, 0.99, 1e-6, False, 'adam')",
        f"{ADAM}(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-6, name='adam')",
    ),
    "adam-keyword-any-order": (
        "tf.train.AdamOptimizer(epsilon=1e-4, learning_rate=0.01, beta2=0.9)",
        f"{ADAM}(learning_rate=0.01, beta_1=0.9, beta_2=0.9, epsilon=1e-4)",
    ),
    "momentum-positional": (
        "tf.train.MomentumOptimizer(0.1, 0.9)",
        f"{SGD}(learning_rate=0.1, momentum=0.9, nesterov=False)",
    ),
    "momentum-keyword-nesterov": (
        "tf.train.MomentumOptimizer(momentum=m, learning_rate=0.1, use_nesterov=True)",
        f"{SGD}(learning_rate=0.1, momentum=m, nesterov=True)",
    ),
    "momentum-all-positional": (
        "tf.train.MomentumOptimizer(0.1, 0.9, True, 'mom', True)",
        f"{SGD}(learning_rate=0.1, momentum=0.9, nesterov=True, name='mom')",
    ),
    "adagrad-positional": (
        "tf.train.AdagradOptimizer(0.1)",
        f"{ADAGRAD}(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=0.0)",
    ),
    "adagrad-keyword": (
        "tf.train.AdagradOptimizer(initial_accumulator_value=0.5, learning_rate=0.1)",
        f"{ADAGRAD}(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=0.0)",
    ),
    "ftrl-positional": (
        "tf.train.FtrlOptimizer(0.3, -0.7, 0.2, 0.01, 0.02)",
        f"{FTRL}(learning_rate=0.3, learning_rate_power=-0.7, initial_accumulator_value=0.2, "
        "l1_regularization_strength=0.01, l2_regularization_strength=0.02, "
        "l2_shrinkage_regularization_strength=0.0)",
    ),
    "ftrl-keyword-slot-names-dropped": (
        "tf.train.FtrlOptimizer(learning_rate=0.3, accum_name='a', linear_name='l', "
        "l2_shrinkage_regularization_strength=0.05)",
        f"{FTRL}(learning_rate=0.3, learning_rate_power=-0.5, initial_accumulator_value=0.1, "
        "l1_regularization_strength=0.0, l2_regularization_strength=0.0, "
        "l2_shrinkage_regularization_strength=0.05)",
    ),
    "adadelta-defaults-explicit": (
        "tf.train.AdadeltaOptimizer()",
        f"{ADADELTA}(learning_rate=0.001, rho=0.95, epsilon=1e-08)",
    ),
    "adadelta-positional": (
        "tf.train.AdadeltaOptimizer(1.0, 0.9, 1e-6)",
        f"{ADADELTA}(learning_rate=1.0, rho=0.9, epsilon=1e-6)",
    ),
    "adadelta-keyword": (
        "tf.train.AdadeltaOptimizer(rho=0.9, learning_rate=1.0)",
        f"{ADADELTA}(learning_rate=1.0, rho=0.9, epsilon=1e-08)",
    ),
    "proximal-gd-positional": (
        "tf.train.ProximalGradientDescentOptimizer(0.1)",
        f"{SGD}(learning_rate=0.1)",
    ),
    "proximal-gd-zero-regularization": (
        "tf.train.ProximalGradientDescentOptimizer(0.1, 0.0, l2_regularization_strength=0.0)",
        f"{SGD}(learning_rate=0.1)",
    ),
    "proximal-adagrad-positional": (
        "tf.train.ProximalAdagradOptimizer(0.1, 0.5)",
        f"{ADAGRAD}(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=0.0)",
    ),
    "proximal-adagrad-keyword": (
        "tf.train.ProximalAdagradOptimizer(learning_rate=0.1, l1_regularization_strength=0)",
        f"{ADAGRAD}(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=0.0)",
    ),
}


@pytest.mark.parametrize(("source", "expected"), SAFE.values(), ids=SAFE.keys())
def test_safe_mapping(source: str, expected: str) -> None:
    mapped = optimizer(source)
    assert code(mapped.constructor) == expected
    assert mapped.safe and mapped.reason is None
    name = call_of(source)[0]
    if name in TOLERANCES:
        assert mapped.tolerance is not None and "float32" in mapped.tolerance
    else:
        assert mapped.tolerance is None


def test_only_plain_descent_is_bitwise() -> None:
    bitwise = OPTIMIZERS - set(TOLERANCES) - {"tf.train.RMSPropOptimizer"}
    assert bitwise == {
        "tf.train.GradientDescentOptimizer",
        "tf.train.ProximalGradientDescentOptimizer",
    }
    adam = optimizer("tf.train.AdamOptimizer(0.1)").tolerance
    assert adam is not None and "5e-05 + 0.0001·|value| over 150 steps" in adam


UNSAFE = {
    "rmsprop-positional": (
        "tf.train.RMSPropOptimizer(0.01, 0.95, 0.5, 1e-6)",
        f"{RMSPROP}(learning_rate=0.01, rho=0.95, momentum=0.5, epsilon=1e-6, centered=False)",
    ),
    "rmsprop-keyword-centered": (
        "tf.train.RMSPropOptimizer(centered=True, learning_rate=0.01, name='rms')",
        f"{RMSPROP}(learning_rate=0.01, rho=0.9, momentum=0.0, epsilon=1e-10, centered=True, "
        "name='rms')",
    ),
}


@pytest.mark.parametrize(("source", "expected"), UNSAFE.values(), ids=UNSAFE.keys())
def test_rmsprop_is_mapped_closely_but_unsafe(source: str, expected: str) -> None:
    for scheduled in (False, True):
        mapped = optimizer(source, scheduled=scheduled)
        assert code(mapped.constructor) == expected
        assert not mapped.safe and mapped.tolerance is None
        assert mapped.reason is not None
        assert "mean-square slot at 1.0" in mapped.reason
        assert "epsilon inside the square root" in mapped.reason


@pytest.mark.parametrize(
    "source",
    [
        "tf.train.MomentumOptimizer(lr, 0.9)",
        "tf.train.MomentumOptimizer(momentum=0.9, learning_rate=lr)",
    ],
)
def test_momentum_is_unsafe_only_under_a_schedule(source: str) -> None:
    constant = optimizer(source)
    assert constant.safe and constant.tolerance is not None
    scheduled = optimizer(source, scheduled=True)
    assert code(scheduled.constructor) == f"{SGD}(learning_rate=lr, momentum=0.9, nesterov=False)"
    assert not scheduled.safe and scheduled.tolerance is None
    assert scheduled.reason is not None and "a changing learning rate" in scheduled.reason


@pytest.mark.parametrize(
    "name",
    sorted(OPTIMIZERS - {"tf.train.MomentumOptimizer", "tf.train.RMSPropOptimizer"}),
)
def test_other_optimizers_stay_safe_under_a_schedule(name: str) -> None:
    assert optimizer(f"{name}(lr)", scheduled=True).safe


@pytest.mark.parametrize(
    ("keras", "expected"),
    [
        ("tf.keras", "tf.keras.optimizers.SGD(learning_rate=0.1)"),
        ("keras", "keras.optimizers.SGD(learning_rate=0.1)"),
        ("tensorflow.keras", "tensorflow.keras.optimizers.SGD(learning_rate=0.1)"),
    ],
)
def test_keras_spelling(keras: str, expected: str) -> None:
    assert code(optimizer("tf.train.GradientDescentOptimizer(0.1)", keras).constructor) == expected
    decay = schedule("tf.train.cosine_decay(0.1, step, 10)", keras)
    assert code(decay.constructor).startswith(f"{keras}.optimizers.schedules.CosineDecay(")


def test_a_keras_spelling_that_is_no_dotted_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a dotted name"):
        keras_optimizer(*call_of("tf.train.AdamOptimizer()"), "tf keras", scheduled=False)


OPTIMIZER_REFUSALS = {
    "star-args": (
        "tf.train.AdamOptimizer(*args)",
        "`*args`/`**kwargs` hide which parameters `tf.train.AdamOptimizer` receives",
    ),
    "star-kwargs": (
        "tf.train.MomentumOptimizer(0.1, **settings)",
        "`*args`/`**kwargs` hide which parameters `tf.train.MomentumOptimizer` receives",
    ),
    "keras-keyword": (
        "tf.train.AdamOptimizer(0.1, beta_1=0.9)",
        "`beta_1=` is not a parameter of `tf.train.AdamOptimizer` in TF 1.15",
    ),
    "decay-keyword": (
        "tf.train.GradientDescentOptimizer(0.1, decay=0.9)",
        "`decay=` is not a parameter of `tf.train.GradientDescentOptimizer` in TF 1.15",
    ),
    "too-many-positional": (
        "tf.train.GradientDescentOptimizer(0.1, False, 'gd', 1)",
        "`tf.train.GradientDescentOptimizer` takes at most 3 positional arguments",
    ),
    "missing-learning-rate": (
        "tf.train.GradientDescentOptimizer()",
        "`tf.train.GradientDescentOptimizer` is called without its required `learning_rate`",
    ),
    "missing-momentum": (
        "tf.train.MomentumOptimizer(0.1)",
        "`tf.train.MomentumOptimizer` is called without its required `momentum`",
    ),
    "positional-and-keyword": (
        "tf.train.AdagradOptimizer(0.1, learning_rate=0.2)",
        "`tf.train.AdagradOptimizer` receives `learning_rate` twice",
    ),
    "proximal-l1": (
        "tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01)",
        "no Keras optimizer applies the proximal step of "
        "`tf.train.ProximalGradientDescentOptimizer`: only a zero `l1_regularization_strength` "
        "maps to Keras SGD",
    ),
    "proximal-l2-unknown-value": (
        "tf.train.ProximalAdagradOptimizer(0.1, 0.1, 0.0, l2)",
        "no Keras optimizer applies the proximal step of `tf.train.ProximalAdagradOptimizer`: "
        "only a zero `l2_regularization_strength` maps to Keras Adagrad",
    ),
    "adagrad-da": (
        "tf.train.AdagradDAOptimizer(0.1, step)",
        "no Keras optimizer runs AdagradDA's dual-averaging update",
    ),
    "base-class": (
        "tf.train.Optimizer(False, 'mine')",
        "`tf.train.Optimizer` is not in tf-migrate's optimizer table",
    ),
    "contrib": (
        "tf.contrib.opt.AdamWOptimizer(1e-4, 1e-3)",
        "`tf.contrib.opt.AdamWOptimizer` is not in tf-migrate's optimizer table",
    ),
}


@pytest.mark.parametrize(
    ("source", "reason"), OPTIMIZER_REFUSALS.values(), ids=OPTIMIZER_REFUSALS.keys()
)
def test_optimizer_refusal(source: str, reason: str) -> None:
    assert keras_optimizer(*call_of(source), "tf.keras", scheduled=False) == reason


DECAY = "tf.keras.optimizers.schedules"
# (TF1 call, the Keras schedule, the global step expression)
SCHEDULE_CASES = {
    "exponential-positional": (
        "tf.train.exponential_decay(0.1, step, 100, 0.96, True)",
        f"{DECAY}.ExponentialDecay(initial_learning_rate=0.1, decay_steps=100, decay_rate=0.96, "
        "staircase=True)",
        "step",
    ),
    "exponential-keyword-name-dropped": (
        "tf.train.exponential_decay(global_step=gs, decay_rate=0.5, learning_rate=lr, "
        "decay_steps=10, name='decay')",
        f"{DECAY}.ExponentialDecay(initial_learning_rate=lr, decay_steps=10, decay_rate=0.5, "
        "staircase=False)",
        "gs",
    ),
    "natural-exp-positional": (
        "tf.train.natural_exp_decay(0.1, step, 20, 0.5, True)",
        f"{DECAY}.ExponentialDecay(initial_learning_rate=0.1, decay_steps=20, "
        f"decay_rate={math.exp(-0.5)!r}, staircase=True)",
        "step",
    ),
    "natural-exp-keyword-negative": (
        "tf.train.natural_exp_decay(learning_rate=0.1, global_step=model.step, decay_steps=5, "
        "decay_rate=-1)",
        f"{DECAY}.ExponentialDecay(initial_learning_rate=0.1, decay_steps=5, "
        f"decay_rate={math.e!r}, staircase=False)",
        "model.step",
    ),
    "inverse-time-positional": (
        "tf.train.inverse_time_decay(0.1, step, 10, 0.5)",
        f"{DECAY}.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, "
        "staircase=False)",
        "step",
    ),
    "inverse-time-keyword": (
        "tf.train.inverse_time_decay(0.1, step, decay_rate=0.5, staircase=True, decay_steps=10)",
        f"{DECAY}.InverseTimeDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, "
        "staircase=True)",
        "step",
    ),
    "piecewise-positional": (
        "tf.train.piecewise_constant(step, [100, 200], [1.0, 0.5, 0.1])",
        f"{DECAY}.PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])",
        "step",
    ),
    "piecewise-keyword": (
        "tf.train.piecewise_constant(values=rates, x=tf.train.get_global_step(), boundaries=b)",
        f"{DECAY}.PiecewiseConstantDecay(boundaries=b, values=rates)",
        "tf.train.get_global_step()",
    ),
    "piecewise-decay-alias": (
        "tf.train.piecewise_constant_decay(step, [100], [1.0, 0.5])",
        f"{DECAY}.PiecewiseConstantDecay(boundaries=[100], values=[1.0, 0.5])",
        "step",
    ),
    "polynomial-defaults-explicit": (
        "tf.train.polynomial_decay(0.1, step, 100)",
        f"{DECAY}.PolynomialDecay(initial_learning_rate=0.1, decay_steps=100, "
        "end_learning_rate=0.0001, power=1.0, cycle=False)",
        "step",
    ),
    "polynomial-positional": (
        "tf.train.polynomial_decay(0.1, step, 40, 0.001, 0.5, True)",
        f"{DECAY}.PolynomialDecay(initial_learning_rate=0.1, decay_steps=40, "
        "end_learning_rate=0.001, power=0.5, cycle=True)",
        "step",
    ),
    "polynomial-keyword": (
        "tf.train.polynomial_decay(0.1, step, 40, cycle=True, power=2.0)",
        f"{DECAY}.PolynomialDecay(initial_learning_rate=0.1, decay_steps=40, "
        "end_learning_rate=0.0001, power=2.0, cycle=True)",
        "step",
    ),
    "cosine-positional": (
        "tf.train.cosine_decay(0.1, step, 100, 0.05)",
        f"{DECAY}.CosineDecay(initial_learning_rate=0.1, decay_steps=100, alpha=0.05)",
        "step",
    ),
    "cosine-keyword": (
        "tf.train.cosine_decay(decay_steps=100, global_step=step, learning_rate=0.1)",
        f"{DECAY}.CosineDecay(initial_learning_rate=0.1, decay_steps=100, alpha=0.0)",
        "step",
    ),
    "cosine-restarts-positional": (
        "tf.train.cosine_decay_restarts(0.1, step, 20, 1.5, 0.8, 0.01)",
        f"{DECAY}.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=20, "
        "t_mul=1.5, m_mul=0.8, alpha=0.01)",
        "step",
    ),
    "cosine-restarts-keyword": (
        "tf.train.cosine_decay_restarts(0.1, step, first_decay_steps=20, alpha=0.01)",
        f"{DECAY}.CosineDecayRestarts(initial_learning_rate=0.1, first_decay_steps=20, "
        "t_mul=2.0, m_mul=1.0, alpha=0.01)",
        "step",
    ),
}


@pytest.mark.parametrize(
    ("source", "expected", "step"), SCHEDULE_CASES.values(), ids=SCHEDULE_CASES.keys()
)
def test_schedule(source: str, expected: str, step: str) -> None:
    built = schedule(source)
    assert code(built.constructor) == expected
    assert code(built.global_step) == step


SCHEDULE_REFUSALS = {
    "natural-exp-rate-not-literal": (
        "tf.train.natural_exp_decay(0.1, step, 20, rate)",
        "`tf.train.natural_exp_decay` maps to ExponentialDecay(decay_rate=exp(-decay_rate)) "
        "only when `decay_rate` is a number literal",
    ),
    "global-step-none": (
        "tf.train.exponential_decay(0.1, None, 100, 0.9)",
        "`tf.train.exponential_decay` needs a global step, and this call passes None",
    ),
    "global-step-missing": (
        "tf.train.cosine_decay(0.1, decay_steps=100)",
        "`tf.train.cosine_decay` is called without its required `global_step`",
    ),
    "keras-keyword": (
        "tf.train.exponential_decay(initial_learning_rate=0.1, global_step=s, decay_steps=1, "
        "decay_rate=0.9)",
        "`initial_learning_rate=` is not a parameter of `tf.train.exponential_decay` in TF 1.15",
    ),
    "star-kwargs": (
        "tf.train.polynomial_decay(0.1, step, **options)",
        "`*args`/`**kwargs` hide which parameters `tf.train.polynomial_decay` receives",
    ),
    "linear-cosine": (
        "tf.train.linear_cosine_decay(0.1, step, 100)",
        "no Keras schedule computes `tf.train.linear_cosine_decay`",
    ),
}


@pytest.mark.parametrize(
    ("source", "reason"), SCHEDULE_REFUSALS.values(), ids=SCHEDULE_REFUSALS.keys()
)
def test_schedule_refusal(source: str, reason: str) -> None:
    assert learning_rate_schedule(*call_of(source), "tf.keras") == reason


def test_table_names() -> None:
    assert {
        "tf.train.GradientDescentOptimizer",
        "tf.train.AdamOptimizer",
        "tf.train.MomentumOptimizer",
        "tf.train.AdagradOptimizer",
        "tf.train.RMSPropOptimizer",
        "tf.train.FtrlOptimizer",
        "tf.train.AdadeltaOptimizer",
        "tf.train.ProximalGradientDescentOptimizer",
        "tf.train.ProximalAdagradOptimizer",
    } == OPTIMIZERS
    assert {
        "tf.train.exponential_decay",
        "tf.train.natural_exp_decay",
        "tf.train.inverse_time_decay",
        "tf.train.piecewise_constant",
        "tf.train.piecewise_constant_decay",
        "tf.train.polynomial_decay",
        "tf.train.cosine_decay",
        "tf.train.cosine_decay_restarts",
    } == SCHEDULES


def test_tf1_signature_is_what_binding_uses() -> None:
    assert tf1_signature("tf.train.MomentumOptimizer") == (
        "learning_rate, momentum, use_locking=False, name='Momentum', use_nesterov=False"
    )
    assert tf1_signature("tf.train.AdagradDAOptimizer") is None
    # The fifth positional argument of Momentum is use_nesterov, as in TF 1.15.
    mapped = optimizer("tf.train.MomentumOptimizer(0.1, 0.9, False, 'm', True)")
    assert "nesterov=True" in code(mapped.constructor)


def test_no_keras_optimizer_gets_decay() -> None:
    for name in sorted(OPTIMIZERS):
        source = f"{name}(0.1)" if name != "tf.train.MomentumOptimizer" else f"{name}(0.1, 0.9)"
        assert "decay=" not in code(optimizer(source).constructor)
