# expect: TFM702*2
import tensorflow

builder = tensorflow.saved_model.builder.SavedModelBuilder('export')
tags = [tensorflow.saved_model.tag_constants.SERVING]
