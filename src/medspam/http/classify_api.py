"""Routes ``POST /v1/classify`` and ``POST /v1/classify/batch``."""

from __future__ import annotations

from email.message import Message
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from medspam.http.schemas import (
    MAX_URL_CHARS,
    BatchIn,
    BatchOut,
    ClassifyOut,
    PageIn,
    json_content,
)
from medspam.http.service import PageError, PageJob, Service, get_service

RAW_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain",
                       "application/octet-stream"})
"""Content types classified as the raw page; ``application/json`` carries a ``PageIn``."""

M = TypeVar("M", bound=BaseModel)
router = APIRouter(prefix="/v1", tags=["classify"])
ServiceDep = Annotated[Service, Depends(get_service)]
WithText = Annotated[bool, Query(description="Add the page text with suspicious phrases marked.")]

_CLASSIFY_BODY = {"requestBody": {"required": True, "content": {
    **json_content(PageIn),
    "text/html": {"schema": {"type": "string", "minLength": 1,
                             "description": "The raw page; charset from Content-Type, else "
                                            "detected. Give its URL as ?url=."}},
}}}
_BATCH_BODY = {"requestBody": {"required": True, "content": json_content(BatchIn)}}


@router.post("/classify", response_model=ClassifyOut, openapi_extra=_CLASSIFY_BODY,
             responses={413: {"description": "Body over the size limit"},
                        415: {"description": "Unsupported Content-Type"},
                        422: {"description": "Malformed JSON or invalid fields"},
                        503: {"description": "Too busy"}, 504: {"description": "Too slow"}})
async def classify(
    request: Request, service: ServiceDep, with_text: WithText = False,
    url: Annotated[str | None, Query(max_length=MAX_URL_CHARS,
                                     description="Page URL, for a raw text/html body.")] = None,
    location: Annotated[str | None, Query(
        max_length=MAX_URL_CHARS,
        description="Where the page's HTTP response redirected, for a raw body.")] = None,
) -> JSONResponse:
    """Classify one page: JSON ``{html | text, url?, location?}``, or the raw page as ``text/html``.

    The URL and the redirect's location are evidence only: the service never fetches them.
    """
    job = await _read_job(request, url, location)
    (result,) = await service.runner.run(lambda: service.classify([job], with_text=with_text))
    if isinstance(result, PageError):
        raise HTTPException(result.status, result.message)
    return JSONResponse(result)


@router.post("/classify/batch", response_model=BatchOut, openapi_extra=_BATCH_BODY,
             responses={413: {"description": "Body over the size limit"},
                        422: {"description": "Malformed JSON, invalid fields or too many pages"}})
async def classify_batch(
    request: Request, service: ServiceDep, with_text: WithText = False,
) -> JSONResponse:
    """Classify up to the batch limit of pages in one request; results keep request order.

    A page that cannot be classified gets ``{index, id, error}`` and the others go on.
    """
    batch = parse_json(await request.body(), BatchIn)
    limit = service.settings.max_batch_pages
    if len(batch.pages) > limit:
        raise HTTPException(422, f"{len(batch.pages)} pages in one batch; the limit is {limit}")
    jobs = [PageJob(page.body, page.url, page.location) for page in batch.pages]
    results = await service.runner.run(lambda: service.classify(jobs, with_text=with_text))
    out: list[dict[str, Any]] = []
    for index, (page, result) in enumerate(zip(batch.pages, results, strict=True)):
        extra = {"index": index, "id": page.id}
        out.append({**extra, "error": result.message} if isinstance(result, PageError)
                   else {**result, **extra})
    return JSONResponse({"results": out})


async def _read_job(request: Request, url: str | None, location: str | None) -> PageJob:
    """Read the page of a classify request from a JSON or a raw body.

    ``url`` and ``location`` come from the query; a JSON body's own fields win.
    """
    content_type = request.headers.get("content-type", "")
    media = _media_type(content_type)
    body = await request.body()
    if media in RAW_TYPES:
        if not body:
            raise HTTPException(422, "empty request body: send the page")
        return PageJob(body, url, location, content_type)
    if media and media != "application/json" and not media.endswith("+json"):
        raise HTTPException(415, f"unsupported Content-Type {media!r}: send application/json "
                            "{html | text, url} or the raw page as text/html")
    page = parse_json(body, PageIn)
    return PageJob(page.body, page.url or url, page.location or location)


def _media_type(content_type: str) -> str:
    """Return the lower-case media type of a Content-Type header, without parameters."""
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type() if content_type else ""


def parse_json(body: bytes, model: type[M]) -> M:
    """Validate a JSON body; malformed JSON and invalid fields become a 422.

    Raises
    ------
    RequestValidationError
        With pydantic's errors, located in the body.

    """
    if not body.strip():
        raise RequestValidationError([{"type": "missing", "loc": ("body",),
                                       "msg": "empty request body: send a JSON object"}])
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_context=False, include_url=False)
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in errors]) from None
