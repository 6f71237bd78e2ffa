# expect: TFM305
from tensorflow.contrib.layers import fully_connected

h = fully_connected(x, 10)
