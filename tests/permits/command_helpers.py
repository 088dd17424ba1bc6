"""Run a management command as the shell does: its exit code, stdout and stderr."""
import io
from contextlib import redirect_stderr, redirect_stdout

from django.core.management import ManagementUtility


def run(*argv):
    """(exit code, stdout, stderr) of `manage.py *argv` in this process (so on the test database)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit:
            code = exit.code
    return code, out.getvalue(), err.getvalue()
