"""TF2: the same program."""
import numpy as np
import tensorflow as tf

x = np.linspace(-1.0, 1.0, 32, dtype=np.float32).reshape(16, 2)
w = tf.Variable(tf.random.normal([2, 4]), name="w")
v = tf.Variable(tf.random.uniform([4, 1]), name="v")
losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(tf.tanh(tf.matmul(x, w)), v) ** 2)
    dw, dv = tape.gradient(loss, [w, v])
    w.assign_sub(0.01 * dw)
    v.assign_sub(0.01 * dv)
    losses.append(loss.numpy())
