"""What the client's language costs from signature to archive, measured in one run on one
warm converter: the same signed consent in English, in Spanish and in Arabic, the last two
with and without the English copy filed beside them (`Agency.file_english_copy`).
Prints docs/s and p50/p95 per way and, as its last line:
  es_vs_en=<p50 ratio> copy_cost=<p50 es with copy / es without>

    .venv/bin/python bench/language_bench.py --docs 20
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from render_bench import machine, p95, run, signed_jobs  # noqa: E402

from forms_service import create_app  # noqa: E402
from forms_service.database import upgrade_schema  # noqa: E402
from forms_service.extensions import db  # noqa: E402

WAYS = [
    ("English", "en", False),
    ("Spanish, no copy", "es", False),
    ("Spanish + English copy", "es", True),
    ("Arabic, no copy", "ar", False),
    ("Arabic + English copy", "ar", True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    p50s = {}
    with tempfile.TemporaryDirectory(prefix="language-bench-") as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/forms.db",
                "CONVERTER": "pool",
                "CONVERTERS": 1,
                "CONVERTER_BASE_PORT": 24000,
                "RENDER_QUEUE": "inline",
            }
        )
        with app.app_context():
            upgrade_schema()
            run(app, signed_jobs(2), 1)  # start the converter: a warm pool is the steady state
            for name, language, copy in WAYS:
                wall, latencies = run(app, signed_jobs(args.docs, language, copy), 1)
                p50s[name] = statistics.median(latencies)
                print(
                    f"{name}: {args.docs} docs in {wall:.1f} s = {args.docs / wall:.2f} docs/s, "
                    f"p50 {p50s[name]:.0f} ms, p95 {p95(latencies):.0f} ms"
                )
            app.extensions["forms_converter"].shutdown()
            db.engine.dispose()
    es_vs_en = p50s["Spanish, no copy"] / p50s["English"]
    copy_cost = p50s["Spanish + English copy"] / p50s["Spanish, no copy"]
    print(f"es_vs_en={es_vs_en:.2f} copy_cost={copy_cost:.2f}")


if __name__ == "__main__":
    main()
