"""The database: originals, documents, pages, OCR results, the job queue, search, audit."""
