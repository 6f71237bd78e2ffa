"""Linear regression as the TF1 tutorials write it: data from unseeded NumPy draws, the result
left in a graph variable and printed."""

import numpy as np
import tensorflow as tf

trX = np.linspace(-1, 1, 101)
trY = 2 * trX + np.random.randn(*trX.shape) * 0.33

X = tf.placeholder("float")
Y = tf.placeholder("float")


def model(X, w):
    return tf.multiply(X, w)


w = tf.Variable(0.0, name="weights")
y_model = model(X, w)
cost = tf.square(Y - y_model)
train_op = tf.train.GradientDescentOptimizer(0.01).minimize(cost)

with tf.Session() as sess:
    tf.global_variables_initializer().run()
    for epoch in range(20):
        for x, y in zip(trX, trY):  # noqa: B905 (runs on Python 3.7)
            sess.run(train_op, feed_dict={X: x, Y: y})
        print("epoch", epoch, "w", sess.run(w))
