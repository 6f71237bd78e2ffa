# expect: TFM107*5
import tensorflow

tensorflow.add_to_collection('losses', loss)
losses = tensorflow.get_collection(tensorflow.GraphKeys.LOSSES)
update_ops = tensorflow.get_collection_ref('update_ops')
trainable = tensorflow.trainable_variables()
