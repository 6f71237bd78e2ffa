"""TF1 session programs rewritten as TF2 functions (rule TFM150): `analyze/` reads a module
into a graph program and plans its TF2 form, `emit/` writes that form; session_program.py is
the entry point the rule calls, and README.md the design."""
