"""Test-wide settings.

Under CI (``CI`` set, as ``.ci/run`` runs) Hypothesis draws the same examples
on every run and keeps no example database, so a fresh clone is green or red
for the code it holds, not for what an earlier run happened to find.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
