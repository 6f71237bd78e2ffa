import numpy as np
import tensorflow as tf

BATCH, STEPS, FEATURES, UNITS = 4, 5, 3, 6
rng = np.random.RandomState(2)
inputs = rng.randn(BATCH, STEPS, FEATURES).astype(np.float32)
targets = rng.randn(BATCH, 1).astype(np.float32)

x = tf.placeholder(tf.float32, [None, STEPS, FEATURES])
y = tf.placeholder(tf.float32, [None, 1])
cell = tf.nn.rnn_cell.MultiRNNCell(
    [tf.nn.rnn_cell.BasicRNNCell(UNITS), tf.nn.rnn_cell.BasicLSTMCell(UNITS)]
)
outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
prediction = tf.layers.dense(outputs[-1], 1)
loss = tf.reduce_mean(tf.square(prediction - y))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

feed = {x: inputs, y: targets}
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        _, step_loss = sess.run([train, loss], feed)
        losses.append(step_loss)
    final_outputs, final_rnn_state = sess.run([tf.stack(outputs, axis=1), state[0]], feed)
