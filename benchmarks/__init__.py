"""Benchmarks: `make bench` runs them and writes the figures to benchmarks/results.json."""
