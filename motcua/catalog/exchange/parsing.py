"""A file's text → the JSON document, with the line where each procedure starts so that
validation errors can name it.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from motcua.common.errors import InvalidInput


def parse_text(data: str | bytes) -> tuple[object, dict[int, int]]:
    """Parse the JSON text; return the document and the line where each procedure starts."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                _("Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí %(position)s).")
                % {"position": exc.start},
                code="catalog_encoding",
            ) from exc
    else:
        text = data.removeprefix("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _("Tệp JSON sai cú pháp ở dòng %(line)s, cột %(column)s: %(reason)s.")
            % {"line": exc.lineno, "column": exc.colno, "reason": _json_reason(exc.msg)},
            code="catalog_syntax",
            details={"line": exc.lineno, "column": exc.colno},
        ) from exc
    except RecursionError as exc:
        raise InvalidInput(_("Tệp JSON lồng nhau quá sâu."), code="catalog_syntax") from exc
    return document, _procedure_lines(text)


def _json_reason(message: str) -> str:
    reasons = {
        "Expecting property name enclosed in double quotes": _(
            "cần tên trường đặt trong ngoặc kép (có dấu phẩy thừa?)"
        ),
        "Expecting ',' delimiter": _("thiếu dấu phẩy"),
        "Expecting ':' delimiter": _("thiếu dấu hai chấm"),
        "Expecting value": _("thiếu giá trị hoặc giá trị không hợp lệ"),
        "Extra data": _("có dữ liệu thừa sau phần kết thúc"),
        "Unterminated string starting at": _("chuỗi chưa đóng ngoặc kép"),
        "Invalid control character at": _("ký tự điều khiển (xuống dòng, tab) nằm trong chuỗi"),
        "Invalid \\escape": _("ký tự thoát \\ không hợp lệ"),
    }
    return reasons.get(message, message)


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _procedure_lines(text: str) -> dict[int, int]:
    """Line numbers (1-based) of the elements of the top-level "procedures" array.

    Only called on text json.loads accepted, so the walk can trust the structure; raw_decode
    skips over each value without building more than it must.
    """
    decoder = json.JSONDecoder()

    def skip(position: int) -> int:
        return _WHITESPACE.match(text, position).end()

    position = skip(0)
    if text[position : position + 1] != "{":
        return {}
    offsets: list[int] = []
    position = skip(position + 1)
    if text[position] == "}":
        return {}
    while True:
        key, position = decoder.raw_decode(text, position)
        position = skip(skip(position) + 1)  # the colon
        if key == "procedures" and text[position] == "[":
            offsets = []
            position = skip(position + 1)
            if text[position] == "]":
                position += 1
            else:
                while True:
                    offsets.append(position)
                    _value, position = decoder.raw_decode(text, position)
                    position = skip(position)
                    separator = text[position]
                    position = skip(position + 1)
                    if separator == "]":
                        break
        else:
            _value, position = decoder.raw_decode(text, position)
        position = skip(position)
        separator = text[position]
        position = skip(position + 1)
        if separator == "}":
            break
    lines: dict[int, int] = {}
    line, previous = 1, 0
    for index, offset in enumerate(offsets):
        line += text.count("\n", previous, offset)
        previous = offset
        lines[index] = line
    return lines
