# expect: TFM301, TFM302
from tensorflow import get_variable, variable_scope

with variable_scope('layer'):
    w = get_variable('w', [3])
