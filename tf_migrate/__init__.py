"""tf-migrate: rewrite TensorFlow 1.x programs as idiomatic TensorFlow 2 and prove the result."""

__version__ = "0.1.0"
