"""Facts any rule may use, computed from a file's syntax tree: which names the imports bind to
TensorFlow, the qualified and `tf.x.y` names of nodes, which names hold tensors and sessions,
what statements read and bind, what the TF1 symbols are, and the uses of TF symbols the engine
resolves once per file."""
