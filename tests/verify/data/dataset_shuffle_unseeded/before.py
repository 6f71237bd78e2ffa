import numpy as np
import tensorflow as tf

dataset = tf.data.Dataset.from_tensor_slices(np.arange(20)).shuffle(20).batch(5).repeat(2)
batch = dataset.make_one_shot_iterator().get_next()
seen = []
with tf.Session() as sess:
    for _ in range(8):
        seen.append(sess.run(batch))
seen = np.array(seen)
