"""Characters that XML 1.0 forbids, which no stored text may hold.

TMX and XLIFF are XML: a single U+0001 or U+FFFF in a segment makes the whole export unreadable.
Imports remove such characters; an editor's save is refused with the character named; the XML
writers drop any that got in by another way.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; the two non-characters; lone surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_forbidden(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _FORBIDDEN.sub("", text)


def first_forbidden(text: str) -> tuple[int, str] | None:
    """The code-point offset and character of the first forbidden character, if any."""
    match = _FORBIDDEN.search(text)
    return (match.start(), match.group()) if match else None


def describe(char: str) -> str:
    """`U+0001` style name for a message a user reads."""
    return f"U+{ord(char):04X}"
