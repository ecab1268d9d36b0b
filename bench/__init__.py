"""The OCR benchmark: sohoa against OCRmyPDF and raw Tesseract on ``../shared/bench/dev``.

Run it with ``make bench`` or ``.venv/bin/python -m bench --help``. It is not part of the unit
tests: a full run takes several minutes. Modules:

- ``memory``  -- peak RSS of the processes the benchmark starts (sampled from /proc)
- ``procs``   -- run commands, alone or N at a time, with wall clock and per-child rusage
- ``systems`` -- the three systems, each writing one prediction JSON per page
- ``report``  -- scoring with ``score.py``, the table with targets, report.md / report.json
- ``cpu``     -- other load on the shared machine during each run

Other benchmarks in this package (``python -m bench.scan``, ``bench.search``, ...) are separate.
"""
