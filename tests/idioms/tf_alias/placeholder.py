# expect: TFM101*3
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
rate = tf.placeholder_with_default(0.5, [])
ids = tf.sparse_placeholder(tf.int64)
