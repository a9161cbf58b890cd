"""Routes ``/v1/feedback``: store, read, retract and export moderator corrections."""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from fastapi.security import APIKeyHeader

from medspam.http.classify_api import parse_json
from medspam.http.schemas import FeedbackIn, FeedbackOut, json_content
from medspam.http.service import Service, get_service

if TYPE_CHECKING:
    from collections.abc import Iterator

    from medspam.feedback import Feedback, FeedbackStore

API_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="Required when the service has an API key.")
ServiceDep = Annotated[Service, Depends(get_service)]


def require_key(
    service: ServiceDep, key: Annotated[str | None, Security(API_KEY_HEADER)] = None,
) -> None:
    """Refuse the request unless it carries the service's API key (when one is set).

    Raises
    ------
    HTTPException
        401 when the key is missing or wrong; the message never repeats it.

    """
    expected = service.settings.api_key
    if expected and not (key and hmac.compare_digest(key.encode(), expected.encode())):
        raise HTTPException(401, "missing or wrong X-API-Key header",
                            headers={"WWW-Authenticate": "X-API-Key"})


router = APIRouter(prefix="/v1/feedback", tags=["feedback"], dependencies=[Depends(require_key)],
                   responses={401: {"description": "Missing or wrong X-API-Key (when the "
                                                   "service has an API key)"}})


def _out(feedback: Feedback) -> FeedbackOut:
    """Return the response model of stored feedback (without the page)."""
    return FeedbackOut(**feedback.to_dict(with_page=False))


_FEEDBACK_BODY = {"requestBody": {"required": True, "content": json_content(FeedbackIn)}}


@router.post("", response_model=FeedbackOut, status_code=201, openapi_extra=_FEEDBACK_BODY,
             responses={200: {"description": "Already stored (idempotent)"},
                        404: {"description": "Unknown or expired verdict_id"},
                        422: {"description": "Malformed JSON or invalid fields"}})
async def post_feedback(request: Request, response: Response,
                        service: ServiceDep) -> FeedbackOut:
    """Store a correction by ``verdict_id`` (the page is on file) or with the page itself.

    The same page and label return the same feedback id (200); a new one gets 201.
    A different label for the same page replaces the earlier feedback.
    """
    # Parsed as /v1/classify parses its body, so text that is not valid Unicode (a lone
    # surrogate escape) is the same 422 here instead of a 500 when the page is hashed.
    body = parse_json(await request.body(), FeedbackIn)
    feedback, is_new = await run_in_threadpool(
        service.store.add_feedback, label=body.label, verdict_id=body.verdict_id,
        body=body.body, url=body.url, location=body.location, note=body.note,
        moderator=body.moderator)
    response.status_code = 201 if is_new else 200
    return _out(feedback)


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}},
                             "description": "One JSON object per line, oldest first"}})
def export_feedback(
    service: ServiceDep,
    with_page: Annotated[bool, Query(description="Include the page (html).")] = True,
) -> StreamingResponse:
    """Every stored feedback as JSON lines: ``{id, label, url, html, ...}``, oldest first.

    With pages included, each line is also a labelled record for ``medspam evaluate --data``.
    """
    return StreamingResponse(_lines(service.store, with_page=with_page),
                             media_type="application/x-ndjson")


def _lines(store: FeedbackStore, *, with_page: bool) -> Iterator[str]:
    """Yield the export, one JSON line per feedback."""
    for feedback in store.iter_feedback():
        yield json.dumps(feedback.to_dict(with_page=with_page), ensure_ascii=False) + "\n"


@router.get("/{feedback_id}", response_model=FeedbackOut,
            responses={404: {"description": "No such feedback"}})
def get_feedback(feedback_id: str, service: ServiceDep) -> FeedbackOut:
    """One stored feedback, without its page."""
    feedback = service.store.get_feedback(feedback_id)
    if feedback is None:
        raise HTTPException(404, f"no feedback with id {feedback_id!r}")
    return _out(feedback)


@router.delete("/{feedback_id}", status_code=204,
               responses={404: {"description": "No such feedback"}})
def delete_feedback(feedback_id: str, service: ServiceDep) -> Response:
    """Retract feedback: it is deleted and no longer used for retraining."""
    if not service.store.delete_feedback(feedback_id):
        raise HTTPException(404, f"no feedback with id {feedback_id!r}")
    return Response(status_code=204)
