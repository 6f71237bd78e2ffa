import tensorflow as tf

total_value = tf.reduce_sum(tf.constant([1.0, 2.0])).numpy()
