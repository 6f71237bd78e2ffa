# expect: TFM107*5
import tensorflow.compat.v1 as tf

tf.add_to_collection('losses', loss)
losses = tf.get_collection(tf.GraphKeys.LOSSES)
update_ops = tf.get_collection_ref('update_ops')
trainable = tf.trainable_variables()
