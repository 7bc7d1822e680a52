"""Every word an operator reads is Chinese: no raw status, action or vocabulary code, no doubled label, on any page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from liandong.core import vocabulary
from liandong.workorder.lifecycle import Action, Status

CODES = {s.value for s in Status} | {a.value for a in Action} | {"guidance", "invalid", "kb:item:", "kb:passage:"}
for name in ("REPLY_RESULTS", "CALLBACK_OUTCOMES", "OBJECTION_REASONS", "CLOSE_REASONS", "HOP_OUTCOMES", "UNIT_KINDS"):
    CODES |= set(getattr(vocabulary, name).codes)
# Codes that are also ordinary words or numbers on a page.
CODES -= {"note", "append", "merge", "close", "return", "reply"}
WORD = re.compile(r"(?<![A-Za-z_:])(" + "|".join(sorted(map(re.escape, CODES), key=len, reverse=True)) + r")(?![A-Za-z_])")


class VisibleText(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles; `<code>` (unit codes, ids for administrators) skipped."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


PAGES = {
    "w_taker": ["/intake", "/orders", "/review", "/callbacks", "/kb", "/orders?status=closed", "/orders?status=transferred_110"],
    "w_dispatcher": ["/dispatch", "/dispatch?tab=returned", "/dispatch?tab=objections", "/dispatch?tab=extensions", "/dispatch?tab=counties"],
    "w_zjj": ["/unit", "/unit?tab=doing", "/unit?tab=replied", "/unit?tab=assist"],
    "w_supervisor": ["/supervision", "/supervision?tab=returns", "/supervision?tab=unsatisfied", "/review", "/callbacks", "/kb/review"],
    "w_admin": ["/admin/units", "/admin/units?area=140525", "/admin/users", "/admin/deadlines", "/admin/transfer"],
}


@pytest.fixture(scope="module")
def seeded(engine):
    from liandong.core.clock import now
    from liandong.db import unit_of_work
    from liandong.workorder.demo import seed_demo

    with unit_of_work(engine) as session:
        seed_demo(session, now=now(), count=80, seed=7, only_if_empty=False)


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_speak_chinese(browser, seeded, username):
    tab = browser(username)
    order_links: set[str] = set()
    for url in PAGES[username]:
        response = tab.get(url)
        assert response.status_code == 200, url
        text = visible(response.text)
        assert not WORD.findall(text), (url, WORD.findall(text)[:5])
        assert not re.search(r"(已\w{1,4})（\1）", text), url  # "已派单（已派单）"
        order_links |= set(re.findall(r'href="(/orders/\d+)"', response.text)[:6])
    for url in sorted(order_links)[:12]:
        text = visible(tab.get(url).text)
        assert not WORD.findall(text), (url, WORD.findall(text)[:5])
