"""The runtime side of verify: what runs inside the TensorFlow runtimes, around the program.

These modules are executed by a runtime's own interpreter (Python 3.7 with TF 1.15, or a newer
Python with TF 2.x), never imported by tf-migrate itself. They use only the standard library and
numpy, reach TensorFlow through ``importlib.import_module`` inside functions, and keep to syntax
and library calls that Python 3.7 accepts. ``child_runner.py`` (one folder up) loads this folder
as the package ``tf_migrate_verify_child``, a name no program can import by accident.

- ``main``: run one spec — set the runtime up, run the program as ``__main__``, save its values;
- ``environment``: threads, devices and where the work actually ran;
- ``host_random``: Python's and NumPy's randomness pinned the same way on both sides;
- ``values`` and ``graph_values``: which module-level names are values, and TF1 graph values
  read from the sessions that held them;
- ``stream``, ``random_ops`` and ``session_plan``: every TensorFlow random op drawing from one
  deterministic stream in call order;
- ``variables``: initial values of model variables, recorded (before) and checked (after);
  ``cell_layouts``: TF1 recurrent cells' weights in the layouts of the Keras cells;
- ``datasets`` and ``imports``: tutorial data loaders that work offline.
"""
