"""``python -m bench.search``: the name search at a million register entries, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.search [--n 1000000] [--backend sqlite|postgresql|both] [--queries 1000]

1. Generates N register entries (``bench.namegen``: real surname shares, given and middle names
   with frequencies, birth dates, parents, register type and year, commune; ~3 % of stored names
   OCR-damaged) and one page of text per 10 entries (a ledger page listing them: number, date,
   name, birth date, sex, parents, commune — N/10 pages).
2. Loads them into a fresh database per backend (``bench/out/search-bench.db``; PostgreSQL
   database ``sohoa_bench`` on 127.0.0.1:5432, dropped and created) through the real migrations
   and ``indexer.people.bulk_index``; times the pages and the people separately.
3. Makes 1,000 queries of each kind from random entries' true names: **exact** (with diacritics,
   random case, NFC or NFD, either tone placement), **no diacritics**, **OCR** (one or two
   Tesseract-style errors: wrong tone mark, ư→u, ơ→o, a dropped letter, tr→ư), **name + year**
   (half "surname given" without the middle name, half the full name without diacritics, with the
   birth year), **full text** (the folded full name as a phrase over page text).
4. Computes the reference once by brute force (a scan over all N people applying the rules of
   ``indexer.people.match`` — vectorised over distinct tokens, checked against the per-record
   rules on a sample; for full text a scan of every page for the phrase) and caches it.
5. Runs the queries on each backend in a fresh process (after 200 warm-up queries) and reports
   load time, index size, p50/p95/p99 latency, peak memory, and recall@10.

recall@10: with the reference ranking (tier, edits, middle-name difference; ties unordered),
K = min(10, matches) and the K-th best key, a result gets credit for every reference match
strictly better than the K-th and for as many matches equal to the K-th as are left; divided by
K. For full text the reference is every page containing the phrase. "exact first": for an exact
query, whenever an exact-diacritic match exists the first hit is one.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import pickle
import random
import resource
import statistics
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.namegen import Entry, NameGen, ocr_errors, other_tone_style
from indexer.people.keys import MAX_EDITS, name_keys, token_cost
from indexer.people.match import Match, match, middle_cost
from indexer.people.query import query_name
from indexer.vntext import fold

REPO = Path(__file__).resolve().parent.parent
KINDS = ("exact", "nodiac", "ocr", "name_year", "fulltext")
KIND_LABEL = {
    "exact": "exact (diacritics)",
    "nodiac": "no diacritics",
    "ocr": "1–2 OCR errors",
    "name_year": "name + birth year",
    "fulltext": "full-text phrase",
}
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WARMUP = 200


# -- data ---------------------------------------------------------------------------------------------


def generate(n: int, seed: int) -> list[Entry]:
    g = NameGen(seed)
    return [g.entry() for _ in range(n)]


def page_text(entries: Sequence[Entry], first: int, book: int, page_no: int) -> str:
    kinds = {"khai_sinh": "KHAI SINH", "ket_hon": "KẾT HÔN", "khai_tu": "KHAI TỬ"}
    lines = [f"SỔ ĐĂNG KÝ {kinds[entries[0].register_type]} — Quyển số {book:02d} — Trang số {page_no}"]
    for i, e in enumerate(entries):
        sex = "Nam" if e.male else "Nữ"
        lines.append(
            f"Số {first + i + 1} | Ngày đăng ký 15/0{1 + i % 9}/{e.reg_year} | {e.name.upper()} | "
            f"Sinh ngày {e.birth:%d/%m/%Y} | {sex} | Mẹ: {e.mother} | Cha: {e.father} | Xã {e.commune}"
        )
    return "\n".join(lines)


# -- queries -----------------------------------------------------------------------------------------


@dataclass
class Query:
    kind: str
    text: str
    target: int  # entry index (person id = target + 1)
    born_year: int | None = None
    errors: list[str] = field(default_factory=list)


def _case(rng: random.Random, s: str) -> str:
    x = rng.random()
    return s.upper() if x < 0.3 else (s.lower() if x < 0.5 else s)


def make_queries(entries: Sequence[Entry], per_kind: int, seed: int) -> list[Query]:
    rng = random.Random(seed * 1000 + 7)
    out: list[Query] = []
    for kind in KINDS:
        for _ in range(per_kind):
            i = rng.randrange(len(entries))
            e = entries[i]
            name = e.true_name
            if kind == "exact":
                words = [other_tone_style(w) if rng.random() < 0.3 else w for w in name.split()]
                t = _case(rng, " ".join(words))
                if rng.random() < 0.3:
                    t = unicodedata.normalize("NFD", t)
                if rng.random() < 0.1:
                    t = t.replace("Đ", "\u00d0")
                out.append(Query(kind, t, i))
            elif kind == "nodiac":
                out.append(Query(kind, _case(rng, fold(name)), i))
            elif kind == "ocr":
                damaged, errs = ocr_errors(name, rng, rng.choice((1, 2)))
                out.append(Query(kind, damaged, i, errors=errs))
            elif kind == "name_year":
                words = name.split()
                t = f"{words[0]} {words[-1]}" if rng.random() < 0.5 else fold(name)
                out.append(Query(kind, _case(rng, t), i, born_year=e.birth.year))
            else:
                out.append(Query(kind, fold(name), i))
    return out


# -- brute-force reference -----------------------------------------------------------------------------

BIG = 99


class Reference:
    """Every person's keys as arrays; :meth:`scan` applies the match rules to all of them."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.n = len(entries)
        exact_ids: dict[str, int] = {}
        fold_ids: dict[str, int] = {}
        self.sur_vocab: dict[str, int] = {}
        self.given_vocab: dict[str, int] = {}
        self.mid_vocab: dict[str, int] = {}
        ex = np.empty(self.n, np.int32)
        fo = np.empty(self.n, np.int32)
        su = np.empty(self.n, np.int32)
        gi = np.empty(self.n, np.int32)
        mi = np.empty(self.n, np.int32)
        yr = np.empty(self.n, np.int16)
        for i, e in enumerate(entries):
            k = name_keys(e.name)
            assert k is not None
            ex[i] = exact_ids.setdefault(k.exact, len(exact_ids))
            fo[i] = fold_ids.setdefault(k.folded, len(fold_ids))
            su[i] = self.sur_vocab.setdefault(k.surname, len(self.sur_vocab))
            gi[i] = self.given_vocab.setdefault(k.given, len(self.given_vocab))
            mi[i] = self.mid_vocab.setdefault(k.middle, len(self.mid_vocab))
            yr[i] = e.birth.year
        self.exact_ids, self.fold_ids = exact_ids, fold_ids
        self.ex, self.fo, self.su, self.gi, self.mi, self.yr = ex, fo, su, gi, mi, yr
        self.sur_list = list(self.sur_vocab)
        self.given_list = list(self.given_vocab)
        self.mid_list = list(self.mid_vocab)

    def scan(self, text: str, born_year: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(tier, edits, indel) of every person (tier 9: no match)."""
        q = query_name(text)
        if q is None:
            return None
        n = self.n
        tier = np.full(n, 9, np.int8)
        edits = np.zeros(n, np.int8)
        indel = np.zeros(n, np.int8)
        m0 = self.ex == self.exact_ids.get(q.exact, -1)
        m1 = (self.fo == self.fold_ids.get(q.folded, -1)) & ~m0
        toks = q.tokens
        sur, mid, given = (toks[0], " ".join(toks[1:-1]), toks[-1]) if len(toks) > 1 else ("", "", toks[0])
        m2 = (
            (
                (self.su == self.sur_vocab.get(sur, -1))
                & (self.mi == self.mid_vocab.get(mid, -1))
                & (self.gi == self.given_vocab.get(given, -1))
            )
            & ~m0
            & ~m1
        )
        tier[m0], tier[m1], tier[m2] = 0, 1, 2
        done = m0 | m1 | m2
        cg = np.array([BIG if (c := token_cost(q.given, g)) is None else c for g in self.given_list], np.int16)
        if q.surname is None:
            e_all = cg[self.gi]
            ind_all = np.zeros(n, np.int16)
        else:
            cs = np.array(
                [BIG if (not s or (c := token_cost(q.surname, s)) is None) else c for s in self.sur_list], np.int16
            )
            cm = np.full(len(self.mid_list), BIG, np.int16)
            im = np.zeros(len(self.mid_list), np.int16)
            for j, m in enumerate(self.mid_list):
                r = middle_cost(q.middle, m.split() if m else [])
                if r is not None:
                    cm[j], im[j] = r
            e_all = cs[self.su] + cg[self.gi] + cm[self.mi]
            ind_all = im[self.mi]
        m34 = (e_all <= MAX_EDITS) & ~done
        if q.surname is not None:
            m34 &= ~((e_all == 0) & (ind_all == 0))
        tier[m34 & (e_all == 0)] = 3
        tier[m34 & (e_all > 0)] = 4
        edits[m34] = e_all[m34]
        indel[m34] = ind_all[m34]
        done |= m34
        m5 = ~done
        for t in set(toks):
            has_mid = np.array([t in m.split() for m in self.mid_list], bool)
            m5 &= (self.su == self.sur_vocab.get(t, -1)) | (self.gi == self.given_vocab.get(t, -1)) | has_mid[self.mi]
        tier[m5] = 5
        if born_year is not None:
            tier[self.yr != born_year] = 9
        return tier, edits, indel

    def summary(self, text: str, born_year: int | None, target: int) -> dict[str, Any]:
        res = self.scan(text, born_year)
        if res is None:
            return {"accepted": 0}
        tier, edits, indel = res
        ids = np.nonzero(tier < 9)[0]
        if len(ids) == 0:
            return {"accepted": 0}
        key = tier[ids].astype(np.int32) * 10000 + edits[ids].astype(np.int32) * 100 + indel[ids]
        order = np.argsort(key, kind="stable")
        k = min(10, len(ids))
        kth = int(key[order[k - 1]])
        strict = [int(ids[j]) + 1 for j in order[:k] if key[j] < kth]
        best = int(key[order[0]])
        out = {
            "accepted": int(len(ids)),
            "k": k,
            "kth": kth,
            "strict": strict,
            "best": best,
            "n_best": int((key == best).sum()),
        }
        if tier[target] < 9:  # how many people rank with or above the one the query was made from
            tk = int(tier[target]) * 10000 + int(edits[target]) * 100 + int(indel[target])
            out["target_key"] = tk
            out["target_at_most"] = int((key <= tk).sum())
        return out


def match_key(m: Match) -> int:
    return m.tier * 10000 + m.edits * 100 + m.indel


def self_check(ref: Reference, entries: Sequence[Entry], queries: Sequence[Query], rng: random.Random) -> int:
    """Compare the vectorised scan with the per-record rules on a sample; returns disagreements."""
    sample = rng.sample(range(len(entries)), min(3000, len(entries)))
    bad = 0
    for q in queries:
        res = ref.scan(q.text, q.born_year)
        qn = query_name(q.text)
        if res is None or qn is None:
            continue
        tier, edits, indel = res
        for i in sample + [q.target]:
            k = name_keys(entries[i].name)
            m = match(qn, k.exact, k.folded, k.tokens)
            if m is not None and q.born_year is not None and entries[i].birth.year != q.born_year:
                m = None
            mine = None if tier[i] == 9 else (int(tier[i]), int(edits[i]), int(indel[i]))
            theirs = None if m is None else (m.tier, m.edits, m.indel)
            if mine != theirs:
                bad += 1
                if bad <= 5:
                    print(f"  self-check mismatch: {q.text!r} vs {entries[i].name!r}: scan {mine}, rules {theirs}")
    return bad


def page_tokens(text: str) -> str:
    import re

    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "


def fulltext_reference(pages: Sequence[str], phrase: str) -> list[int]:
    p = page_tokens(phrase)
    return [i + 1 for i, t in enumerate(pages) if p in t]


# -- loading ------------------------------------------------------------------------------------------


def _pg_url(db: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{db}"


def fresh_database(backend: str, out: Path) -> str:
    if backend == "sqlite":
        path = out / "search-bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql("DROP DATABASE IF EXISTS sohoa_bench WITH (FORCE)")
        c.exec_driver_sql("CREATE DATABASE sohoa_bench")
    admin.dispose()
    return _pg_url("sohoa_bench")


def load_pages(db: Any, texts: Sequence[str], per_doc: int = 10) -> None:
    """One document (a register book) per ``per_doc`` pages; pages get ids 1..len(texts)."""
    from indexer.vntext import fold as _fold
    from indexer.vntext import nfc

    now = "2025-01-01 00:00:00+00:00"
    n_docs = (len(texts) + per_doc - 1) // per_doc
    originals = [(d + 1, f"{d + 1:064x}", 1000, "image/tiff", f"bench/{d + 1}", per_doc, now) for d in range(n_docs)]
    documents = [
        (d + 1, d + 1, f"so-{d + 1:05d}.tif", "bench", per_doc, "indexed", "so_dang_ky_khai_sinh_trang", now, now)
        for d in range(n_docs)
    ]

    def pages() -> Any:
        for i, t in enumerate(texts):
            t = nfc(t)
            yield (
                i + 1,
                i // per_doc + 1,
                i % per_doc + 1,
                "indexed",
                False,
                0,
                0.0,
                90.0,
                2480,
                3508,
                300,
                t,
                _fold(t),
                None,
                None,
                now,
            )

    cols_o = "id, sha256, size, media_type, store_key, page_count, created_at"
    cols_d = "id, original_id, title, source, page_count, state, doc_type, created_at, updated_at"
    cols_p = (
        "id, document_id, page_no, state, blank, rotation, skew_deg, mean_conf, width, height, dpi, text, "
        "text_folded, pdf_key, image_key, indexed_at"
    )
    if db.dialect == "sqlite":
        conn = db.engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(f"INSERT INTO originals ({cols_o}) VALUES (?,?,?,?,?,?,?)", originals)
            cur.executemany(f"INSERT INTO documents ({cols_d}) VALUES (?,?,?,?,?,?,?,?,?)", documents)
            cur.executemany(f"INSERT INTO pages ({cols_p}) VALUES ({','.join('?' * 16)})", pages())
            cur.execute("COMMIT")
            cur.execute("ANALYZE")
        finally:
            conn.close()
        return
    # The page text indexes are built once after the COPY (a GIN index kept up to date row by row
    # is several times slower to load); their definitions are read back from the catalogue.
    with db.engine.begin() as c:
        defs = [
            r[0]
            for r in c.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'pages' AND indexdef ILIKE '%%USING gin%%'"
            ).all()
        ]
        for d in defs:
            c.exec_driver_sql(f"DROP INDEX {d.split()[2]}")
    conn = db.engine.raw_connection()
    try:
        cur = conn.cursor()
        for table, cols, rows in (
            ("originals", cols_o, originals),
            ("documents", cols_d, documents),
            ("pages", cols_p, pages()),
        ):
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
        for table in ("originals", "documents", "pages"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    finally:
        conn.close()
    with db.engine.begin() as c:
        c.exec_driver_sql("SET LOCAL maintenance_work_mem = '512MB'")
        for d in defs:
            c.exec_driver_sql(d)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.exec_driver_sql("VACUUM ANALYZE pages")


def person_records(entries: Sequence[Entry], per_page: int) -> Any:
    from indexer.people import PersonRecord

    for i, e in enumerate(entries):
        page = i // per_page + 1
        yield PersonRecord(
            name=e.name,
            role="child"
            if e.register_type == "khai_sinh"
            else ("deceased" if e.register_type == "khai_tu" else "groom" if e.male else "bride"),
            source_type="register_entry",
            source_id=i + 1,
            document_id=(page - 1) // 10 + 1,
            page_id=page,
            birth=e.birth,
            register_type=e.register_type,
            reg_year=e.reg_year,
            commune=e.commune,
            mother_name=e.mother if e.register_type == "khai_sinh" else None,
            father_name=e.father if e.register_type == "khai_sinh" else None,
        )


def sizes(db: Any) -> dict[str, float]:
    """MB of the people table, its indexes and word index, the pages and their text indexes."""
    from sqlalchemy import text

    mb = 1024 * 1024
    with db.read() as s:
        if db.dialect == "sqlite":
            try:
                rows = s.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
            except Exception:
                return {}
            by = {r[0]: r[1] / mb for r in rows}
            people_idx = sum(v for k, v in by.items() if k.startswith(("ix_people", "sqlite_autoindex_people")))
            fts = sum(v for k, v in by.items() if k.startswith("people_fts"))
            page_fts = sum(v for k, v in by.items() if k.startswith("pages_fts"))
            path = db.engine.url.database
            return {
                "people_table": by.get("people", 0.0),
                "people_indexes": people_idx,
                "people_words": fts,
                "people_tokens": by.get("people_tokens", 0.0),
                "pages_table": by.get("pages", 0.0),
                "pages_text_index": page_fts,
                "file": os.path.getsize(path) / mb,
            }

        def q(sql: str) -> float:
            return float(s.execute(text(sql)).scalar() or 0) / mb

        return {
            "people_table": q("SELECT pg_relation_size('people')"),
            "people_indexes": q(
                "SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'people'::regclass "
                "AND indexrelid <> 'ix_people_name_tsv'::regclass"
            ),
            "people_words": q("SELECT pg_relation_size('ix_people_name_tsv')"),
            "people_tokens": q("SELECT pg_total_relation_size('people_tokens')"),
            "pages_table": q("SELECT pg_table_size('pages')"),
            "pages_text_index": q(
                "SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'pages'::regclass "
                "AND indexrelid::regclass::text LIKE '%text%'"
            ),
            "database": q("SELECT pg_database_size(current_database())"),
        }


# -- the query phase (its own process, for a clean memory figure) -------------------------------------


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run_queries(url: str, queries: list[tuple[str, str, int | None]], conn: Any) -> None:
    from sqlalchemy import text

    from indexer.db import open_database
    from indexer.people import find_people
    from indexer.search import search

    db = open_database(url, upgrade=False)
    backend_pid = None
    if db.dialect != "sqlite":
        with db.read() as s:
            backend_pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
    rss_start = _vm_hwm_kb(os.getpid()) or 0

    def one(kind: str, t: str, year: int | None) -> tuple[float, list[tuple[int, int, int, int]]]:
        t0 = time.perf_counter()
        if kind == "fulltext":
            hits = search(db, t, limit=10)
            res = [(h.page_id, h.tier, 0, 0) for h in hits]
        else:
            ph = find_people(db, t, limit=10, born=year)
            res = [(h.person_id, h.match.tier, h.match.edits, h.match.indel) for h in ph]
        return (time.perf_counter() - t0) * 1000, res

    rng = random.Random(1)
    for kind, t, year in rng.sample(queries, min(WARMUP, len(queries))):
        one(kind, t, year)
    out = [one(kind, t, year) for kind, t, year in queries]
    conn.send(
        {
            "results": out,
            "rss_mb_start": rss_start / 1024,  # VmHWM: ru_maxrss is kept across exec (the parent's peak)
            "rss_mb_peak": (_vm_hwm_kb(os.getpid()) or 0) / 1024,
            "server_hwm_mb": (_vm_hwm_kb(backend_pid) / 1024) if backend_pid and _vm_hwm_kb(backend_pid) else None,
        }
    )
    conn.close()
    db.close()


def query_phase(url: str, queries: list[Query]) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    a, b = ctx.Pipe(duplex=False)
    p = ctx.Process(target=run_queries, args=(url, [(q.kind, q.text, q.born_year) for q in queries], b))
    p.start()
    got = a.recv()
    p.join()
    return got


# -- metrics ------------------------------------------------------------------------------------------


def pct(xs: Sequence[float], p: float) -> float:
    ys = sorted(xs)
    if not ys:
        return float("nan")
    k = (len(ys) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ys) - 1)
    return ys[lo] + (ys[hi] - ys[lo]) * (k - lo)


def score(
    queries: Sequence[Query],
    refs: Sequence[dict[str, Any]],
    got: list[tuple[float, list[tuple[int, int, int, int]]]],
    entries: Sequence[Entry],
) -> dict[str, dict[str, Any]]:
    by_kind: dict[str, dict[str, Any]] = {}
    for q, ref, (ms, res) in zip(queries, refs, got):
        k = by_kind.setdefault(
            q.kind,
            {
                "lat": [],
                "recall": [],
                "no_ref": 0,
                "exact_first_ok": 0,
                "exact_first_n": 0,
                "target_found": 0,
                "n": 0,
                "key_mismatch": 0,
                "ident_n": 0,
                "ident_found": 0,
            },
        )
        k["n"] += 1
        k["lat"].append(ms)
        ids = [r[0] for r in res]
        if q.kind == "fulltext":
            ref_pages = set(ref["pages"])
            if not ref_pages:
                k["no_ref"] += 1
                continue
            kk = min(10, len(ref_pages))
            k["recall"].append(len(set(ids) & ref_pages) / kk)
            if q.target // 10 + 1 in ids:
                k["target_found"] += 1
            continue
        if q.target + 1 in ids:
            k["target_found"] += 1
        if ref.get("target_at_most") is not None and ref["target_at_most"] <= 10:
            k["ident_n"] += 1  # at most 10 people rank with or above the target: it must be shown
            k["ident_found"] += q.target + 1 in ids
        if not ref.get("accepted"):
            k["no_ref"] += 1
            continue
        kk, kth, strict = ref["k"], ref["kth"], set(ref["strict"])
        qn = query_name(q.text)
        keys = []
        for pid, tier, edits, indel in res:
            e = entries[pid - 1]
            nk = name_keys(e.name)
            m = match(qn, nk.exact, nk.folded, nk.tokens) if qn and nk else None
            if m is not None and q.born_year is not None and e.birth.year != q.born_year:
                m = None
            keys.append(match_key(m) if m else None)
            if m is None or (m.tier, m.edits, m.indel) != (tier, edits, indel):
                k["key_mismatch"] += 1
        good = len(set(ids) & strict) + min(
            sum(1 for pid, key in zip(ids, keys) if key == kth and pid not in strict), kk - len(strict)
        )
        k["recall"].append(good / kk)
        if q.kind == "exact" and ref["best"] < 10000:  # an exact-diacritic match exists
            k["exact_first_n"] += 1
            if res and res[0][1] == 0:
                k["exact_first_ok"] += 1
    out = {}
    for kind, k in by_kind.items():
        lat = k["lat"]
        out[kind] = {
            "n": k["n"],
            "p50": pct(lat, 0.5),
            "p95": pct(lat, 0.95),
            "p99": pct(lat, 0.99),
            "mean": statistics.fmean(lat),
            "max": max(lat),
            "recall": statistics.fmean(k["recall"]) if k["recall"] else float("nan"),
            "perfect": sum(1 for r in k["recall"] if r >= 0.999999),
            "scored": len(k["recall"]),
            "no_ref": k["no_ref"],
            "target_found": k["target_found"],
            "key_mismatch": k["key_mismatch"],
            "exact_first": (k["exact_first_ok"], k["exact_first_n"]),
            "identifiable": (k["ident_found"], k["ident_n"]),
        }
    return out


# -- main ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="register entries (people) to generate")
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--queries", type=int, default=1000, help="queries per kind")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--per-page", type=int, default=10, help="entries per page of text")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--reuse", action="store_true", help="skip loading when the database already holds this data set")
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        metavar="S",
        help="before loading and querying, wait up to S seconds for other load on the machine to stop",
    )
    return ap.parse_args(argv)


def _quiet(seconds: float) -> float | None:
    if seconds <= 0:
        return None
    from bench import cpu

    load, _ = cpu.wait_quiet(seconds)
    return load


def _busy() -> float:
    from bench import cpu

    return cpu.busy_s()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    tag = f"{args.n}-{args.seed}-{args.queries}-{args.per_page}"
    print(f"generating {args.n:,} entries (seed {args.seed}) …", flush=True)
    t0 = time.perf_counter()
    entries = generate(args.n, args.seed)
    pages = []
    for p0 in range(0, len(entries), args.per_page):
        chunk = entries[p0 : p0 + args.per_page]
        pages.append(page_text(chunk, p0, p0 // (args.per_page * 10) + 1, p0 // args.per_page + 1))
    gen_s = time.perf_counter() - t0
    print(f"  {gen_s:.0f} s; {len(pages):,} pages", flush=True)
    queries = make_queries(entries, args.queries, args.seed)

    ref_path = args.out / f"search-ref-v2-{tag}.pkl"
    if ref_path.exists():
        refs = pickle.loads(ref_path.read_bytes())
        print(f"reference: cached ({ref_path.name})")
        self_bad = None
    else:
        print("reference: brute-force scan …", flush=True)
        t0 = time.perf_counter()
        ref = Reference(entries)
        ptoks = [page_tokens(t) for t in pages]
        refs = []
        for i, q in enumerate(queries):
            if q.kind == "fulltext":
                refs.append({"pages": fulltext_reference(ptoks, q.text)})
            else:
                refs.append(ref.summary(q.text, q.born_year, q.target))
            if (i + 1) % 500 == 0:
                print(f"  {i + 1}/{len(queries)}", flush=True)
        rng = random.Random(99)
        sample = [q for q in rng.sample(queries, min(60, len(queries))) if q.kind != "fulltext"]
        self_bad = self_check(ref, entries, sample, rng)
        print(
            f"  {time.perf_counter() - t0:.0f} s; self-check against the per-record rules: "
            f"{'ok' if self_bad == 0 else f'{self_bad} disagreements'}",
            flush=True,
        )
        del ref, ptoks
        ref_path.write_bytes(pickle.dumps(refs))
    gc.collect()

    report: dict[str, Any] = {
        "n": args.n,
        "pages": len(pages),
        "queries_per_kind": args.queries,
        "seed": args.seed,
        "generate_s": gen_s,
        "reference_self_check": self_bad,
        "backends": {},
    }
    from indexer.db import open_database
    from indexer.people import bulk_index

    for backend in backends:
        print(f"\n== {backend} ==", flush=True)
        meta_path = args.out / f"search-bench-{backend}.json"
        url = f"sqlite:///{args.out / 'search-bench.db'}" if backend == "sqlite" else _pg_url("sohoa_bench")
        info: dict[str, Any] = {}
        reuse = args.reuse and meta_path.exists() and json.loads(meta_path.read_text()).get("tag") == tag
        if reuse:
            info = json.loads(meta_path.read_text())["load"]
            print("  reusing the loaded database")
        else:
            info["quiet_before_load"] = _quiet(args.quiet_wait)
            url = fresh_database(backend, args.out)
            db = open_database(url)
            t0, b0 = time.perf_counter(), _busy()
            load_pages(db, pages)
            info["pages_s"] = time.perf_counter() - t0
            print(f"  pages loaded in {info['pages_s']:.1f} s", flush=True)
            t0, b0 = time.perf_counter(), _busy()
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            n = bulk_index(db, person_records(entries, args.per_page))
            info["people_s"] = time.perf_counter() - t0
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            own = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
            info["people_load_machine_cores"] = (_busy() - b0) / info["people_s"]
            info["people_load_own_cpu_s"] = own
            assert n == len(entries), (n, len(entries))
            with db.read() as s:
                from sqlalchemy import text

                lo, hi = s.execute(text("SELECT min(id), max(id) FROM people")).one()
                assert (lo, hi) == (1, len(entries)), (lo, hi)
            print(f"  {n:,} people indexed in {info['people_s']:.1f} s", flush=True)
            info["sizes_mb"] = sizes(db)
            db.close()
            meta_path.write_text(json.dumps({"tag": tag, "load": info}, indent=1))
        info["quiet_before_queries"] = _quiet(args.quiet_wait)
        b0, t0 = _busy(), time.perf_counter()
        got = query_phase(url, queries)
        wall = time.perf_counter() - t0
        info["query_phase_machine_cores"] = (_busy() - b0) / wall
        metrics = score(queries, refs, got["results"], entries)
        report["backends"][backend] = {
            "load": info,
            "memory": {k: v for k, v in got.items() if k != "results"},
            "metrics": metrics,
        }
        print_backend(backend, report["backends"][backend])
    (args.out / f"search-{args.n}.json").write_text(json.dumps(report, indent=1, default=str))
    md = markdown(report)
    (args.out / f"search-{args.n}.md").write_text(md)
    print("\n" + md)
    return 0


def print_backend(backend: str, r: dict[str, Any]) -> None:
    for kind, m in r["metrics"].items():
        print(
            f"  {KIND_LABEL[kind]:20s} p50 {m['p50']:6.1f}  p95 {m['p95']:6.1f}  p99 {m['p99']:6.1f} ms  "
            f"recall@10 {100 * m['recall']:6.2f} %  target in top 10 {m['target_found']}/{m['n']}",
            flush=True,
        )


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Name search benchmark: {report['n']:,} register entries, {report['pages']:,} pages",
        "",
        f"{report['queries_per_kind']} queries per kind, seed {report['seed']}. "
        f"Reference self-check disagreements: {report['reference_self_check']}.",
        "",
    ]
    lines += [
        "| backend | load people | load pages | people table + indexes + words (MB) | pages + text index (MB) | "
        "query process peak RSS (MB) | server backend peak RSS (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for b, r in report["backends"].items():
        ld, sz, mem = r["load"], r["load"].get("sizes_mb", {}), r["memory"]
        lines.append(
            f"| {b} | {ld.get('people_s', float('nan')):.0f} s | {ld.get('pages_s', float('nan')):.0f} s | "
            f"{sz.get('people_table', 0):.0f} + {sz.get('people_indexes', 0):.0f} + {sz.get('people_words', 0):.0f} | "
            f"{sz.get('pages_table', 0):.0f} + {sz.get('pages_text_index', 0):.0f} | {mem['rss_mb_peak']:.0f} | "
            f"{mem['server_hwm_mb'] or '–'} |"
        )
    lines += [
        "",
        "| backend | query kind | p50 ms | p95 ms | p99 ms | recall@10 | recall = 100 % | target in top 10 | "
        "… when identifiable | exact first | rank mismatches |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for b, r in report["backends"].items():
        for kind, m in r["metrics"].items():
            ef, idf = m["exact_first"], m.get("identifiable", (0, 0))
            lines.append(
                f"| {b} | {KIND_LABEL[kind]} | {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} | {100 * m['recall']:.2f} % | "
                f"{m['perfect']}/{m['scored']} | {m['target_found']}/{m['n']} | "
                f"{f'{idf[0]}/{idf[1]}' if idf[1] else '–'} | {f'{ef[0]}/{ef[1]}' if ef[1] else '–'} | {m['key_mismatch']} |"
            )
    lines += [
        "",
        "*target in top 10*: the entry the query was made from is among the hits (common names have "
        "hundreds of equal matches); *when identifiable*: the same, counted only over queries where at "
        "most 10 people rank with or above that entry by the reference. *rank mismatches*: hits whose "
        "reported tier/edits differ from the rules applied to that record.",
    ]
    lines += [
        "",
        "Machine load (cores busy, all processes) during loading / querying: "
        + "; ".join(
            f"{b}: {r['load'].get('people_load_machine_cores', float('nan')):.2f} / {r['load'].get('query_phase_machine_cores', float('nan')):.2f}"
            for b, r in report["backends"].items()
        ),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
