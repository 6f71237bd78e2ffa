import tensorflow as tf

total = tf.reduce_sum(tf.constant([1.0, 2.0]))
with tf.Session() as sess:
    total_value = sess.run(total)
