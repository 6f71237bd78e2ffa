# expect: TFM206*2
import tensorflow as tf

acc, update_acc = tf.metrics.accuracy(labels, predictions)
auc, update_auc = tf.metrics.auc(labels, scores)
