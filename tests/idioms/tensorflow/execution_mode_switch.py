# expect: TFM108
import tensorflow

tensorflow.disable_v2_behavior()
