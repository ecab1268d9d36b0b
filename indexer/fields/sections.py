"""Which section of a form a label belongs to (requester / child / mother / father / …).

A section starts at one of its lead-in lines, or at a label printed for one field only (the
mother's name label opens the mother's section wherever the layout puts it). A label shared by
several fields (``Dân tộc:``, ``Năm sinh:``, ``Nơi cư trú:``) goes to the current section's field,
else to the first of its fields not yet read (catalogue order = the usual order of sections).

Sections may also stand side by side (``Bên nữ`` | ``Bên nam`` headings, or ``… tên vợ:`` beside
``… tên chồng:``): then a shared label goes to the section of the column it is printed in, until a
label of a section outside those columns (or a full-width lead-in) ends the columns.
"""

from __future__ import annotations

from indexer.fields.catalogue import DocType, FieldSpec
from indexer.fields.labels import starts_with
from indexer.fields.layout import Line


class SectionTracker:
    def __init__(self, dt: DocType) -> None:
        self.dt = dt
        self.current = dt.sections[0].id if dt.sections else ""
        self.scopes: list[tuple[float, str]] = []  # (left edge, section) of side-by-side columns

    def set_scopes(self, scopes: list[tuple[float, str]]) -> None:
        """Side-by-side sections, each given by an x inside its column (a heading's centre, a
        label's left edge); a column reaches halfway to its neighbours."""
        by_x = sorted(scopes)
        self.scopes = [sc for k, sc in enumerate(by_x) if k == 0 or sc[1] != by_x[k - 1][1]]
        self.current = self.scopes[0][1]

    def scope_at(self, x: float) -> str | None:
        sec = None
        for k, (x0, s) in enumerate(self.scopes):
            if k == 0 or x >= (self.scopes[k - 1][0] + x0) / 2:
                sec = s
        return sec

    def lead_in(self, line: Line) -> str | None:
        best: tuple[float, str | None] = (0.0, None)
        for s in self.dt.sections:
            for a in s.lead_ins:
                sc = starts_with(line, a, 0.82)
                if sc > best[0]:
                    best = (sc, s.id)
        if best[1]:
            self.current = best[1]
            self.scopes = []
        return best[1]

    def resolve(
        self,
        fields: list[FieldSpec],
        done: set[str],
        atoms: tuple[str, ...] = (),
        x: float | None = None,
    ) -> FieldSpec | None:
        if not fields:
            return None
        if self.scopes and x is not None:
            col = self.scope_at(x)
            if col is not None:
                self.current = col
            if len(fields) == 1 and fields[0].section and all(fields[0].section != s for _, s in self.scopes):
                self.scopes = []
        if atoms and all(f.section != self.current for f in fields):
            # A shortened wording of a label of this section ("Nơi thường trú/tạm trú:" where the
            # form means "… cuối cùng:") stays in this section rather than jumping to another.
            longer = self._longer_here(atoms, done)
            if longer is not None:
                return longer
        if len(fields) == 1:
            f = fields[0]
            if f.section:
                self.current = f.section
            return f
        here = [f for f in fields if f.section == self.current]
        for f in here:
            if f.id not in done:
                return f
        if here:
            return here[0]
        for f in fields:
            if f.id not in done:
                return f
        return fields[-1]

    def _longer_here(self, atoms: tuple[str, ...], done: set[str]) -> FieldSpec | None:
        n = len(atoms)
        found = []
        for seq, specs in self.dt.label_index.items():
            if len(seq) > n and seq[:n] == atoms:
                found += [f for f in specs if f.section == self.current and f.id not in done and f not in found]
        return found[0] if len(found) == 1 else None
