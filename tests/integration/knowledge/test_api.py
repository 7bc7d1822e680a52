"""The /api/kb router over a real database: search with citations, documents, item CRUD and transitions."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from liandong.account import tokens
from liandong.core.clock import now
from liandong.core.http import install_error_handlers
from liandong.db import unit_of_work
from liandong.knowledge.api import router


@pytest.fixture
def client(engine, corpus):
    # The knowledge API answers only a caller with a role and scopes: an integration token of a hotline supervisor.
    with unit_of_work(engine) as session:
        _row, secret = tokens.create_token(
            session, now=now(), name=f"kb-{uuid.uuid4().hex[:8]}", role="supervisor", scopes=["kb:read", "kb:write"]
        )
    app = FastAPI()
    app.state.engine = engine
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as test_client:
        yield test_client


def test_search_and_documents(client):
    response = client.get("/api/kb/search", params={"q": "小孩没有身份证怎么坐飞机", "top": 2})
    assert response.status_code == 200, response.text
    results = response.json()
    assert len(results) == 2 and "未成年人临时乘机证明" in results[0]["passage"]
    response = client.get("/api/kb/search", params={"q": "实施方案", "source": "gazette", "date_from": "2023-06-01"})
    assert response.status_code == 200 and all(r["date"] >= "2023-06-01" for r in response.json())
    response = client.get("/api/kb/search", params={"q": "x", "source": "tweets"})
    assert response.status_code == 422 and "未知的来源类型" in response.json()["detail"]
    documents = client.get("/api/kb/docs", params={"source": "gazette"}).json()
    assert len(documents) == 19 and all(d["doc_number"] for d in documents)


def test_answer(client):
    response = client.get("/api/kb/answer", params={"q": "渣土车啥时候换成新能源"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "渣土车更换为新能源车" in body["answer"] and body["citation"]["city"] == "晋城市"
    assert {"title", "doc_number", "source", "start", "end", "other_city"} <= set(body["citation"])
    missing = client.get("/api/kb/answer", params={"q": "医保卡里的钱咋查余额"}).json()
    assert missing["answer"] is None and missing["message"] == "知识库中没有找到可靠答案"
    assert client.get("/api/kb/answer", params={"q": ""}).status_code == 422
    assert client.get("/api/kb/answer", params={"q": "渣土车", "top": 0}).status_code == 422


def test_item_crud_and_transitions(client):
    response = client.post("/api/kb/items", json={"question": "公租房怎么申请", "department_code": "zjj"})
    assert response.status_code == 201, response.text
    item = response.json()
    response = client.post(f"/api/kb/items/{item['id']}/submit")
    assert response.status_code == 422 and "答复口径" in response.json()["detail"]
    response = client.patch(f"/api/kb/items/{item['id']}", json={"answer": "到住建局窗口申请。", "tags": ["住房"]})
    assert response.status_code == 200 and response.json()["tags"] == ["住房"]
    for action in ("submit", "approve", "publish"):
        response = client.post(f"/api/kb/items/{item['id']}/{action}", json={"note": ""})
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    response = client.post(f"/api/kb/items/{item['id']}/publish")
    assert response.status_code == 409 and "已发布" in response.json()["detail"]
    response = client.post(f"/api/kb/items/{item['id']}/destroy")
    assert response.status_code == 422
    visible = client.get("/api/kb/items", params={"visible": True}).json()
    assert item["id"] in [i["id"] for i in visible]
    found = client.get("/api/kb/search", params={"q": "公租房怎么申请", "source": "item"}).json()
    assert found[0]["item_id"] == item["id"]
    assert client.get("/api/kb/items/987654").status_code == 404
    # Clean up: this test commits through the app's own sessions.
    client.post(f"/api/kb/items/{item['id']}/expire")
