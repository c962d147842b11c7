"""The `check` and `build` commands: the incremental build, its cache of summaries, and the
one writer that owns the output folder."""
