"""Vietnamese text folding for search.

Stored search columns hold folded text so that SQLite and PostgreSQL match the same way:
SQLite's LIKE folds ASCII case only and neither database maps đ to d without help.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks, map đ→d, keep letters and digits.

    "Đăng ký khai sinh" → "dang ky khai sinh"; punctuation becomes a single space.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def search_key(text: str) -> str:
    """The folded text with the i/y spelling variant merged ("ký" and "kí" both give "ki")."""
    return fold(text).replace("y", "i")
