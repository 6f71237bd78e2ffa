import numpy as np
import tensorflow as tf

BATCH, STEPS, FEATURES, UNITS = 4, 5, 3, 6
rng = np.random.RandomState(2)
inputs = rng.randn(BATCH, STEPS, FEATURES).astype(np.float32)
targets = rng.randn(BATCH, 1).astype(np.float32)


def glorot(inputs, gates):
    # TF1 draws one kernel for [input, state]: its glorot limit spans both.
    limit = float(np.sqrt(6.0 / (inputs + UNITS + gates * UNITS)))
    return tf.keras.initializers.RandomUniform(-limit, limit)


stack = tf.keras.layers.RNN(
    [
        tf.keras.layers.SimpleRNNCell(
            UNITS, kernel_initializer=glorot(FEATURES, 1), recurrent_initializer=glorot(FEATURES, 1)
        ),
        tf.keras.layers.LSTMCell(
            UNITS, kernel_initializer=glorot(UNITS, 4), recurrent_initializer=glorot(UNITS, 4)
        ),
    ],
    return_sequences=True,
    return_state=True,
)
dense = tf.keras.layers.Dense(1)
optimizer = tf.keras.optimizers.SGD(0.1)


def forward(x):
    outputs, (rnn_state,), _ = stack(x)
    return outputs, rnn_state, dense(outputs[:, -1])


losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        _, _, prediction = forward(inputs)
        loss = tf.reduce_mean(tf.square(prediction - targets))
    variables = stack.trainable_variables + dense.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    losses.append(float(loss))
final_outputs, final_rnn_state, _ = (value.numpy() for value in forward(inputs))
