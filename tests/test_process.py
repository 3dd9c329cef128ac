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


# Five documents, each leaving 20 MB in a few reference cycles: too few objects for the
# collector's own schedule to look at them soon.
DOCUMENTS = (
    RSS
    + """
import sys
from forms_service import process

process.settle()


class Part:
    def __init__(self, whole):
        self.whole, self.data = whole, b"x" * (1 << 20)


def document():
    whole = []
    whole.extend(Part(whole) for _ in range(20))


before = rss()
for _ in range(5):
    if sys.argv[1] == "as jobs":
        with process.job():
            document()
    else:
        document()
        process.give_back()
print(rss() - before)
"""
)

# The first job keeps what it loaded; another job is running when it ends.
FIRST_JOBS = """
import gc, sys, threading
from forms_service import process

if sys.argv[1] == "settled":
    process.settle()
kept, started, finish = [], threading.Event(), threading.Event()


def second():
    with process.job():
        kept.append([[] for _ in range(1000)])
        started.set()
        finish.wait()


with process.job():
    kept.append([[] for _ in range(1000)])  # a cache the first job fills
    other = threading.Thread(target=second)
    other.start()
    started.wait()
frozen_while_running = gc.get_freeze_count()
finish.set()
other.join()
print(frozen_while_running, gc.get_freeze_count())
"""


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


def test_a_job_s_reference_cycles_are_collected_as_it_ends():
    """A render worker went 173-179 MB over 60 documents, 162 MB flat with this."""
    assert grown_mb(DOCUMENTS, "given back only") > 60
    assert grown_mb(DOCUMENTS, "as jobs") < 10


def test_what_the_first_jobs_keep_is_frozen_once_none_is_running():
    """Later collections walk only a job's own objects; an object of a job still running is
    not frozen (it would be kept for good), nor is anything in a process never settled."""
    before, after = map(
        int,
        subprocess.check_output([sys.executable, "-c", FIRST_JOBS, "settled"], text=True).split(),
    )
    assert after - before > 2000  # both jobs' caches, frozen once the second ended
    unsettled = subprocess.check_output([sys.executable, "-c", FIRST_JOBS, "not settled"])
    assert unsettled.split() == [b"0", b"0"]


# Eight threads allocate at once (blocks past pymalloc's 512 bytes come from glibc): how many
# heaps ("arenas") glibc then has, from its own report.
ARENAS = """
import ctypes, sys, tempfile, threading
from forms_service import process
if sys.argv[1] == "settled":
    process.settle()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
start = threading.Barrier(8)

def allocate():
    start.wait()
    for _ in range(3000):
        kept = [bytearray(4096) for _ in range(16)]

threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with tempfile.NamedTemporaryFile() as report:
    out = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(out))
    libc.fclose(ctypes.c_void_p(out))
    print(open(report.name).read().count("<heap nr="))
"""


def test_a_settled_worker_s_threads_share_two_heaps():
    """glibc gives threads that allocate at once heaps of their own, up to eight per core,
    each keeping what was freed in it: a render or web worker's threads share two (a web
    worker after the 50-signer burst 113 -> 107 MB, the render process 154 -> 151)."""
    assert grown_mb(ARENAS, "as started") > 2
    assert grown_mb(ARENAS, "settled") <= 2
