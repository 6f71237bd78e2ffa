# expect: TFM205*3
import tensorflow as tf

xent = tf.losses.softmax_cross_entropy(onehot_labels, logits)
mse = tf.losses.mean_squared_error(labels, predictions)
total = tf.losses.get_total_loss()
