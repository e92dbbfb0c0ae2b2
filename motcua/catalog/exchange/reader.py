"""Typed reads of one JSON object for validation: each bad value is recorded with its path (and
line) instead of stopping at the first, and all of them are raised together.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from motcua.catalog.exchange.schema import MAX_AMOUNT, MAX_ERRORS, decimal_text
from motcua.common.errors import InvalidInput


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.total = 0

    def add(self, where: str, message: str, *, line: int | None = None) -> None:
        self.total += 1
        if len(self.messages) >= MAX_ERRORS:
            return
        if line is None:
            self.messages.append(f"{where}: {message}")
        else:
            self.messages.append(
                _("Dòng %(line)s: %(where)s: %(message)s")
                % {"line": line, "where": where, "message": message}
            )

    def raise_if_any(self) -> None:
        if not self.total:
            return
        messages = list(self.messages)
        if self.total > len(messages):
            messages.append(_("… và %(count)s lỗi khác.") % {"count": self.total - len(messages)})
        raise InvalidInput(
            _("Tệp danh mục có %(count)s lỗi. %(first)s")
            % {"count": self.total, "first": messages[0]},
            code="catalog_invalid",
            details={"errors": messages},
        )


_MISSING = object()


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class _Reader:
    """Reads typed values out of one JSON object, recording an error for each bad one."""

    def __init__(
        self,
        errors: _Errors,
        where: str,
        value: object,
        allowed: tuple[str, ...],
        *,
        line: int | None = None,
    ) -> None:
        self.errors = errors
        self.where = where
        self.line = line
        self.ok = isinstance(value, dict)
        self.data: dict = value if isinstance(value, dict) else {}
        if not self.ok:
            self.errors.add(where, _("phải là một đối tượng JSON {…}."), line=line)
            return
        for key in self.data:
            if key not in allowed:
                self.error(key, _("trường không được hỗ trợ (có thể gõ sai tên?)."))

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> None:
        self.errors.add(self.path(key), message, line=self.line)

    def _get(self, key: str, required: bool) -> object:
        if key not in self.data:
            if required and self.ok:
                self.error(key, _("thiếu trường bắt buộc."))
            return _MISSING
        return self.data[key]

    def text(
        self, key: str, *, max_length: int | None = None, required: bool = False, default=""
    ) -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(key, _("phải là một chuỗi ký tự."))
            return default
        value = value.strip()
        if required and not value:
            self.error(key, _("không được để trống."))
        if max_length is not None and len(value) > max_length:
            self.error(key, _("dài quá %(max)s ký tự.") % {"max": max_length})
        return value

    def optional_text(self, key: str, *, max_length: int) -> str | None:
        value = self._get(key, False)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, _("phải là null hoặc một chuỗi ký tự không rỗng."))
            return None
        value = value.strip()
        if len(value) > max_length:
            self.error(key, _("dài quá %(max)s ký tự.") % {"max": max_length})
        return value

    def boolean(self, key: str, *, default: bool | None) -> bool | None:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, _("phải là true hoặc false."))
            return default
        return value

    def integer(
        self,
        key: str,
        *,
        default: int | None,
        minimum: int = 0,
        maximum: int = 32767,
        required: bool = False,
        nullable: bool = False,
    ) -> int | None:
        value = self._get(key, required)
        if value is _MISSING or (nullable and value is None):
            return default if value is _MISSING else None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, _("phải là một số nguyên."))
            return default
        if not minimum <= value <= maximum:
            self.error(
                key,
                _("phải từ %(min)s đến %(max)s.") % {"min": minimum, "max": maximum},
            )
            return default
        return value

    def choice(self, key: str, choices: type, *, default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is _MISSING:
            return default or ""
        values = [choice.value for choice in choices]
        if value not in values:
            self.error(
                key,
                _("giá trị %(value)s không hợp lệ; chọn một trong: %(choices)s.")
                % {"value": _shown(value), "choices": ", ".join(values)},
            )
            return default or ""
        return value

    def amount(self, key: str, *, default: str | None) -> str:
        value = self._get(key, default is None)
        if value is _MISSING:
            return default or "0"
        number = None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        if (
            number is None
            or not number.is_finite()
            or number < 0
            or number > MAX_AMOUNT
            or number != number.quantize(Decimal("0.01"))
        ):
            self.error(
                key,
                _(
                    "phải là một số không âm, nhỏ hơn 10000, tối đa hai chữ số thập phân "
                    '(ví dụ "0.5"); nhận được %(value)s.'
                )
                % {"value": _shown(value)},
            )
            return "0"
        return decimal_text(number)

    def objects(self, key: str) -> list[tuple[int, object]]:
        value = self._get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, _("phải là một danh sách […]."))
            return []
        return list(enumerate(value))

    def child(self, key: str, index: int, value: object, allowed: tuple[str, ...]) -> _Reader:
        return _Reader(self.errors, f"{self.where}.{key}[{index}]", value, allowed, line=self.line)
