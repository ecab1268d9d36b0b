"""Form generator for the field-reading benchmark (``python -m bench.forms``).

Renders the four form types of the dev set (birth, marriage and death declarations, one-stop
receipts) in named layout families — label orders, older and newer wordings, several pairs on a
line, wrapped values, marriage-table geometries, invented vendor styles, hand-like filling — then
scans, photocopies, faxes or downsamples them, and writes ``images/``, ``truth/<stem>.json`` in the
dev set's schema and ``manifest.json``.

Guarantees: deterministic (a page depends only on its family, split and index); every person is
invented; place names are real units from the ``vietnamadminunits`` package; field ids come from
``../shared/domain/doc_types.yaml`` (plus the receipt extras of ``../shared/bench/README.md``); a
field's truth value is exactly the text drawn for it. Families are split into ``tune`` and
``holdout`` (``bench.formgen.families``): nobody tunes the reader on the hold-out families.
Never imports the reader (``indexer``, ``ocr``): the instrument does not depend on what it measures.
"""
