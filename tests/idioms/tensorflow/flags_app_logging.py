# expect: TFM502*2, TFM503, TFM504*3
import tensorflow

tensorflow.app.flags.DEFINE_string('data_dir', '/tmp', 'where the data is')
FLAGS = tensorflow.flags.FLAGS
tensorflow.logging.set_verbosity(tensorflow.logging.INFO)


def main(_):
    tensorflow.logging.info('data in %s', FLAGS.data_dir)


if __name__ == '__main__':
    tensorflow.app.run(main)
