"""Benchmarks: `python -m benchmarks.<name>` or `./dev bench-<name>` print figures to compare."""
