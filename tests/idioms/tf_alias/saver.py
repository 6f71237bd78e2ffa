# expect: TFM701*2
import tensorflow as tf

saver = tf.train.Saver(max_to_keep=3)
restorer = tf.train.import_meta_graph('model.meta')
