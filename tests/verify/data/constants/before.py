import tensorflow as tf

a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
b = tf.constant([[0.5], [-1.5]])
product_t = tf.matmul(a, b)
total_t = tf.reduce_sum(a) * 3.0
with tf.Session() as sess:
    product, total = sess.run([product_t, total_t])
