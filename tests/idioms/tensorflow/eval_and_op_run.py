# expect: TFM104*2, TFM105
import tensorflow

v = tensorflow.Variable(1.0)
init = tensorflow.global_variables_initializer()
init.run()
print(v.eval())
