# expect: TFM206*2
import tensorflow

acc, update_acc = tensorflow.metrics.accuracy(labels, predictions)
auc, update_auc = tensorflow.metrics.auc(labels, scores)
