# expect: TFM104*2, TFM105
import tensorflow.compat.v1 as tf

v = tf.Variable(1.0)
init = tf.global_variables_initializer()
init.run()
print(v.eval())
