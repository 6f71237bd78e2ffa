import numpy as np
import tensorflow as tf

tf.set_random_seed(7)
inputs = np.linspace(-1.0, 1.0, 24, dtype=np.float32).reshape(4, 6)
targets = np.array([[0.5], [-0.25], [1.0], [0.0]], dtype=np.float32)

x = tf.placeholder(tf.float32, [None, 6])
y = tf.placeholder(tf.float32, [None, 1])
init = tf.random_normal_initializer(stddev=1.0)
hidden = tf.layers.dense(x, 16, activation=tf.nn.tanh, kernel_initializer=init)
prediction = tf.layers.dense(hidden, 1, kernel_initializer=init)
loss = tf.reduce_mean(tf.square(prediction - y))
global_step = tf.train.get_or_create_global_step()
train = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=global_step)

losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        _, step_loss = sess.run([train, loss], {x: inputs, y: targets})
        losses.append(step_loss)
    final_prediction = sess.run(prediction, {x: inputs})
