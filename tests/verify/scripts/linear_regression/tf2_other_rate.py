"""The TF 2 regression with another learning rate: not what the TF1 script computes."""

import numpy as np
import tensorflow as tf

trX = np.linspace(-1, 1, 101)
trY = 2 * trX + np.random.randn(*trX.shape) * 0.33

w = tf.Variable(0.0, name="weights")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.02)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        cost = tf.square(y - tf.multiply(x, w))
    optimizer.apply_gradients([(tape.gradient(cost, w), w)])


for epoch in range(20):
    for x, y in zip(trX, trY, strict=True):
        train_step(tf.constant(x, tf.float32), tf.constant(y, tf.float32))
    print("epoch", epoch, "w", w.numpy())
