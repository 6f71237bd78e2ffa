# expect: TFM301*2, TFM302*2
import tensorflow

with tensorflow.variable_scope('encoder', reuse=tensorflow.AUTO_REUSE):
    w = tensorflow.get_variable('w', [3, 3])
    b = tensorflow.get_variable('b', [3], initializer=tensorflow.zeros_initializer())
