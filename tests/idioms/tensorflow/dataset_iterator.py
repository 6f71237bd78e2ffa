# expect: TFM705*4
import tensorflow

images, labels = dataset.make_one_shot_iterator().get_next()
iterator = dataset.make_initializable_iterator()
batch = iterator.get_next()
shapes = dataset.output_shapes
