import numpy as np
import tensorflow as tf

BATCH, STEPS, FEATURES, UNITS = 4, 6, 3, 5
rng = np.random.RandomState(0)
inputs = rng.randn(BATCH, STEPS, FEATURES).astype(np.float32)
lengths = np.array([6, 4, 5, 2], dtype=np.int32)
targets = rng.randn(BATCH, 1).astype(np.float32)

# A wrong migration: normal kernels with ten times TF1's glorot-uniform spread.
lstm = tf.keras.layers.LSTM(
    UNITS,
    return_sequences=True,
    return_state=True,
    zero_output_for_mask=True,
    kernel_initializer=tf.keras.initializers.RandomNormal(stddev=3.0),
    recurrent_initializer=tf.keras.initializers.RandomNormal(stddev=3.0),
)
dense = tf.keras.layers.Dense(1)
optimizer = tf.keras.optimizers.SGD(0.1)


def forward(x, length):
    outputs, h, c = lstm(x, mask=tf.sequence_mask(length, STEPS))
    return outputs, c, dense(h)


losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        _, _, prediction = forward(inputs, lengths)
        loss = tf.reduce_mean(tf.square(prediction - targets))
    variables = lstm.trainable_variables + dense.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
    losses.append(float(loss))
final_outputs, final_c, _ = (value.numpy() for value in forward(inputs, lengths))
