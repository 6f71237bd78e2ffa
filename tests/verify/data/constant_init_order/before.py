import tensorflow as tf

scale = tf.Variable(tf.ones([3]), name="scale")
shift = tf.Variable(tf.zeros([3]), name="shift")
weights = tf.get_variable("weights", [3], initializer=tf.random_normal_initializer(seed=3))
out_t = scale * weights + shift
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(out_t)
