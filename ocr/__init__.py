"""Pure OCR stages: image in, typed result out. No database, no files but those asked for.

The stages, in the order :func:`ocr.pipeline.ocr_page` runs them:
load → blank → orient (own geometry, Tesseract OSD only when unsure) → deskew → clean
(background, borders, dotted leaders, rules/signatures/stamps; tables found) → recognise →
text in reading order (``ocr.layout``) → searchable PDF.
"""

import os

# Tesseract with OpenMP threads is several times slower on a busy machine (stack-facts.md).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
