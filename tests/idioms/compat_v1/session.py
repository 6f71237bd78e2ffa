# expect: TFM102*4
import tensorflow.compat.v1 as tf

config = tf.ConfigProto(intra_op_parallelism_threads=2)
sess = tf.Session(config=config)
interactive = tf.InteractiveSession()
default = tf.get_default_session()
