# expect: TFM201, TFM202
from tensorflow.train import GradientDescentOptimizer

train_op = GradientDescentOptimizer(0.1).minimize(loss)
