import tensorflow as tf

x = tf.constant([-1.0, 1.0, 4.0])
both_nan = tf.math.log(x).numpy()
one_nan = tf.sqrt(tf.maximum(x, 0.0)).numpy()
