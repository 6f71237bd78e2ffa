# expect: TFM702*2
import tensorflow as tf

builder = tf.saved_model.builder.SavedModelBuilder('export')
tags = [tf.saved_model.tag_constants.SERVING]
