# expect: TFM104*2, TFM105
import tensorflow as tf

v = tf.Variable(1.0)
init = tf.global_variables_initializer()
init.run()
print(v.eval())
