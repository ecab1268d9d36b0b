"""sohoa: the CLI and the embedded runner that wire capture → ocr → indexer together."""

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
__version__ = "0.1.0"
