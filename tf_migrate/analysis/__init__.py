"""What a TF1 program is made of, computed from its syntax tree and shared by the rules."""
