"""Benchmarks: `make bench` (python -m presswatch.bench) prints one table and writes it to
bench/results.md. Speed and memory are measured here, never asserted in tests."""
