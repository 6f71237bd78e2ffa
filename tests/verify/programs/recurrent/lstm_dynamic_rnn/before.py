import numpy as np
import tensorflow as tf

BATCH, STEPS, FEATURES, UNITS = 4, 6, 3, 5
rng = np.random.RandomState(0)
inputs = rng.randn(BATCH, STEPS, FEATURES).astype(np.float32)
lengths = np.array([6, 4, 5, 2], dtype=np.int32)
targets = rng.randn(BATCH, 1).astype(np.float32)

x = tf.placeholder(tf.float32, [None, STEPS, FEATURES])
length = tf.placeholder(tf.int32, [None])
y = tf.placeholder(tf.float32, [None, 1])
cell = tf.nn.rnn_cell.LSTMCell(UNITS)
outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=length, dtype=tf.float32)
prediction = tf.layers.dense(state.h, 1)
loss = tf.reduce_mean(tf.square(prediction - y))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

feed = {x: inputs, length: lengths, y: targets}
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        _, step_loss = sess.run([train, loss], feed)
        losses.append(step_loss)
    final_outputs, final_c = sess.run([outputs, state.c], feed)
