"""Register books (sổ hộ tịch, sổ chứng thực): books and entries, archive digitisation, filing of
dossiers, legacy import and export. Read ``../shared/domain/domain.md`` §3 and §7.

- vocabulary.py   book types and the national digitisation vocabulary (nksHoTen, meHoTen, so, …)
- model.py        pure helpers: values, numbers, dates, the people an entry names
- books.py        communes and books              entries.py   entries, corrections with history
- ledger.py       columnar ledgers: columns bound, cells judged, row regions (the grid and a
                  cell read again from its pixels are ocr/ledgergrid.py)
- entry_page.py   one-entry-per-page register pages (register_pages.yaml)
- digitise.py     a whole book in page order: resumable, missing/double pages reported
- matching.py     pure scoring of an entry against a dossier     filing.py   proposals, links, new entries
- legacy_import.py  CSV/XLSX from older software (UTF-8, Windows-1258, TCVN3, VNI)
- export.py       per book XLSX (national import), CSV/JSON of all, print-ready pages; the ZIP of
                  page images is the application's (sohoa/exports.py)

The web desk calls the functions of these modules; the CLI is ``sohoa book|entry|file|legacy|export``.
"""
