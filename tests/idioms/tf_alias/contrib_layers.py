# expect: TFM305*3
import tensorflow as tf

h = tf.contrib.layers.fully_connected(x, 10)
reg = tf.contrib.layers.l2_regularizer(0.1)
init = tf.contrib.layers.xavier_initializer()
