"""Writing the TF2 module from a graph program and the analysis's plans."""
