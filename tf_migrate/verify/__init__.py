"""Verify: run a TF1 program and its migration in their own runtimes and compare the numbers.

Importing this package is cheap; see ``cli`` for the commands and ``harness`` for the library API.
"""
