# expect: TFM101*3
import tensorflow

x = tensorflow.placeholder(tensorflow.float32, [None, 3])
rate = tensorflow.placeholder_with_default(0.5, [])
ids = tensorflow.sparse_placeholder(tensorflow.int64)
