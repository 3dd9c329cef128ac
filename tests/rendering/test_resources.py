"""What a render draws on, apart from the libraries that make documents."""

import os
import subprocess
import sys

# The libraries that fill, convert, draw and seal documents: 60 MB of a process.
RENDERERS = ("docx", "docxtpl", "pyhanko", "pypdf", "pypdfium2", "reportlab", "boto3")

WEB_WORKER = f"""
import sys
from forms_service import create_app

app = create_app({{"RENDER_QUEUE": "celery"}})
assert app.test_client().get("/login").status_code == 200
print(" ".join(name for name in {RENDERERS!r} if name in sys.modules))
"""


def test_a_web_worker_that_leaves_its_renders_to_celery_never_loads_the_renderers(tmp_path):
    """The web worker's size (RSS 250 -> 150 MB in the 50-signer burst): each library is
    loaded by what uses it (a job, a client's copy, a preview, the seal check)."""
    env = {**os.environ, "FORMS_INSTANCE": str(tmp_path), "FORMS_SECRET_KEY": "x" * 32}
    done = subprocess.run(
        [sys.executable, "-c", WEB_WORKER], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == []
