# expect: TFM111, TFM301
from tensorflow import get_variable

w = get_variable('w', [3])
scale = {w: 0.1}
