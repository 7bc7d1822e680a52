"""Text files people bring: UTF-8 (with or without a BOM) or GB18030, as files saved on Chinese Windows machines are."""

from __future__ import annotations

from liandong.core.errors import ValidationFailed

ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes, *, name: str, field: str = "file") -> str:
    """The text of a file's bytes, or a clear error naming the file when neither encoding reads it."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(f"无法识别文件编码（应为 UTF-8 或 GB18030）：{name}", field=field)
