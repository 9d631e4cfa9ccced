"""What one running service holds: settings, the database, the results, the screening index."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from tianluo.service.analysis.references import PersonRefs
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.auth.tokens import TokenCache
from tianluo.service.db import make_engine, session_factory
from tianluo.service.screening.index import ScreeningIndex
from tianluo.service.screening.recorder import CheckRecorder
from tianluo.service.settings import ServiceSettings, database_url, secret_key, service_dir
from tianluo.workspace import Workspace


@dataclass(slots=True)
class ServiceContext:
    settings: ServiceSettings
    workspace: Workspace
    engine: sa.Engine
    sessions: sessionmaker[Session]
    secret: str
    tokens: TokenCache
    results: ResultsStore
    refs: PersonRefs
    screening: ScreeningIndex
    recorder: CheckRecorder

    @classmethod
    def open(cls, settings: ServiceSettings, workspace: Workspace) -> ServiceContext:
        url = database_url(settings, workspace)
        engine = make_engine(url)
        lock_file = service_dir(workspace) / "writes.lock" if url.startswith("sqlite") else None
        sessions = session_factory(engine)
        results = ResultsStore(workspace)
        secret = secret_key(settings, workspace)
        return cls(
            settings=settings,
            workspace=workspace,
            engine=engine,
            sessions=sessions,
            secret=secret,
            tokens=TokenCache(settings.token_cache_seconds),
            results=results,
            refs=PersonRefs(results, secret),
            screening=ScreeningIndex(results, sessions, settings.screening_index_refresh_seconds),
            recorder=CheckRecorder(
                engine,
                batch_max=settings.screening_batch_max,
                linger_ms=settings.screening_linger_ms,
                lock_file=lock_file,
            ),
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @property
    def files_dir(self) -> str:
        return str(service_dir(self.workspace) / "files")

    def close(self) -> None:
        self.recorder.stop()
        self.screening.stop()
        self.engine.dispose()
