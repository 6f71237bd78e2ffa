"""TF1 eager: tf.contrib.eager.Variable with unseeded random initial values, trained a few steps."""
import numpy as np
import tensorflow as tf

tf.enable_eager_execution()
tfe = tf.contrib.eager

x = np.linspace(-1.0, 1.0, 32, dtype=np.float32).reshape(16, 2)
w = tfe.Variable(tf.random_normal([2, 4]), name="w")
v = tfe.Variable(tf.random_uniform([4, 1]), name="v")
losses = []
for _ in range(5):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.matmul(tf.tanh(tf.matmul(x, w)), v) ** 2)
    dw, dv = tape.gradient(loss, [w, v])
    w.assign_sub(0.01 * dw)
    v.assign_sub(0.01 * dv)
    losses.append(loss.numpy())
