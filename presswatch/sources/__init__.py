"""Sources: the drop folder's inputs, from finding them to their documents. Which files are ready
(discover, arrivals), what may be read and reading it (intake), bytes to documents by format
(read, decode, streams, archive), the scraper's hints beside a file (hints), and what becomes of
a file once ingested (clean_source)."""
