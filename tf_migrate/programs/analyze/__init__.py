"""Reading a TF1 session program: its statements, run sites, slices, checks and the plans of
its TF2 form. Nothing here builds a syntax node."""
