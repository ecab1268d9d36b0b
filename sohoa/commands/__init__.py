"""One module per CLI command, so the CLI file stays a table of contents."""
