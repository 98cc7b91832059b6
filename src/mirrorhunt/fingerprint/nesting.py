"""A guard for the parser: HTML nested thousands of levels deep costs it time quadratic in the depth.

The depth is estimated from the tags alone (elements whose end tag is optional and void elements
do not count); the page is cut where the estimate passes ``MAX_NESTING``. Real pages stay far below
(the deepest of the dev corpus: about 400).
"""

from __future__ import annotations

import re
from itertools import islice

import numpy as np

MAX_NESTING = 1000
_OPTIONAL_END = (
    "p|li|dt|dd|option|optgroup|tr|td|th|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|rtc|html|head|body"
)
_VOID = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|frame|keygen|basefont|image"
_NESTING_TAG = re.compile(rf"<(/?)(?!(?:{_OPTIONAL_END}|{_VOID})[\s/>])[a-zA-Z]")


def cut_deep_nesting(html: str) -> tuple[str, bool]:
    """``html`` up to where its nesting passes ``MAX_NESTING``, and whether it was cut."""
    if html.count("<") - html.count("</") <= MAX_NESTING:  # the depth never exceeds the start tags
        return html, False
    marks = _NESTING_TAG.findall(html)  # "" opens an element, "/" closes one
    closing = np.fromiter(map(len, marks), dtype=np.int64, count=len(marks))
    depth = np.cumsum(1 - 2 * closing)
    too_deep = np.flatnonzero(depth > MAX_NESTING)
    if too_deep.size == 0:
        return html, False
    cut = next(islice(_NESTING_TAG.finditer(html), int(too_deep[0]), None)).start()
    return html[:cut], True
