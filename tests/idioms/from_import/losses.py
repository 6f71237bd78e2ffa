# expect: TFM205
from tensorflow import losses

loss = losses.sparse_softmax_cross_entropy(labels, logits)
