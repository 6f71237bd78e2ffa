# expect: TFM206
from tensorflow import metrics

mean, update = metrics.mean(values)
