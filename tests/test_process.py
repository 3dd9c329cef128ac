import subprocess
import sys

RSS = """
def rss():
    with open("/proc/self/status") as status:
        return next(int(x.split()[1]) for x in status if x.startswith("VmRSS")) / 1024
"""

# Four staff sign in at once on a web worker's threads, three times over: how much more the
# process holds afterwards, in MB.
SIGN_INS = (
    RSS
    + """
import sys, threading
from argon2 import PasswordHasher
from forms_service import process
from forms_service.accounts.service import PASSWORD_COST

if sys.argv[1] == "settled":
    process.settle()
hasher = PasswordHasher(**PASSWORD_COST)
stored = hasher.hash("a password")
before = rss()
for _ in range(3):
    threads = [threading.Thread(target=hasher.verify, args=(stored, "a password"))
               for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
print(rss() - before)
"""
)


# A job leaves the heap free in pieces: 80 MB of blocks, one in fifty still in use.
A_JOB = (
    RSS
    + """
import sys
from forms_service import process

before = rss()
blocks = [bytes(4000) for _ in range(20000)]
kept = blocks[::50]
del blocks
if sys.argv[1] == "given back":
    process.give_back()
print(rss() - before)
"""
)


def grown_mb(script: str, how: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", script, how], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def test_a_settled_worker_gives_back_the_memory_of_password_checks():
    """Each argon2 check takes 19 MiB; without `settle`, glibc keeps what the threads freed
    (the web worker grew 90 MB in the 50-signer burst)."""
    assert grown_mb(SIGN_INS, "as started") > 40  # four blocks kept, one per thread's heap
    assert grown_mb(SIGN_INS, "settled") < 10


def test_after_a_job_the_heap_s_free_pages_go_back_to_the_system():
    """A render worker held 226 MB after 60 documents, 191 MB when each gave its free pages
    back; the pages between the blocks still in use are returned too."""
    assert grown_mb(A_JOB, "kept") > 60
    assert grown_mb(A_JOB, "given back") < 10
