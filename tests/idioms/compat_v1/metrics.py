# expect: TFM206*2
import tensorflow.compat.v1 as tf

acc, update_acc = tf.metrics.accuracy(labels, predictions)
auc, update_auc = tf.metrics.auc(labels, scores)
