import tensorflow as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
row_sums = tf.reduce_sum(x, axis=1).numpy()
