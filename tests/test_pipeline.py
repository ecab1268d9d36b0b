"""The spine end to end, in process: inbox → intake → OCR workers → index → search."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import func, select

from indexer.models import Document, OcrResult, Page, QuarantineEntry
from indexer.search import search
from sohoa.app import App
from sohoa.runner import Runner
from sohoa.samples import PROSE
from tests.pages import birth_declaration, name_page, render_page, save, tilt, turn


def _run_once(app: App) -> Runner:
    r = Runner(app)
    r.run(once=True)
    return r


def test_dropped_pages_become_searchable_with_and_without_diacritics(app: App) -> None:
    inbox = app.settings.inbox_dir
    save(
        tilt(
            render_page(birth_declaration("Nguyễn Văn An", "02/12/2023", "Trần Thị Hoà", "Nguyễn Văn Bình"), dpi=200),
            2.0,
        ),
        inbox / "khai-sinh.jpg",
        dpi=200,
        quality=85,
    )
    save(name_page("Nguyễn Văn Anh"), inbox / "near-miss.png")
    notice = render_page([*PROSE, "Người lập: Lê Thị Thuỷ, công chức tư pháp - hộ tịch."], dpi=150)
    save(turn(notice, 180), inbox / "upside-down.png")
    _run_once(app)
    with app.db.read() as s:
        states = dict(s.execute(select(Document.title, Document.state)).all())
        assert states == {"khai-sinh.jpg": "indexed", "near-miss.png": "indexed", "upside-down.png": "indexed"}
        turned = s.scalars(select(Page).join(Document).where(Document.title == "upside-down.png")).one()
        assert turned.rotation == 180
        tilted = s.scalars(select(Page).join(Document).where(Document.title == "khai-sinh.jpg")).one()
        assert abs(tilted.skew_deg - 2.0) < 0.3
        assert s.scalar(select(func.count()).select_from(OcrResult)) == 3
    assert list(inbox.iterdir()) == []

    hits = search(app.db, "nguyen van an")
    assert [h.title for h in hits][:2] == ["khai-sinh.jpg", "near-miss.png"]  # the exact name above "Anh"
    assert hits[0].tier < hits[1].tier
    exact = search(app.db, "Nguyễn Văn An")
    assert exact[0].title == "khai-sinh.jpg" and exact[0].tier == 0
    # Old tone placement and no diacritics both find Thủy.
    assert search(app.db, "Lê Thị Thủy")[0].title == "upside-down.png"
    assert search(app.db, "le thi thuy")[0].title == "upside-down.png"
    assert search(app.db, "Trần Thị Hòa")[0].title == "khai-sinh.jpg"


def test_searchable_pdf_is_written_for_every_page(app: App) -> None:
    save(name_page("Hoàng Thị Mỹ Duyên"), app.settings.inbox_dir / "a.png")
    _run_once(app)
    with app.db.read() as s:
        page = s.scalars(select(Page)).one()
    pdf = app.archive_path(page.pdf_key)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Duyên" in text and "Hoàng" in text


def test_original_damaged_after_intake_quarantines_the_document(app: App) -> None:
    save(name_page("Vũ Văn Đông"), app.settings.inbox_dir / "a.png")
    r = app.intake.take(app.settings.inbox_dir / "a.png", source="hotfolder", remove=True)
    with app.db.read() as s:
        key = s.scalars(select(Document)).one().original.store_key
    stored = app.original_path(key)
    data = stored.read_bytes()
    stored.chmod(0o644)
    stored.write_bytes(data[: len(data) // 3])  # a disk error after it was stored
    runner = _run_once(app)
    assert runner.quarantined == 1
    with app.db.read() as s:
        doc = s.get(Document, r.document_id)
        assert doc is not None and doc.state == "quarantined"
        q = s.scalars(select(QuarantineEntry)).one()
        assert q.reason == "page_unreadable" and q.quarantine_path
    assert Path(q.quarantine_path).exists()


def test_blank_page_is_flagged_and_not_ocred(app: App) -> None:
    from PIL import Image, ImageDraw

    im = Image.new("L", (1240, 1754), 250)
    d = ImageDraw.Draw(im)
    for x, y in ((40, 300), (40, 1400), (600, 900), (700, 1100)):
        d.ellipse((x, y, x + 40, y + 40), fill=30)  # punch holes and specks
    save(im, app.settings.inbox_dir / "separator.jpg", quality=80)
    _run_once(app)
    with app.db.read() as s:
        page = s.scalars(select(Page)).one()
        assert page.blank is True and page.text == "" and page.state == "indexed"


def test_a_retryable_failure_puts_the_page_back_in_the_queue_then_it_is_done(app: App) -> None:
    """The embedded runner's retry path: a page whose run fails for a passing reason (here its PDF
    cannot be written) goes back to the queue with the error noted (``indexer.results.fail``), and
    the next run indexes it once."""
    from indexer import jobs
    from indexer.models import Job
    from indexer.vntext import fold
    from sohoa import stage
    from sohoa.pool import WorkerPool
    from sohoa.tasks import run_page_task

    src = save(name_page("Phạm Thị Lụa"), app.settings.data_dir / "in.png")
    app.intake.take(src, source="import", remove=True)
    runner = Runner(app, watch=False)
    # The page's PDF folder is blocked by a file: the write fails (an output error, not the page's fault).
    [job] = jobs.claim(app.db, runner.worker)
    jobs.release(app.db, job.job_id, runner.worker)
    blocker = app.archive_path(stage.pdf_key(app, job)).parent
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"")
    # One round of the runner's loop (as Runner._work does it), with one OCR process.
    pool = WorkerPool(1, run_page_task, app.settings.ocr.page_timeout_s)
    try:
        runner._fill(pool)
        assert list(runner.inflight) == [job.job_id]
        outcomes: list = []
        while not outcomes:
            outcomes = pool.poll(1.0)
        [outcome] = outcomes
        assert not outcome.ok and "FileExistsError" in outcome.detail, outcome.detail
        runner._finish(outcome)
    finally:
        pool.close()
    assert runner.failed == 0 and runner.done == 0 and not runner.unsaved
    with app.db.read() as s:
        j = s.get(Job, job.job_id)
        assert (j.state, j.attempts, j.worker, j.error_kind) == ("queued", 1, None, "engine_error")
        assert "FileExistsError" in j.last_error
        assert s.scalar(select(Page.state)) == "captured"
        assert s.scalar(select(func.count()).select_from(OcrResult)) == 0
    # The folder is free again: the next run takes the page from the queue and indexes it once.
    blocker.unlink()
    r = _run_once(app)
    assert r.done == 1 and r.failed == 0
    with app.db.read() as s:
        j = s.get(Job, job.job_id)
        assert (j.state, j.attempts, j.error_kind, j.last_error) == ("done", 2, None, None)
        page = s.scalars(select(Page)).one()
        assert page.state == "indexed" and "pham thi lua" in fold(page.text), page.text
        assert s.scalar(select(func.count()).select_from(OcrResult)) == 1
        assert s.scalar(select(Document.state)) == "indexed"
    assert app.archive_path(page.pdf_key).is_file()
