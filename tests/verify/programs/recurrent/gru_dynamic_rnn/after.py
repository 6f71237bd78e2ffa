import numpy as np
import tensorflow as tf

BATCH, STEPS, FEATURES, UNITS = 4, 6, 3, 5
rng = np.random.RandomState(1)
inputs = rng.randn(BATCH, STEPS, FEATURES).astype(np.float32)
lengths = np.array([6, 3, 5, 1], dtype=np.int32)
targets = rng.randn(BATCH, 1).astype(np.float32)

# TF1's GRUCell draws its gates kernel [input + state, 2 units] and its candidate kernel
# [input + state, units] glorot-uniform, each with its own limit; Keras holds the gates (z, r)
# and the candidate (h) side by side, so each block gets its TF1 limit.
LIMITS = np.repeat(
    [
        np.sqrt(6.0 / (FEATURES + UNITS + 2 * UNITS)),
        np.sqrt(6.0 / (FEATURES + UNITS + 2 * UNITS)),
        np.sqrt(6.0 / (FEATURES + UNITS + UNITS)),
    ],
    UNITS,
).astype(np.float32)


def gru_kernel(shape, dtype=None):
    return tf.random.uniform(shape, -1.0, 1.0, dtype=dtype) * LIMITS


def gru_bias(shape, dtype=None):
    # TF1's gates bias starts at 1.0, its candidate bias at 0.
    return tf.constant(np.repeat([1.0, 1.0, 0.0], UNITS), dtype=dtype)


gru = tf.keras.layers.GRU(
    UNITS,
    reset_after=False,
    return_sequences=True,
    return_state=True,
    zero_output_for_mask=True,
    kernel_initializer=gru_kernel,
    recurrent_initializer=gru_kernel,
    bias_initializer=gru_bias,
)
dropout = tf.keras.layers.Dropout(0.2)
dense = tf.keras.layers.Dense(1)
# Built before the first dropout mask is drawn, as TF1 initialises all variables first.
gru.build((None, STEPS, FEATURES))
dense.build((None, UNITS))
optimizer = tf.keras.optimizers.SGD(0.1)


def forward(x, length, training):
    outputs, state = gru(x, mask=tf.sequence_mask(length, STEPS))
    return outputs, state, dense(dropout(state, training=training))


losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        _, _, prediction = forward(inputs, lengths, True)
        loss = tf.reduce_mean(tf.square(prediction - targets))
    variables = gru.trainable_variables + dense.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    losses.append(float(loss))
final_outputs, final_state, _ = (value.numpy() for value in forward(inputs, lengths, False))
