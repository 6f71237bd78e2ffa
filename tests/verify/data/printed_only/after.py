"""The printing script in TF 2."""

import numpy as np
import tensorflow as tf


def main():
    features = np.random.randn(32, 3).astype(np.float32)
    targets = features.dot(np.array([[1.5], [-2.0], [0.5]], dtype=np.float32))
    w = tf.Variable(tf.zeros([3, 1]))
    optimizer = tf.keras.optimizers.SGD(0.1)
    for step in range(30):
        with tf.GradientTape() as tape:
            cost = tf.reduce_mean(tf.square(tf.matmul(features, w) - targets))
        optimizer.apply_gradients([(tape.gradient(cost, w), w)])
        if step % 10 == 0:
            print(f"step {step}: cost = {cost:.6f}")
    print("weights:", w.numpy().ravel())


if __name__ == "__main__":
    main()
