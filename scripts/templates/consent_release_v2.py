"""Build the default Word templates for ``consent_release`` version 2 (English, Spanish,
Arabic): version 1's body (``consent_release_v1.build_body``) with what changed.

    .venv/bin/python scripts/templates/consent_release_v2.py

What changed, and why (version 1 stays byte for byte as signed documents pinned it):
* a consent that covers substance use counseling notes says it is their separate consent and
  covers nothing else (42 CFR 2.31(b)); version 1 said it did not cover them;
* when services depend on signing, the ground HIPAA allows is printed (45 CFR 164.508(b)(4));
* Spanish: "Saying no will not be held against you" no longer reads as a typo.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from functools import partial

import texts
from _docx import main
from consent_release_v1 import TEMPLATE, build_body

if __name__ == "__main__":
    spec = replace(TEMPLATE, version=2, effective="2026-12-05")
    words = texts.for_template(texts.CONSENT_RELEASE_V2)
    sys.exit(main(spec, partial(build_body, version=2), words))
