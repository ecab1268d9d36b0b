"""Book pages imported from the desk (admins, archivists): the scans of a register book uploaded
from the browser, taken into the book as ``sohoa book import`` does (``sohoa.bookfiles``), with
their progress shown while it runs and what was added, skipped or refused at the end.

Guarantees: uploads are written under ``data_dir/uploads/`` with their own file names (no path from
the browser is ever used as one); one import at a time per book; the work runs beside the request
(the page answers at once and polls); audited with the person's name and the file count.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from indexer.accounts import Role, UserInfo
from indexer.audit import audit
from sohoa.web.security import current_user, desk_of, require_role
from sohoa.web.templating import render

router = APIRouter(dependencies=[Depends(current_user)])
can_import = require_role(Role.ARCHIVIST, Role.ADMIN)
MAX_FILES = 500


@dataclass
class ImportJob:
    files: list[Path]
    result: Any = None
    error: str = ""
    thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


def _jobs(request: Request) -> dict[int, ImportJob]:
    state = request.app.state
    if not hasattr(state, "book_imports"):
        state.book_imports = {}
    return state.book_imports


def _safe_name(name: str, n: int) -> str:
    base = Path(name or "").name.replace("\x00", "")
    return base if base and base not in (".", "..") else f"tep-{n:04d}"


def import_progress(request: Request, book_id: int) -> dict[str, Any]:
    from indexer.registers import digitise

    job = _jobs(request).get(book_id)
    if job is None:
        return {"job": None, "book_id": book_id}
    db = desk_of(request).app.db
    done = sum(1 for f in job.files if digitise.pages_from_source(db, book_id, str(f)))
    return {"job": job, "book_id": book_id, "done": done, "total": len(job.files)}


@router.post("/books/{book_id}/import")
def book_import(
    request: Request,
    book_id: int,
    user: Annotated[UserInfo, Depends(can_import)],
    files: Annotated[list[UploadFile], File()],
) -> Response:
    from indexer.registers.books import find_book
    from indexer.registers.model import RegisterError
    from sohoa.bookfiles import add_files

    app = desk_of(request).app
    try:
        find_book(app.db, book_id)
    except RegisterError:
        raise HTTPException(404) from None
    jobs = _jobs(request)
    if book_id in jobs and jobs[book_id].running:
        return _answer(request, book_id, error="Sổ này đang nhập trang; chờ xong rồi nhập tiếp.")
    files = [f for f in files if f.filename][:MAX_FILES]
    if not files:
        return _answer(request, book_id, error="Chưa chọn tệp ảnh nào.")
    folder = app.settings.data_dir / "uploads" / f"book-{book_id}" / datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder.mkdir(parents=True, exist_ok=True)
    staged = []
    for n, up in enumerate(files, 1):
        target = folder / _safe_name(up.filename or "", n)
        with target.open("wb") as out:
            while chunk := up.file.read(1 << 20):
                out.write(chunk)
        staged.append(target)
    job = ImportJob(staged)

    def run() -> None:
        try:
            job.result = add_files(app, book_id, staged, actor=user.username)
        except RegisterError as e:
            job.error = e.message
        except Exception as e:  # the person is told; the log has the rest
            job.error = f"Nhập trang bị lỗi: {type(e).__name__}"
            raise

    job.thread = threading.Thread(target=run, name=f"book-import-{book_id}", daemon=True)
    jobs[book_id] = job
    with app.db.write() as s:
        audit(s, user.username, "book.import", "register_book", book_id, {"files": len(staged), "desk": True})
    job.thread.start()
    return _answer(request, book_id)


def _answer(request: Request, book_id: int, error: str = "") -> Response:
    if not request.headers.get("HX-Request"):
        return RedirectResponse(f"/books/{book_id}#book-import", status_code=303)
    return render(request, "books/_import.html", {**import_progress(request, book_id), "error": error})


@router.get("/books/{book_id}/import/progress")
def book_import_progress(request: Request, book_id: int, user: Annotated[UserInfo, Depends(can_import)]) -> Response:
    return render(request, "books/_import.html", {**import_progress(request, book_id), "error": ""})
