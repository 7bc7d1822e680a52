"""Template rendering in the sandbox with a fixed set of fields; everything else refused in Chinese."""

from __future__ import annotations

import pytest

from liandong.core.errors import ValidationFailed
from liandong.notify import templates
from liandong.notify.events import Event


def test_every_default_template_checks_and_renders_with_and_without_a_tracking_code():
    defaults = templates.defaults()
    assert set(defaults) == {e.value for e in Event}
    for body in defaults.values():
        assert templates.check(body) == body
        text = templates.render(body, templates.SAMPLE)
        assert "{{" not in text and "JC-20261201-000123" in text
    accepted = defaults["accepted"]
    assert "查询码K7Q2-M9XD" in templates.render(accepted, templates.SAMPLE)
    assert "查询码" not in templates.render(accepted, {**templates.SAMPLE, "tracking_code": None})


@pytest.mark.parametrize("body, message", [
    ("", "不能为空"),
    ("   ", "不能为空"),
    ("您好{{ phone }}", "未知字段：phone"),
    ("{{ number }}{{ caller_name }}{{ content }}", "未知字段：caller_name、content"),
    ("{% for x in items %}{{ x }}{% endfor %}", "未知字段：items"),
    ("编号{{ number ", "模板语法错误"),
    ("{{ number.__class__.__mro__ }}", "模板无法生成短信"),
    ("{{ title.__init__.__globals__ }}", "模板无法生成短信"),
    ("x" * 1001, "不能超过 1000 字"),
    ("a\x00b", "非法字符"),
    ("{% for i in range(600) %}{{ number }}{% endfor %}", "超过 500 字"),
])
def test_refusals_are_in_chinese(body, message):
    with pytest.raises(ValidationFailed, match=message) as caught:
        templates.check(body)
    assert caught.value.field == "body"


@pytest.mark.parametrize("body, expected", [
    ("编号{{ number }}", "编号JC-20261201-000123"),
    ("{{ title }}\n\n  由{{ department }}办理", "巴公镇锦绣小区楼上装修噪音扰民 由泽州县巴公镇人民政府办理"),
    ("{% if tracking_code %}码{{ tracking_code }}{% else %}无码{% endif %}", "码K7Q2-M9XD"),
    ("{{ number | replace('JC-', '') }}", "20261201-000123"),
    ("<b>{{ hotline }}</b>", "<b>12345</b>"),  # an SMS: nothing is HTML-escaped
])
def test_rendering(body, expected):
    assert templates.render(templates.check(body), templates.SAMPLE) == expected


def test_missing_fields_render_empty_and_unknown_keys_are_ignored():
    assert templates.render("[{{ tracking_code }}]{{ number }}", {"number": "N1", "secret": "x"}) == "[]N1"
