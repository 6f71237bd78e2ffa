# expect: TFM601*3, TFM603
import tensorflow

columns = [tensorflow.feature_column.numeric_column('x')]
estimator = tensorflow.estimator.DNNClassifier(hidden_units=[10], feature_columns=columns)
estimator.train(tensorflow.estimator.inputs.numpy_input_fn({'x': data}, labels), steps=10)
mode = tensorflow.estimator.ModeKeys.TRAIN
