"""Benchmarks of clustergraph: compile and query cost at 10^4–10^6 triples, and the HTTP service beside its peers.

`python -m benchmarks` (or `make bench`) runs them; the written results are in `benchmarks/README.md`.
"""
