"""Files people bring are read as UTF-8 (BOM or not) or GB18030; anything else is a clear error naming the file."""

from __future__ import annotations

import pytest

from liandong.core import textfile
from liandong.core.errors import ValidationFailed


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("泽州县巴公镇".encode(), "泽州县巴公镇"),
        ("\ufeff标题,内容".encode(), "标题,内容"),
        ("国务院办公厅通知".encode("gb18030"), "国务院办公厅通知"),
        (b"", ""),
    ],
)
def test_decodes_utf8_and_gb18030(data, text):
    assert textfile.decode(data, name="a.csv") == text


def test_undecodable_bytes_name_the_file():
    with pytest.raises(ValidationFailed, match="无法识别文件编码.*b.csv"):
        textfile.decode(b"\x81\x30", name="b.csv")
