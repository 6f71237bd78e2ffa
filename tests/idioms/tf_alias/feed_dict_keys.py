# expect: TFM101*2, TFM104
# Placeholders as keys of a feed dict are hashed in TF1 too: no TFM111 (tensor-hash).
import tensorflow as tf

x = tf.placeholder(tf.float32)
keep_prob = tf.placeholder(tf.float32)
feed = {x: 1.0, keep_prob: 0.5}
result = sess.run(x, feed_dict=feed)
