# expect: TFM111*4, TFM301
import tensorflow

v = tensorflow.get_variable('v', [])
total = tensorflow.reduce_sum(v * 2)
names = {total: 'total'}
seen = set()
seen.add(v)
both = {v, total}
