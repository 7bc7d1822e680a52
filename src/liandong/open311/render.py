"""GeoReport v2 bodies in XML and JSON from one plain structure (pure).

JSON follows the spec's Spark convention: a list element (`<services>` holding `<service>`…) is a JSON array, a
record is an object, an empty element is null. XML is schemaless, UTF-8, with the XML declaration, and uses the
spec's element names. Booleans are `true`/`false` in both.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from xml.etree import ElementTree

from liandong.core.clock import SHANGHAI

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
FORMATS = {"xml": XML_TYPE, "json": JSON_TYPE}
MIME_TYPES = ("text/xml", "application/json")  # as the discovery document lists them

# The element each list holds, as the specification names it.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_request_updates": "request_update",
}

# Characters XML 1.0 cannot carry at all (NUL is refused at the door; the rest would break a client's parser).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3(value: datetime | None) -> str | None:
    """W3C date-time with the offset, in Asia/Shanghai (2023-09-28T10:00:00+08:00)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _fill(element: ElementTree.Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), key, child)
    elif isinstance(value, list):
        item = ITEMS[name]
        for child in value:
            _fill(ElementTree.SubElement(element, item), item, child)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, root, value)
    body = ElementTree.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(fmt: str, root: str, value) -> tuple[bytes, str]:
    """The body and its content type; `root` names the XML root element (JSON has none)."""
    if fmt == "json":
        return to_json(value), JSON_TYPE
    return to_xml(root, value), XML_TYPE


def errors(fmt: str, problems: list[tuple[int | str, str]]) -> tuple[bytes, str]:
    return render(fmt, "errors", [{"code": code, "description": description} for code, description in problems])


def open311_http_status(status: int) -> int:
    """The spec's error codes: 404 for what does not exist, 403 for a missing or wrong api_key, 400 for the rest."""
    if status in (401, 403):
        return 403
    if status in (404, 413):
        return status
    return 400


def format_of(path: str) -> str:
    """The format a path asks for (`….json` → json); anything else gets the spec's required format, XML."""
    return "json" if path.rsplit("/", 1)[-1].endswith(".json") else "xml"
