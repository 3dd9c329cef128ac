import subprocess
import sys

# Four staff sign in at once on a web worker's threads, three times over: how much more the
# process holds afterwards, in MB.
SIGN_INS = """
import sys, threading
from argon2 import PasswordHasher
from forms_service import process
from forms_service.accounts.service import PASSWORD_COST

if sys.argv[1] == "settled":
    process.settle()
hasher = PasswordHasher(**PASSWORD_COST)
stored = hasher.hash("a password")

def rss():
    with open("/proc/self/status") as status:
        return next(int(x.split()[1]) for x in status if x.startswith("VmRSS")) / 1024

before = rss()
for _ in range(3):
    threads = [threading.Thread(target=hasher.verify, args=(stored, "a password"))
               for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
print(rss() - before)
"""


def grown_mb(how: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", SIGN_INS, how], capture_output=True, text=True, check=True
    )
    return float(done.stdout)


def test_a_settled_worker_gives_back_the_memory_of_password_checks():
    """Each argon2 check takes 19 MiB; without `settle`, glibc keeps what the threads freed
    (the web worker grew 90 MB in the 50-signer burst)."""
    assert grown_mb("as started") > 40  # four blocks kept, one per thread's heap
    assert grown_mb("settled") < 10
