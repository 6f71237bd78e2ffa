# expect: TFM303*2
from tensorflow import layers

h = layers.dense(x, 10)
flat = layers.flatten(h)
