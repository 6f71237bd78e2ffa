import tensorflow as tf

a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
b = tf.constant([[0.5], [-1.25]])
product = tf.matmul(a, b).numpy()
total = (tf.reduce_sum(a) * 3.0).numpy()
