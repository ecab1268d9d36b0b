"""Data from older civil-status software: legacy Vietnamese encodings and register exports."""
