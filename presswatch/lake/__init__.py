"""The lake: the data directory's Parquet tables and their commits (tables), what was done with
each input (ledger), the merging of small files (compact), and the filesystem they live on, a
local folder or a bucket (storage), with its writer lease (lease)."""
