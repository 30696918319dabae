"""Every spaCy factory of ours, registered here with a versioned name.

Importing this module is what makes ``nlp.add_pipe("evidence.figures.v1")``
work; :mod:`evidence.nlp.pipeline` adds them in ``COMPONENTS`` order.
"""

from __future__ import annotations

COMPONENTS: tuple[tuple[str, str], ...] = ()
