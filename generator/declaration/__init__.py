"""Reading and checking one declaration: load (YAML → located nodes) → read (nodes → the
model, by the declaration's form kind) → checks; finding the files, and the summaries the index
and the cross-file checks use."""
