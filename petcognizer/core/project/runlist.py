"""The project's run history: typed records, merged with runs other processes record.

The window keeps a project open while the CLI (``petcognizer train PROJECT``)
or the engine may record a run in the same ``project.json``. So before each
save the project merges in the runs on disk it does not know (except those it
removed itself), and :meth:`RunList.merge` is also what ``reload_runs`` uses.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from typing import Any

from petcognizer.core.project.errors import ProjectError
from petcognizer.core.runs import RunRecord

__all__ = ['RunList']

_FIELDS = frozenset(f.name for f in dataclasses.fields(RunRecord)) - {'id', 'extra'}


def _checked_json(record: RunRecord) -> None:
    """Fail here, not half-way through writing project.json."""
    try:
        json.dumps(record.to_dict())
    except (TypeError, ValueError) as exc:
        raise ProjectError(f'Run "{record.id}" cannot be saved in project.json ({exc}).') from None


class RunList:
    """Run records in the order they were recorded, oldest first; ids are unique."""

    def __init__(self, records: Iterable[RunRecord | dict[str, Any]] = ()):
        self._records: list[RunRecord] = [r if isinstance(r, RunRecord) else RunRecord.from_dict(r)
                                          for r in records]
        #: Ids removed in this session: a merge never brings them back.
        self._removed: set[str] = set()

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def to_json(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self._records]

    def get(self, run_id: str) -> RunRecord:
        """The record with this id; KeyError if there is none."""
        for r in self._records:
            if r.id == run_id:
                return r
        raise KeyError(run_id)

    def state(self) -> tuple[list[RunRecord], set[str]]:
        """A copy of the list, for :meth:`restore` when saving a change fails."""
        return list(self._records), set(self._removed)

    def restore(self, state: tuple[list[RunRecord], set[str]]) -> None:
        self._records, self._removed = list(state[0]), set(state[1])

    def __contains__(self, run_id: object) -> bool:
        return any(r.id == run_id for r in self._records)

    def add(self, record: RunRecord | dict[str, Any]) -> RunRecord:
        """Append a record (a dict is read with :meth:`RunRecord.from_dict`); return it."""
        if isinstance(record, dict):
            try:
                record = RunRecord.from_dict(record)
            except ValueError as exc:
                raise ProjectError(f'A run record needs an "id": {exc}.') from None
        if not isinstance(record, RunRecord):
            raise ProjectError(f'A run record must be a RunRecord, not {type(record).__name__}.')
        if record.id in self:
            raise ProjectError(f'A run with id "{record.id}" is already recorded; use update_run.')
        _checked_json(record)
        self._records.append(record)
        self._removed.discard(record.id)
        return record

    def update(self, run_id: str, fields: dict[str, Any]) -> RunRecord:
        """Set fields of a record (unknown names go to ``extra``); all or nothing. KeyError: no such run."""
        record = self.get(run_id)
        if 'id' in fields and fields['id'] != run_id:
            raise ProjectError(f'The id of run "{run_id}" cannot be changed.')
        known = {k: v for k, v in fields.items() if k in _FIELDS}
        extra = {k: v for k, v in fields.items() if k not in _FIELDS and k != 'id'}
        updated = dataclasses.replace(record, **known, extra={**record.extra, **extra})
        _checked_json(updated)
        self._records[self._records.index(record)] = updated
        return updated

    def remove(self, run_id: str) -> RunRecord:
        """Take a record out (KeyError: no such run); a later :meth:`merge` does not bring it back."""
        record = self.get(run_id)
        self._records.remove(record)
        self._removed.add(run_id)
        return record

    def merge(self, on_disk: Iterable[RunRecord]) -> bool:
        """Append the records another process wrote that this list does not know; True if any."""
        known = {r.id for r in self._records} | self._removed
        new = [r for r in on_disk if r.id not in known]
        self._records += new
        return bool(new)
