"""What rules share: the rule contract, the table-rule base, binding tracking, argument and dtype
helpers, and TF1 formulas some fixes write out."""
