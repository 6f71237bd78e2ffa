# expect: TFM102*4
import tensorflow

config = tensorflow.ConfigProto(intra_op_parallelism_threads=2)
sess = tensorflow.Session(config=config)
interactive = tensorflow.InteractiveSession()
default = tensorflow.get_default_session()
