"""Work done once in the gunicorn master, before workers are forked (preload_app).

Every worker would otherwise compile the templates, build the URL maps and load the translation
catalogues on its first requests. Done in the master and then frozen out of the garbage
collector's reach, these objects are shared between workers (copy-on-write pages stay shared) and
collections in a worker no longer walk them on every request. No database or cache is touched:
connections must not be shared across fork.

Right after fork, each worker also takes over its stop signals at once (worker_signals_after_fork).
"""
import gc
import logging
import queue
import signal
from pathlib import Path

logger = logging.getLogger(__name__)


def app_warm_up():
    """Compile the project's templates, build the URL maps, load translations and static manifest."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    from permits.kernel.chinese import to_simplified, to_traditional

    compiled = 0
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            try:
                get_template(path.relative_to(directory).as_posix())
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment meant for inclusion only
                continue
    resolver = get_resolver()
    for _prefix, namespace in resolver.namespace_dict.values():
        namespace.reverse_dict  # noqa: B018  (reading it builds the namespace's map)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("行政许可事项")
    to_simplified("經營")  # builds each OpenCC converter (the Traditional one holds 26 MB)
    to_traditional("经营")
    try:
        staticfiles_storage.url("css/portal.css")
    except ValueError:  # collectstatic not run: the first request reports it, as without warm-up
        pass
    return compiled


def freeze_before_fork():
    """Move everything allocated so far out of the collector's generations (Python's gc.freeze)."""
    gc.collect()
    gc.freeze()


def worker_signals_after_fork(server, worker):
    """Let a new worker obey a stop signal that arrived before its own handlers were installed.

    Between fork and the worker's own setup the child still runs the master's handler, which only
    queues the signal in the child's copy of the master's queue: the worker would then serve on and
    a restart would wait the whole graceful timeout for it. Install the worker's handlers at once,
    then act on whatever the inherited handler queued.
    """
    signal.signal(signal.SIGTERM, worker.handle_exit)
    signal.signal(signal.SIGINT, worker.handle_quit)
    signal.signal(signal.SIGQUIT, worker.handle_quit)
    pending = set()
    while True:
        try:
            pending.add(server.SIG_QUEUE.get_nowait())
        except queue.Empty:
            break
    for sig in (signal.SIGQUIT, signal.SIGINT):
        if sig in pending:
            worker.handle_quit(sig, None)  # exits the process, as the signal itself would have
    if signal.SIGTERM in pending:
        worker.handle_exit(signal.SIGTERM, None)  # finishes booting, then leaves its loop at once
