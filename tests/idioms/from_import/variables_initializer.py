# expect: TFM105
from tensorflow import global_variables_initializer

init = global_variables_initializer()
