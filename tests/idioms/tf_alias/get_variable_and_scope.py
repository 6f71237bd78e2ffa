# expect: TFM301*2, TFM302*2
import tensorflow as tf

with tf.variable_scope('encoder', reuse=tf.AUTO_REUSE):
    w = tf.get_variable('w', [3, 3])
    b = tf.get_variable('b', [3], initializer=tf.zeros_initializer())
