"""Run a management command as the shell does: its exit code, stdout and stderr."""
import io
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

from django.core.management import ManagementUtility
from django.db import connections


def run(*argv):
    """(exit code, stdout, stderr) of `manage.py *argv` in this process (so on the test database)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    # run_from_argv closes every connection when it ends: that would close the test's own on PostgreSQL.
    with redirect_stdout(out), redirect_stderr(err), mock.patch.object(connections, "close_all"):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit:
            code = exit.code
    return code, out.getvalue(), err.getvalue()
