# expect: TFM601, TFM603
from tensorflow import estimator, feature_column

spec = estimator.EstimatorSpec(mode, loss=loss)
column = feature_column.numeric_column('x')
