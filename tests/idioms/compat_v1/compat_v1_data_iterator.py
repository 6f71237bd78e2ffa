# expect: TFM705*2
import tensorflow.compat.v1 as tf

iterator = tf.data.make_one_shot_iterator(dataset)
images = iterator.get_next()
