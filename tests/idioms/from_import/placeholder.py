# expect: TFM101
from tensorflow import placeholder

x = placeholder('float32', [None, 3])
