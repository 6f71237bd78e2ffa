# expect: TFM502*2, TFM503, TFM504*3
import tensorflow.compat.v1 as tf

tf.app.flags.DEFINE_string('data_dir', '/tmp', 'where the data is')
FLAGS = tf.flags.FLAGS
tf.logging.set_verbosity(tf.logging.INFO)


def main(_):
    tf.logging.info('data in %s', FLAGS.data_dir)


if __name__ == '__main__':
    tf.app.run(main)
