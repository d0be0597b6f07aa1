"""A Message DB-compatible message store: its schema (sql/), and a Python client.

Public API: `MessageStore` (write, write_batch, read, read_last, stream_version, fetch),
`NewMessage` / `Message`, `Projection`, stream-name helpers, `follow` for metadata, and the
errors. Inside Django, `get_store()` gives the process-wide client.
"""
