import numpy as np
import tensorflow as tf

dataset = tf.data.Dataset.from_tensor_slices(np.arange(20)).shuffle(20).batch(5).repeat(2)
seen = np.array([batch.numpy() for batch in dataset])
