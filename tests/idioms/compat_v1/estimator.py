# expect: TFM601*3, TFM603
import tensorflow.compat.v1 as tf

columns = [tf.feature_column.numeric_column('x')]
estimator = tf.estimator.DNNClassifier(hidden_units=[10], feature_columns=columns)
estimator.train(tf.estimator.inputs.numpy_input_fn({'x': data}, labels), steps=10)
mode = tf.estimator.ModeKeys.TRAIN
