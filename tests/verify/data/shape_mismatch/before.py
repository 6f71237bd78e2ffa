import tensorflow as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.Session() as sess:
    row_sums = sess.run(tf.reduce_sum(x, axis=1, keep_dims=True))
