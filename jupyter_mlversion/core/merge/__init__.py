"""Three-way merge of two branches, path by path: notebooks by cell, tables by row."""
