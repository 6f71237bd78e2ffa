"""Parse, analyze and fix files: fixer.py does one source text, run.py a whole tree."""
