"""Rows of text in and results out: streaming readers (:mod:`~seqfit.data.readers`) for JSONL,
CSV/TSV, Parquet, plain text, folders, ``save_to_disk`` folders and stdin."""
