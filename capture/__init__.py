"""Getting pages in durably: hot folder, imports, content-addressed originals, quarantine.

Knows nothing of OCR. What it records goes through the :class:`capture.intake.IntakeSink`
protocol, which the indexer implements.
"""
