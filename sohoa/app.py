"""The parts every command needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from capture.intake import Intake
from capture.store import ContentStore
from config import Settings
from indexer.db import Database, open_database
from indexer.intake import DbIntakeSink
from sohoa.atrest import check_sqlite_at_start, prepare_sqlite, secure_sqlite, sqlite_path
from sohoa.options import limits


@dataclass
class App:
    settings: Settings

    @cached_property
    def db(self) -> Database:
        self.settings.ensure_dirs()
        db_file = sqlite_path(self.settings.db_url)
        if db_file is not None:
            check_sqlite_at_start(db_file, self.settings.originals_dir)
            prepare_sqlite(db_file)
        db = open_database(self.settings.db_url)
        if db_file is not None:
            secure_sqlite(db_file)
        return db

    @cached_property
    def store(self) -> ContentStore:
        self.settings.ensure_dirs()
        return ContentStore(self.settings.originals_dir)

    @cached_property
    def intake(self) -> Intake:
        return Intake(self.store, DbIntakeSink(self.db), limits(self.settings), self.settings.quarantine_dir)

    def original_path(self, store_key: str) -> Path:
        return self.settings.originals_dir / store_key

    def archive_key(self, sha256: str, page_no: int, ext: str) -> str:
        return f"{sha256[:2]}/{sha256}/p{page_no:04d}{ext}"

    def archive_path(self, key: str) -> Path:
        return self.settings.archive_dir / key

    def close(self) -> None:
        if "db" in self.__dict__:
            from indexer import background

            background.stop(self.db)  # its queue stays in the database for the next start
            self.db.close()
