# expect: TFM102, TFM110*3
import tensorflow

a = tensorflow.constant([1.0, 2.0])
b = a * 2
same = a == b
nonzero = b != 0
w = tensorflow.Variable(0.0)
if w == a:
    pass
sess = tensorflow.Session()
