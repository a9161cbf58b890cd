"""The HTTP service: classify, batch, feedback, limits, errors, metrics, health."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import socket
import time
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException

import medspam
from medspam.errors import ConfigError
from medspam.feedback import FeedbackStore
from medspam.http import ServiceSettings, create_app
from medspam.http import service as service_module
from medspam.http.runner import ClassifyRunner
from medspam.http.schemas import (
    BatchOut,
    BatchPageIn,
    ClassifyOut,
    FeedbackIn,
    PageIn,
    json_content,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

SPAM_PAGE = """<!doctype html><html lang="en"><head><title>Living with chronic back pain |
Neighbourhood Notes</title></head><body><nav><a href="/">Home</a> <a href="/groups">Groups</a></nav>
<div class="category">gardening</div><h1>Living with chronic back pain</h1><article>
<p>Chronic back pain affects millions of adults and is a leading cause of missed work. Doctors
usually start with physiotherapy, exercise and simple painkillers before anything stronger.</p>
<p>Opioids such as oxycodone and tramadol are sometimes prescribed for short periods after
surgery, but they carry a real risk of dependence and are rarely a long-term answer.</p>
<p>If you are thinking about buying oxycodone without a prescription for faster relief, read on.</p>
<h3>Read More</h3>
<p>https://oxycodone-pills-overnight.shop/product/oxycodone-80mg</p>
<ul><li><a href="https://oxycodone-pills-overnight.shop/">buy oxycodone online</a></li>
<li><a href="https://cheap-tramadol-norx.store/shop/tramadol-100mg">order tramadol no rx</a></li>
</ul></article><aside><h3>Members</h3><a href="/u/4411">garden_gran</a></aside></body></html>"""
SPAM_URL = "https://neighbourhood-notes.example/post/living-with-chronic-back-pain"
HAM_PAGE = ("<html><head><title>Sourdough basics</title></head><body><p>Feed the starter "
            "twice a day and bake when it doubles.</p></body></html>")
KEY = "k3y-that-must-not-leak-7f2c"


@pytest.fixture
def make_client(tmp_path: Path,
                classifier: medspam.Classifier) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**options: Any) -> TestClient:
        settings = ServiceSettings(db=tmp_path / "fb.sqlite3", **options)
        store = FeedbackStore(settings.db, max_pages=settings.max_pages_kept)
        client = TestClient(create_app(classifier, store, settings),
                            raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def classify(client: TestClient, html: str = SPAM_PAGE, url: str | None = SPAM_URL,
             **params: Any) -> dict[str, Any]:
    response = client.post("/v1/classify", json={"html": html, "url": url}, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_classify_json_gives_the_verdict_and_an_id(client: TestClient,
                                                   classifier: medspam.Classifier) -> None:
    body = classify(client)
    ClassifyOut.model_validate(body)
    assert body["verdict"] == "spam"
    assert body["category"] == "medical-drug-sales"
    assert len(body["verdict_id"]) == 32
    expected = classifier.classify(SPAM_PAGE, SPAM_URL).to_dict()
    assert {k: v for k, v in body.items() if k != "verdict_id"} == expected


def test_classify_raw_html_with_url_in_the_query(client: TestClient) -> None:
    response = client.post("/v1/classify", content=SPAM_PAGE.encode(),
                           params={"url": SPAM_URL},
                           headers={"Content-Type": "text/html; charset=utf-8"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["verdict"], body["url"]) == ("spam", classify(client)["url"])


SHOP = "https://oxycodone-pills-overnight.shop/product/oxycodone-80mg"


def _classify_json(client: TestClient) -> dict[str, Any]:
    return client.post("/v1/classify",
                       json={"html": HAM_PAGE, "url": SPAM_URL, "location": SHOP}).json()


def _classify_raw(client: TestClient) -> dict[str, Any]:
    return client.post("/v1/classify", content=HAM_PAGE.encode(),
                       params={"url": SPAM_URL, "location": SHOP},
                       headers={"Content-Type": "text/html"}).json()


def _classify_batch(client: TestClient) -> dict[str, Any]:
    pages = [{"html": HAM_PAGE, "url": SPAM_URL, "location": SHOP}]
    (result,) = client.post("/v1/classify/batch", json={"pages": pages}).json()["results"]
    return {k: v for k, v in result.items() if k not in {"index", "id"}}


@pytest.mark.parametrize("send", [_classify_json, _classify_raw, _classify_batch],
                         ids=["json", "raw-query", "batch"])
def test_a_redirect_location_is_read_as_classify_reads_it(
        client: TestClient, classifier: medspam.Classifier,
        send: Callable[[TestClient], dict[str, Any]]) -> None:
    body = send(client)
    expected = classifier.classify(HAM_PAGE, SPAM_URL, location=SHOP).to_dict()
    assert {k: v for k, v in body.items() if k != "verdict_id"} == expected
    assert [(link["url"], link["found"]) for link in body["links"] if link["automatic"]] == [
        (SHOP, "redirect")]


def test_feedback_keeps_the_redirect_for_learn(client: TestClient) -> None:
    by_id = client.post("/v1/feedback", json={"verdict_id": _classify_json(client)["verdict_id"],
                                              "label": "spam"})
    by_page = client.post("/v1/feedback", json={"html": "", "url": SPAM_URL,
                                                "location": SHOP, "label": "spam"})
    without = client.post("/v1/feedback", json={"html": "", "url": SPAM_URL, "label": "spam"})
    assert [r.status_code for r in (by_id, by_page, without)] == [201, 201, 201]
    assert [r.json()["location"] for r in (by_id, by_page, without)] == [SHOP, SHOP, None]
    rows = [json.loads(line) for line in client.get("/v1/feedback/export").text.splitlines()]
    assert [row["location"] for row in rows] == [SHOP, SHOP, None]


def test_raw_body_charset_comes_from_the_content_type(client: TestClient) -> None:
    page = "<p>Le café du coin ouvre à sept heures.</p>".encode("cp1252")
    response = client.post("/v1/classify", content=page, params={"with_text": "true"},
                           headers={"Content-Type": "text/html; charset=windows-1252"})
    assert response.status_code == 200, response.text
    assert "café du coin ouvre à sept" in response.json()["page"]["text"]


def test_with_text_marks_suspicious_phrases(client: TestClient) -> None:
    page = classify(client, with_text="true")["page"]
    marked = {page["text"][h["start"]:h["end"]].lower() for h in page["highlights"]}
    assert {"oxycodone", "tramadol"} <= marked
    assert all(page["text"][h["start"]:h["end"]] == h["term"] for h in page["highlights"])
    assert "page" not in classify(client)


def test_clean_page_is_ok(client: TestClient) -> None:
    body = classify(client, HAM_PAGE, None)
    assert (body["verdict"], body["category"]) == ("ok", "clean")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_ten_megabytes_is_413_and_the_service_goes_on(client: TestClient, chunked: bool) -> None:
    big = b"<p>" + b"x" * (10 * 1024 * 1024) + b"</p>"
    content: Any = (big[i:i + 65536] for i in range(0, len(big), 65536)) if chunked else big
    response = client.post("/v1/classify", content=content,
                           headers={"Content-Type": "text/html"})
    assert response.status_code == 413
    assert "larger than the limit of 6291456 bytes" in response.json()["detail"]
    assert classify(client)["verdict"] == "spam"


def test_body_limit_is_configurable_and_per_route(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1_000, max_batch_bytes=50_000)
    assert client.post("/v1/classify", json={"html": SPAM_PAGE}).status_code == 413
    feedback = client.post("/v1/feedback", json={"html": SPAM_PAGE, "label": "spam"})
    assert feedback.status_code == 413
    batch = client.post("/v1/classify/batch", json={"pages": [{"html": SPAM_PAGE}]})
    assert batch.status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [(b'{"html": "<p>unclosed', "application/json", 422, "body"),
     (b"{'html': 1}", "application/json", 422, "JSON"),
     (b"", "application/json", 422, "empty request body"),
     (b'{"url": "https://a.example/"}', "application/json", 422,
      "exactly one of 'html' or 'text'"),
     (b'{"html": "a", "text": "b"}', "application/json", 422, "exactly one of"),
     (b'{"html": "a", "colour": "red"}', "application/json", 422, "colour"),
     (b'{"html": "caf\xe9"}', "application/json", 422, "body"),
     (b"html=<p>x</p>", "application/x-www-form-urlencoded", 415, "unsupported Content-Type"),
     (b"", "text/html", 422, "empty request body")],
    ids=["truncated-json", "not-json", "empty-json", "no-page", "two-pages", "unknown-field",
         "not-utf8", "form", "empty-raw"],
)
def test_bad_requests_get_a_clear_4xx(client: TestClient, body: bytes, content_type: str,
                                      status: int, message: str) -> None:
    response = client.post("/v1/classify", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    payload = response.json()
    assert message in payload.get("message", "") + json.dumps(payload["detail"])
    assert classify(client, HAM_PAGE, None)["verdict"] == "ok"


def test_malformed_json_says_where(client: TestClient) -> None:
    response = client.post("/v1/classify", content=b'{"html": }',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("body")
    assert "JSON" in response.json()["message"]


def test_batch_keeps_order_and_ids(client: TestClient) -> None:
    pages = [{"id": "a", "html": SPAM_PAGE, "url": SPAM_URL}, {"id": "b", "text": "Tea time."},
             {"html": HAM_PAGE}]
    response = client.post("/v1/classify/batch", json={"pages": pages})
    assert response.status_code == 200, response.text
    results = BatchOut.model_validate(response.json()).results
    assert [(r.index, r.id, r.verdict) for r in results] == [
        (0, "a", "spam"), (1, "b", "ok"), (2, None, "ok")]
    assert len({r.verdict_id for r in results}) == 3


def test_batch_limit(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_batch_pages=2)
    response = client.post("/v1/classify/batch", json={"pages": [{"text": "hi"}] * 3})
    assert response.status_code == 422
    assert "3 pages in one batch; the limit is 2" in response.json()["detail"]


def test_one_failing_page_does_not_sink_the_batch(client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    real = service_module.extract_page

    def flaky(body: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if body == "boom":
            msg = "simulated bug"
            raise RuntimeError(msg)
        return real(body, *args, **kwargs)

    monkeypatch.setattr(service_module, "extract_page", flaky)
    pages = [{"text": "boom"}, {"html": SPAM_PAGE}]
    results = client.post("/v1/classify/batch", json={"pages": pages}).json()["results"]
    assert results[0] == {"index": 0, "id": None,
                          "error": "internal error while reading the page (logged)"}
    assert results[1]["verdict"] == "spam"
    single = client.post("/v1/classify", json={"text": "boom"})
    assert single.status_code == 500
    assert "simulated" not in single.text
    assert classify(client)["verdict"] == "spam"


def test_slow_classification_times_out_with_504(make_client: Callable[..., TestClient],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = service_module.extract_page

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return real(*args, **kwargs)

    client = make_client(timeout=0.05)
    monkeypatch.setattr(service_module, "extract_page", slow)
    response = client.post("/v1/classify", json={"text": "hello"})
    assert response.status_code == 504
    assert "longer than 0.05 s" in response.json()["detail"]


def test_runner_refuses_work_beyond_its_queue() -> None:
    async def scenario() -> tuple[int, str]:
        runner = ClassifyRunner(threads=1, timeout=5, max_pending=1)
        first = asyncio.ensure_future(runner.run(lambda: time.sleep(0.3) or "done"))
        await asyncio.sleep(0.05)
        with pytest.raises(HTTPException, match="busy") as refused:
            await runner.run(lambda: "never")
        result = await first
        runner.shutdown()
        return refused.value.status_code, result

    assert asyncio.run(scenario()) == (503, "done")


def test_feedback_by_verdict_id_survives_a_restart(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    verdict_id = classify(client)["verdict_id"]
    sent = {"verdict_id": verdict_id, "label": "ham", "note": "a pain clinic", "moderator": "jo"}
    first = client.post("/v1/feedback", json=sent)
    assert first.status_code == 201, first.text
    again = client.post("/v1/feedback", json=sent)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    client.__exit__(None, None, None)

    restarted = make_client()
    stored = restarted.get(f"/v1/feedback/{first.json()['id']}")
    assert stored.status_code == 200
    assert stored.json() | {"created": None} == first.json() | {"created": None}
    assert stored.json()["verdict"] == "spam"
    rows = [json.loads(line) for line in restarted.get("/v1/feedback/export").text.splitlines()]
    assert [(r["id"], r["label"], r["html"], r["url"]) for r in rows] == [
        (first.json()["id"], "ham", SPAM_PAGE, SPAM_URL)]


def test_feedback_with_the_page_and_retraction(client: TestClient) -> None:
    sent = {"html": HAM_PAGE, "url": "https://bakery.example/", "label": "spam"}
    created = client.post("/v1/feedback", json=sent)
    assert created.status_code == 201
    feedback_id = created.json()["id"]
    assert created.json()["verdict_id"] is None
    assert client.delete(f"/v1/feedback/{feedback_id}").status_code == 204
    assert client.delete(f"/v1/feedback/{feedback_id}").status_code == 404
    assert client.get(f"/v1/feedback/{feedback_id}").status_code == 404
    assert client.get("/v1/feedback/export").text == ""


@pytest.mark.parametrize(
    ("sent", "status", "message"),
    [({"verdict_id": "0" * 32, "label": "spam"}, 404, "unknown verdict_id"),
     ({"verdict_id": "0" * 32, "label": "junk"}, 422, "label"),
     ({"label": "spam"}, 422, "either 'verdict_id' or the page")],
    ids=["unknown-id", "bad-label", "no-subject"],
)
def test_bad_feedback(client: TestClient, sent: dict[str, Any], status: int,
                      message: str) -> None:
    response = client.post("/v1/feedback", json=sent)
    assert response.status_code == status
    assert message in response.text


def test_export_without_pages(client: TestClient) -> None:
    client.post("/v1/feedback", json={"text": "x", "label": "ham"})
    row = json.loads(client.get("/v1/feedback/export", params={"with_page": "false"}).text)
    assert "html" not in row
    assert row["label"] == "ham"


def test_api_key_guards_feedback_and_export_and_never_leaks(
    make_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(api_key=KEY)
    verdict_id = classify(client)["verdict_id"]
    sent = {"verdict_id": verdict_id, "label": "ham"}
    for headers in ({}, {"X-API-Key": "wrong"}):
        assert client.post("/v1/feedback", json=sent, headers=headers).status_code == 401
        refused = client.get("/v1/feedback/export", headers=headers)
        assert refused.status_code == 401
        assert "X-API-Key" in refused.json()["detail"]
    good = {"X-API-Key": KEY}
    feedback_id = client.post("/v1/feedback", json=sent, headers=good).json()["id"]
    assert client.get("/v1/feedback/export", headers=good).status_code == 200
    assert client.delete(f"/v1/feedback/{feedback_id}").status_code == 401
    assert client.delete(f"/v1/feedback/{feedback_id}", headers=good).status_code == 204
    assert KEY not in caplog.text
    assert KEY not in client.get("/metrics").text
    assert KEY not in repr(client.app.state.service)


def test_metrics_count_requests_latency_and_verdicts(client: TestClient) -> None:
    classify(client)
    classify(client, HAM_PAGE, None)
    client.post("/v1/classify", content=b"{", headers={"Content-Type": "application/json"})
    client.get("/no/such/page")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert ('medspam_http_requests_total{method="POST",route="/v1/classify",status="200"} 2.0'
            in text)
    assert 'route="/v1/classify",status="422"} 1.0' in text
    assert 'medspam_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'medspam_http_request_duration_seconds_bucket{le="0.5",route="/v1/classify"}' in text
    assert 'medspam_verdicts_total{category="medical-drug-sales",verdict="spam"} 1.0' in text
    assert 'medspam_verdicts_total{category="clean",verdict="ok"} 1.0' in text
    assert "medspam_classifications_pending 0.0" in text


def test_healthz_names_the_model(client: TestClient, classifier: medspam.Classifier) -> None:
    body = client.get("/healthz").json()
    assert body == {"status": "ok", "version": medspam.__version__,
                    "model": classifier.model_info.to_dict(), "threshold": classifier.threshold}


def test_keeping_no_pages_gives_no_verdict_id(make_client: Callable[..., TestClient]) -> None:
    assert classify(make_client(max_pages_kept=0))["verdict_id"] is None


def test_openapi_documents_the_routes_and_says_it_never_fetches(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/classify", "/v1/classify/batch", "/v1/feedback", "/v1/feedback/export",
            "/v1/feedback/{feedback_id}", "/healthz", "/metrics"} <= set(spec["paths"])
    body = spec["paths"]["/v1/classify"]["post"]["requestBody"]["content"]
    assert {"application/json", "text/html"} <= set(body)
    assert "never fetches a URL" in spec["info"]["description"]
    assert client.get("/docs").status_code == 200


def test_moderator_page_is_served_with_a_strict_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "medspam moderator" in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
    assert not any(f'{attr}="http' in response.text or f"{attr}='http" in response.text
                   for attr in ("src", "href"))


def test_serve_passes_its_options_to_each_worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                 classifier: medspam.Classifier) -> None:
    import os  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415

    from medspam.cli.main import main  # noqa: PLC0415
    from medspam.http import app_from_env  # noqa: PLC0415

    del classifier  # the shipped model must be present
    monkeypatch.setattr(os, "environ", {**os.environ, "MOD_KEY": KEY})
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    db = tmp_path / "served.sqlite3"
    shops = tmp_path / "shops.txt"
    shops.write_text("pills-now.example\n")
    argv = ["serve", "--port", "8123", "--workers", "2", "--db", str(db), "--max-batch", "3",
            "--api-key-env", "MOD_KEY", "--timeout", "12.5", "--deny-list", str(shops)]
    assert main(argv) == 0
    assert calls == [{"app": "medspam.http.app:app_from_env", "factory": True,
                      "host": "127.0.0.1", "port": 8123, "workers": 2, "log_level": "info",
                      "server_header": False}]
    assert KEY not in json.dumps(calls)
    service = app_from_env().state.service
    service.store.close()
    settings = service.settings
    assert (settings.db, settings.max_batch_pages, settings.timeout) == (db, 3, 12.5)
    assert settings.api_key == KEY
    assert service.classifier.lists.deny.domains == {"pills-now.example"}


@pytest.mark.parametrize(
    ("variable", "raw"),
    [("MEDSPAM_HTTP_TIMEOUT", "abc"), ("MEDSPAM_HTTP_TIMEOUT", "nan"),
     ("MEDSPAM_HTTP_TIMEOUT", "0"), ("MEDSPAM_HTTP_MAX_BATCH_PAGES", "1.5"),
     ("MEDSPAM_HTTP_MAX_BATCH_PAGES", "0"), ("MEDSPAM_HTTP_MAX_PAGES_KEPT", "-1")],
    ids=["word-timeout", "nan-timeout", "zero-timeout", "fractional-pages", "zero-pages",
         "negative-kept"])
def test_service_settings_refuse_bad_environment(variable: str, raw: str) -> None:
    with pytest.raises(ConfigError, match=rf"{variable}='{raw}' is invalid: expected"):
        ServiceSettings.from_env({variable: raw})


@pytest.mark.parametrize("field", ["html", "text"])
def test_feedback_refuses_a_lone_surrogate_like_classify(client: TestClient, field: str) -> None:
    body = f'{{"{field}": "<p>\\ud800</p>", "label": "spam"}}'.encode()
    for route in ("/v1/classify", "/v1/feedback"):
        response = client.post(route, content=body,
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (route, response.text)
    assert client.get("/v1/feedback/export").text == ""


def test_openapi_documents_the_feedback_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/feedback"]["post"]["requestBody"]["content"]
    assert "label" in body["application/json"]["schema"]["properties"]


def test_openapi_documents_the_batch_body_and_every_reference_resolves(
        client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/classify/batch"]["post"]["requestBody"]
    assert body["required"]
    page = body["content"]["application/json"]["schema"]["properties"]["pages"]["items"]
    assert {"html", "text", "url", "location", "id"} <= set(page["properties"])

    def references(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from references(value)
        elif isinstance(node, list):
            for item in node:
                yield from references(item)

    prefix = "#/components/schemas/"
    for reference in references(spec):
        assert reference.startswith(prefix), reference
        assert reference.removeprefix(prefix) in spec["components"]["schemas"], reference


@pytest.mark.parametrize("model", [PageIn, BatchPageIn, FeedbackIn], ids=lambda m: m.__name__)
def test_request_schemas_accept_exactly_what_the_validators_accept(model: type[BaseModel]) -> None:
    # Every body made of the fields that choose the subject, each absent, null, empty or set.
    schema = json_content(model)["application/json"]["schema"]
    fields = ["html", "text", "verdict_id"] if model is FeedbackIn else ["html", "text"]
    fixed = {"label": "spam"} if model is FeedbackIn else {}
    absent = object()
    for values in itertools.product([absent, None, "", "<p>x</p>"], repeat=len(fields)):
        body = fixed | {f: v for f, v in zip(fields, values, strict=True) if v is not absent}
        try:
            model.model_validate(body)
        except ValidationError:
            valid = False
        else:
            valid = True
        assert jsonschema.Draft202012Validator(schema).is_valid(body) == valid, body


@pytest.mark.parametrize(
    ("option", "value", "accepted"),
    [("--port", "-1", "port number from 1 to 65535"), ("--port", "99999", "port number"),
     ("--timeout", "0", "seconds above 0"), ("--timeout", "nan", "seconds above 0"),
     ("--timeout", "-1", "seconds above 0"), ("--max-body", "0", "from 1 to"),
     ("--max-body", "-1", "from 1 to"), ("--workers", "0", "from 1 to"),
     ("--threads", "-1", "from 1 to"), ("--keep-pages", "-1", "from 0 to"),
     ("--max-batch", "0", "from 1 to")],
    ids=str)
def test_serve_refuses_nonsense_options_at_parse_time(
    option: str, value: str, accepted: str, capsys: pytest.CaptureFixture[str],
) -> None:
    from medspam.cli.main import main  # noqa: PLC0415

    with pytest.raises(SystemExit, match="2"):
        main(["serve", f"{option}={value}"])
    err = capsys.readouterr().err
    assert f"argument {option}: '{value}' is invalid: expected" in err
    assert accepted in err


def serve_without_uvicorn(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> int:
    """Run ``medspam serve`` with uvicorn replaced; fail if it would have started."""
    import uvicorn  # noqa: PLC0415

    from medspam.cli.main import main  # noqa: PLC0415

    monkeypatch.setattr(uvicorn, "run", lambda *_a, **_k: pytest.fail("uvicorn started"))
    return main(["serve", *argv])


def test_serve_refuses_an_unusable_database_before_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    classifier: medspam.Classifier,
) -> None:
    del classifier  # the shipped model must be present
    (tmp_path / "junk").write_bytes(b"\x00not a database" * 100)
    assert serve_without_uvicorn(monkeypatch, ["--db", str(tmp_path / "junk")]) == 2
    assert "cannot use" in capsys.readouterr().err


def test_serve_refuses_a_port_in_use_before_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    classifier: medspam.Classifier,
) -> None:
    del classifier
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        argv = ["--port", str(port), "--db", str(tmp_path / "fb.sqlite3")]
        assert serve_without_uvicorn(monkeypatch, argv) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_service_settings_read_back_from_their_environment() -> None:
    """Each field has a rule, and its default is inside the accepted range."""
    assert ServiceSettings.from_env(ServiceSettings().to_env()) == ServiceSettings()
