"""Entry points for the multi-process tests: other terminals on the same file."""
