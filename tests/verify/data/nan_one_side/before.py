import tensorflow as tf

x = tf.constant([-1.0, 1.0, 4.0])
with tf.Session() as sess:
    both_nan = sess.run(tf.log(x))
    one_nan = sess.run(tf.sqrt(x))
