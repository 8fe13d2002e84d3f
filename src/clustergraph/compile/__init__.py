"""The compile side: load, reason, validate and write a release (and the tools on hand-edited Turtle).

The serving side (`api/`, `store/`, `serve.py`) never imports this package; what both share is the
release's format, `clustergraph.release_format`.
"""
