"""Read the dossier: classify a page and extract its validated fields (issue 3).

``read_document(words)`` is the entry point (reader.py); the catalogue of document types and labels
is ``doc_types.yaml``; each behaviour lives in one small module:

- layout.py      words → cleaned tokens → visual lines        labels.py    label finding
- classify.py    document type                                 sections.py  which section a label is in
- extract.py     label → value, continuation lines             table.py     header-bound table columns
- register.py    ledger entries                                values.py    one reader per value type
- dates.py / numwords.py  dates in digits and words            personal_id.py  12-digit ID and CMND
- dossier_code.py  mã hồ sơ      names.py / places.py / phrases.py  names and addresses
- vocab.py       closed vocabularies                           syllables.py  Vietnamese syllable validity
- correct.py     Tesseract vie confusions                      lexicon.py + data/  name and phrase lexicons
- gazetteer.py   every administrative unit before/after 1 July 2025 (data/gazetteer.tsv, built by
                 scripts/build_gazetteer.py from vietnamadminunits)
- cccd.py        the chip CCCD's QR code (ocr/qr.py decodes it): parse, check identity fields
- crosscheck.py  checks across fields                          confidence.py  confidence and review marks

``reader.reread_candidates`` / ``reader.apply_reread``: the OCR worker (sohoa/tasks.py) reads the image
region of a doubtful ID, code or date again and the reader keeps the second read only when it passes
the checks the first failed (still marked for review).
"""

from indexer.fields.reader import read_document
from indexer.fields.reading import DocumentReading, FieldReading

__all__ = ["DocumentReading", "FieldReading", "read_document"]
