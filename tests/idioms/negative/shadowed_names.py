# expect: none
import tensorflow as tf


def build(tf):
    return tf.Session()


def compare(a, b):
    return a == b


x = tf.constant(1.0)
x = sess_result = compute()
same = x == 1
keys = {x: 1}
