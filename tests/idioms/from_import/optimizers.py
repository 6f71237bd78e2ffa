# expect: TFM202
from tensorflow.train import AdamOptimizer

opt = AdamOptimizer(1e-3)
