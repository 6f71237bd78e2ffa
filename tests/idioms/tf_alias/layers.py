# expect: TFM303*4
import tensorflow as tf

h = tf.layers.dense(x, 64, activation=tf.nn.relu)
h = tf.layers.dropout(h, rate=0.5, training=True)
h = tf.layers.batch_normalization(h, training=True)
conv = tf.layers.Conv2D(8, 3)
