"""presswatch: scraped news articles in, a validated Parquet lake and DuckDB views out."""

__version__ = "0.1.0"
