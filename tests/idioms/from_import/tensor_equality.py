# expect: TFM102, TFM110
from tensorflow import Session, constant, reduce_sum

total = reduce_sum(constant([1.0]))
is_zero = total == 0
sess = Session()
