# expect: TFM108
import tensorflow as tf

tf.disable_v2_behavior()
