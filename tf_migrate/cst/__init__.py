"""Syntax-tree utilities every other layer uses: read-only walks (and the generated field tables
they follow), positions, dotted names, source text, argument binding, assignment targets and
atoms. Nothing here knows TensorFlow."""
