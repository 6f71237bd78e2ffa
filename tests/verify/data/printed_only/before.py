"""A script whose results are only printed: nothing is left at module level to compare."""

import numpy as np
import tensorflow as tf


def main():
    features = np.random.randn(32, 3).astype(np.float32)
    targets = features.dot(np.array([[1.5], [-2.0], [0.5]], dtype=np.float32))
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(tf.zeros([3, 1]))
    cost = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(30):
            _, value = sess.run([train, cost], {x: features, y: targets})
            if step % 10 == 0:
                print(f"step {step}: cost = {value:.6f}")
        print("weights:", sess.run(w).ravel())


if __name__ == "__main__":
    main()
