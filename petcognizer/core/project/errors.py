"""The one exception type of project operations."""

from __future__ import annotations

__all__ = ['ProjectError']


class ProjectError(Exception):
    """A project operation that cannot be done; the message names the file or folder and what to do."""
