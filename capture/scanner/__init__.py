"""Scanning at the counter: SANE scanners driven through pyinsane2 in a supervised child process.

* :mod:`.profiles` — named scan profiles and how they map onto a device's options
* :mod:`.options` — SANE options as plain data; values checked before the driver sees them
* :mod:`.saneio` — the pyinsane2 wrapper (child process only: it loads libsane)
* :mod:`.child` / :mod:`.session` — the child process and its supervisor (deadlines, crashes)
* :mod:`.errors` — why a scan stopped, in Vietnamese for the clerk
* :mod:`.batch` — each page as it arrives: separator sheets, blank backs, durable intake
* :mod:`.separator`, :mod:`.blank`, :mod:`.duplex` — the image checks and back-side turning

Nothing here imports OCR or the database; sohoa wires them together (``sohoa/scanning.py``).
"""

from capture.scanner.errors import Problem, ScanFailure
from capture.scanner.profiles import Duplex, Mode, ScanProfile, Source

__all__ = ["Duplex", "Mode", "Problem", "ScanFailure", "ScanProfile", "Source"]
