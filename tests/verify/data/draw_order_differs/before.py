import tensorflow as tf

noise = tf.random_normal([3])
jitter = tf.random_uniform([3])
with tf.Session() as sess:
    noise_value, jitter_value = sess.run([noise, jitter])
