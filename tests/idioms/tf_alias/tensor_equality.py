# expect: TFM102, TFM110*3
import tensorflow as tf

a = tf.constant([1.0, 2.0])
b = a * 2
same = a == b
nonzero = b != 0
w = tf.Variable(0.0)
if w == a:
    pass
sess = tf.Session()
