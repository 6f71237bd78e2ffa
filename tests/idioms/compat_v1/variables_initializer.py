# expect: TFM105*5
import tensorflow.compat.v1 as tf

init = tf.global_variables_initializer()
legacy = tf.initialize_all_variables()
local = tf.local_variables_initializer()
some = tf.variables_initializer([v])
tables = tf.tables_initializer()
