# expect: TFM203, TFM204
from tensorflow.train import exponential_decay, get_global_step

lr = exponential_decay(0.1, get_global_step(), 1000, 0.96)
