"""The engine: machine learning in a separate, warm process that the window talks to.

The window (``petcognizer.gui``) never imports torch. It sends named jobs to one
child process through :class:`petcognizer.engine.client.EngineClient` and gets
the core's progress events (:mod:`petcognizer.core.events`) and a plain-data
result back. The CLI runs the same job functions in its own process
(:func:`petcognizer.engine.jobs.run_inline`). See ``docs/ENGINE.md``.

Modules:
    protocol: the messages on the pipe and the helpers both sides share.
    client: the parent side (Qt-free; imported by the window, never loads torch).
    server: the child side: a reader loop and one thread per job.
    jobs: the named job functions (they call the core; imported by the CLI and the child).
    testjobs: small jobs for the engine's own tests (``PETCOGNIZER_ENGINE_TEST_JOBS=1``).

This package imports nothing at import time: ``import petcognizer.engine.client``
must stay light and torch-free.
"""
