# expect: TFM101, TFM102, TFM104*3
import tensorflow.compat.v1 as tf

x = tf.placeholder(tf.float32)
y = x * 2
with tf.Session() as s:
    print(s.run(y, feed_dict={x: 1.0}))
    print(y.eval(feed_dict={x: 2.0}))
    print(s.run([y], {x: 3.0}))
