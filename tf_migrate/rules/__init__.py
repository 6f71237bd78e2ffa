"""The rules: one module per slice of a code family (its header names its codes), the code table
(codes.py) that leads from a code to its class, and the registry that selects rules by code,
prefix or name. What rules share lives in support/; data tables in tables/."""
