"""GeoReport v2 bodies: the spec's XML element names and declaration, the Spark-convention JSON, error bodies."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from xml.etree import ElementTree

import pytest

from liandong.open311 import render


def test_xml_has_the_declaration_and_the_spec_element_names():
    body = render.to_xml("service_requests", [{"service_request_id": "1", "status": "open", "lat": 35.5, "media_url": None}])
    text = body.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>')
    root = ElementTree.fromstring(body)
    assert root.tag == "service_requests"
    (request,) = list(root)
    assert request.tag == "request"
    assert [child.tag for child in request] == ["service_request_id", "status", "lat", "media_url"]
    assert request.findtext("lat") == "35.5"
    assert request.find("media_url").text is None  # an empty element, as the spec's examples show


@pytest.mark.parametrize(
    ("root", "value", "path"),
    [
        ("services", [{"service_code": "1"}], "service/service_code"),
        ("errors", [{"code": 403, "description": "x"}], "error/code"),
        ("service_request_updates", [{"update_id": "7"}], "request_update/update_id"),
        ("discovery", {"endpoints": [{"formats": ["text/xml", "application/json"]}]}, "endpoints/endpoint/formats/format"),
        ("service_definition", {"attributes": [{"values": [{"key": "help", "name": "求助"}]}]}, "attributes/attribute/values/value/key"),
    ],
)
def test_each_list_holds_the_element_the_spec_names(root, value, path):
    assert ElementTree.fromstring(render.to_xml(root, value)).find(path) is not None


def test_booleans_escaping_and_characters_xml_cannot_carry():
    body = render.to_xml("services", [{"metadata": True, "description": "<b>&\"甲\"\x01\x0b", "order": 1}])
    service = ElementTree.fromstring(body).find("service")
    assert service.findtext("metadata") == "true"
    assert service.findtext("description") == '<b>&"甲"'
    assert service.findtext("order") == "1"
    assert render.to_xml("errors", []).decode().endswith("<errors />")


def test_json_is_the_spark_mapping_of_the_same_structure():
    value = [{"service_code": "0101001", "metadata": False, "group": "城乡建设", "keywords": None}]
    body, content_type = render.render("json", "services", value)
    assert content_type == "application/json; charset=utf-8"
    assert json.loads(body) == value
    assert "城乡建设" in body.decode("utf-8")  # UTF-8, not \\u escapes


def test_errors_in_both_formats():
    body, content_type = render.errors("xml", [(403, "api_key 无效")])
    assert content_type == "text/xml; charset=utf-8"
    error = ElementTree.fromstring(body).find("error")
    assert (error.findtext("code"), error.findtext("description")) == ("403", "api_key 无效")
    body, _ = render.errors("json", [(404, "不存在"), (400, "缺少")])
    assert json.loads(body) == [{"code": 404, "description": "不存在"}, {"code": 400, "description": "缺少"}]


@pytest.mark.parametrize(("ours", "theirs"), [(401, 403), (403, 403), (404, 404), (409, 400), (422, 400), (400, 400), (405, 400), (413, 413)])
def test_http_status_as_the_spec_asks(ours, theirs):
    assert render.open311_http_status(ours) == theirs


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("/open311/v2/requests.json", "json"), ("/open311/v2/requests.xml", "xml"), ("/open311/v2/requests.csv", "xml"),
     ("/open311/v2/services/0101001.json", "json"), ("/open311/v2/nothing", "xml")],
)
def test_format_of_a_path(path, fmt):
    assert render.format_of(path) == fmt


def test_w3_datetimes_carry_the_offset():
    assert render.w3(datetime(2023, 9, 28, 2, 0, 0, 123, tzinfo=timezone.utc)) == "2023-09-28T10:00:00+08:00"
    assert render.w3(datetime(2023, 9, 28, 2, 0)) == "2023-09-28T10:00:00+08:00"  # stored UTC without tzinfo
    assert render.w3(None) is None
