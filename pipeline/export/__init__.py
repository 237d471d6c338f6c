"""Writers of the output dataset: table rows from annotated docs, and parquet files."""
