# expect: TFM111*4, TFM301
import tensorflow.compat.v1 as tf

v = tf.get_variable('v', [])
total = tf.reduce_sum(v * 2)
names = {total: 'total'}
seen = set()
seen.add(v)
both = {v, total}
