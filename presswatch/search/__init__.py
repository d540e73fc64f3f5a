"""Keyword search: the terms index written with each batch (see warehouse/views/70_search.sql)."""
