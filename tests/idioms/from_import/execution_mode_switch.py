# expect: TFM108
from tensorflow.compat.v1 import disable_eager_execution

disable_eager_execution()
