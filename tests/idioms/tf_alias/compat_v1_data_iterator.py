# expect: TFM705*2
import tensorflow as tf

iterator = tf.compat.v1.data.make_one_shot_iterator(dataset)
images = iterator.get_next()
