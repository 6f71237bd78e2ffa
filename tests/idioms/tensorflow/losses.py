# expect: TFM205*3
import tensorflow

xent = tensorflow.losses.softmax_cross_entropy(onehot_labels, logits)
mse = tensorflow.losses.mean_squared_error(labels, predictions)
total = tensorflow.losses.get_total_loss()
