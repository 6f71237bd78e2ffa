# expect: TFM105*5
import tensorflow

init = tensorflow.global_variables_initializer()
legacy = tensorflow.initialize_all_variables()
local = tensorflow.local_variables_initializer()
some = tensorflow.variables_initializer([v])
tables = tensorflow.tables_initializer()
