# expect: TFM109
from tensorflow import py_func

y = py_func(abs, [x], 'float32')
