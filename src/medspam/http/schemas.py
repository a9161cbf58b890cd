"""Pydantic models of the HTTP API: requests, and the documented shape of responses.

Responses are built by :meth:`medspam.Verdict.to_dict` (the one serialiser); the response
models here document that JSON in OpenAPI and let tests check it has not drifted.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from medspam.verdict import Category, Listed  # pydantic reads the types at run time

MAX_URL_CHARS = 8_192
MAX_NOTE_CHARS = 4_000


def _location_field() -> Any:
    """The optional ``location`` of a page sent in (one definition for every request model)."""
    return Field(None, max_length=MAX_URL_CHARS,
                 description="Where the page's HTTP response redirected (its Location header), "
                             "as a crawl kept it: a link every visitor follows. Evidence only, "
                             "never fetched.")


def json_content(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request ``content`` of a JSON request model, its nested models written in.

    The routes read their bodies themselves (``parse_json``), so their request schemas reach
    the OpenAPI document through ``openapi_extra``, where pydantic's ``#/$defs/…`` references
    would point at nothing.

    >>> schema = json_content(BatchIn)["application/json"]["schema"]
    >>> "$defs" in str(schema), sorted(schema["properties"]["pages"]["items"]["properties"])
    (False, ['html', 'id', 'location', 'text', 'url'])
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            rest = {key: value for key, value in node.items() if key != "$ref"}
            return {**inline(defs[node["$ref"].rsplit("/", 1)[-1]]), **inline(rest)}
        return {key: inline(value) for key, value in node.items()}

    return {"application/json": {"schema": inline(schema)}}


def _given(field: str, **schema: Any) -> dict[str, Any]:
    """JSON Schema: ``field`` is present and not null (a string, with ``schema`` besides)."""
    return {"required": [field], "properties": {field: {"type": "string", **schema}}}


class PageIn(BaseModel):
    """One page to classify: its HTML or plain text, and its own URL when known."""

    # The schema says what ``_one_body`` checks, for clients generated from the OpenAPI.
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [_given("html"), _given("text")]})

    html: str | None = Field(None, description="The page's HTML.")
    text: str | None = Field(None, description="The page as plain text (instead of html).")
    url: str | None = Field(None, max_length=MAX_URL_CHARS,
                            description="The page's own URL; evidence only, never fetched.")
    location: str | None = _location_field()

    @model_validator(mode="after")
    def _one_body(self) -> Self:
        """Require exactly one of ``html`` and ``text``."""
        if (self.html is None) == (self.text is None):
            msg = "give exactly one of 'html' or 'text'"
            raise ValueError(msg)
        return self

    @property
    def body(self) -> str:
        """The page, whichever field carried it."""
        return self.html if self.html is not None else self.text or ""


class BatchPageIn(PageIn):
    """One page of a batch, with an optional caller id echoed in its result."""

    id: str | None = Field(None, max_length=200, description="Caller's id for this page.")


class BatchIn(BaseModel):
    """Several pages classified in one request."""

    model_config = ConfigDict(extra="forbid")

    pages: list[BatchPageIn] = Field(description="The pages, at most the service's batch limit.")


class FeedbackIn(BaseModel):
    """A moderator's correction, by ``verdict_id`` or with the page itself."""

    # The schema says what ``_subject`` checks, for clients generated from the OpenAPI.
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "oneOf": [_given("verdict_id", minLength=1),
                  {"anyOf": [_given("html"), _given("text")]}]})

    label: Literal["spam", "ham"] = Field(description="What the page really is.")
    verdict_id: str | None = Field(None, max_length=64,
                                   description="Id returned by /v1/classify; the page is on file.")
    html: str | None = Field(None, description="The page, when there is no verdict_id.")
    text: str | None = Field(None, description="The page as plain text, instead of html.")
    url: str | None = Field(None, max_length=MAX_URL_CHARS, description="The page's URL.")
    location: str | None = _location_field()
    note: str | None = Field(None, max_length=MAX_NOTE_CHARS, description="Free-text note.")
    moderator: str | None = Field(None, max_length=200, description="Who is correcting.")

    @model_validator(mode="after")
    def _subject(self) -> Self:
        """Require a verdict id or a page, not both."""
        has_page = self.html is not None or self.text is not None
        if bool(self.verdict_id) == has_page:
            msg = "give either 'verdict_id' or the page ('html' or 'text', with 'url')"
            raise ValueError(msg)
        return self

    @property
    def body(self) -> str | None:
        """The page, when given."""
        return self.html if self.html is not None else self.text


class FeedbackOut(BaseModel):
    """Stored feedback (without the page)."""

    id: str
    created: str
    label: Literal["spam", "ham"]
    verdict_id: str | None
    url: str | None
    location: str | None = Field(description="Where the page's HTTP response redirected.")
    content_type: str | None
    verdict: str | None = Field(description="The service's verdict at the time, when known.")
    score: float | None
    model: str | None
    note: str | None
    moderator: str | None


class ReasonOut(BaseModel):
    """One piece of evidence and its weight in the score (log-odds)."""

    text: str
    weight: float
    source: str


class LinkOut(BaseModel):
    """A link found on the page, with its own score and reasons."""

    url: str
    domain: str
    anchor: str
    found: str = Field(
        description="anchor | frame | redirect | text | obfuscated | listed | contact | hidden "
                    "(a hidden link of another kind; a hidden frame stays a frame)")
    hidden: bool
    scripted: bool = Field(
        default=False,
        description="a script sets the link: writes it into the page (document.write, "
                    "innerHTML, jQuery) or gives it its address (a.href = …)")
    automatic: bool = Field(
        default=False,
        description="a redirect the browser follows by itself, for every visitor: the HTTP "
                    "response's or a meta refresh within ten seconds")
    element: str = Field(
        default="",
        description="the markup that carries the address, as a CSS selector to find it in the "
                    "page source (a[href], form[action], div[data-href], button[data-go] "
                    "(an address in base64: a cloaked link), iframe[src], "
                    "meta[http-equiv=refresh], img[onerror], script, a#id, svg a[href]) or "
                    "'HTTP redirect'; empty for an address written in the text")
    via: str = Field(
        default="",
        description="the host of another site's redirector the link passes through "
                    "(www.google.com for google.com/url?q=https://shop…): url is where it "
                    "sends the reader, raw what the page shows; empty for a direct link")
    external: bool
    rel: list[str]
    raw: str
    score: float
    reasons: list[ReasonOut]


class ModelOut(BaseModel):
    """The model that gave the verdict."""

    name: str
    version: str
    sha256: str


class Highlight(BaseModel):
    """A suspicious phrase in the page text (offsets in Unicode code points)."""

    start: int
    end: int
    lexicon: str
    term: str


class PageView(BaseModel):
    """The page text as extracted, for a moderator, with suspicious phrases marked."""

    title: str
    text: str
    truncated: bool
    highlights: list[Highlight]


class VerdictOut(BaseModel):
    """The Verdict JSON schema (``Verdict.to_dict()``)."""

    model_config = ConfigDict(extra="forbid")

    schema_: int = Field(alias="schema")
    verdict: Literal["spam", "ok"]
    category: Category
    score: float
    threshold: float
    url: str | None
    signals: dict[str, float]
    reasons: list[ReasonOut]
    links: list[LinkOut]
    model: ModelOut | None
    notes: list[str]
    listed: Listed | None = Field(
        None, description="The operator domain list that decided the verdict, if any.")


class ClassifyOut(VerdictOut):
    """A verdict with the HTTP-only extras: its id for feedback, and the page view if asked."""

    verdict_id: str | None = Field(
        description="Pass to /v1/feedback to correct this verdict (null when pages are not kept).")
    page: PageView | None = Field(None, description="Only with ?with_text=true.")


class BatchErrorOut(BaseModel):
    """A batch page that could not be classified."""

    index: int
    id: str | None
    error: str


class BatchItemOut(ClassifyOut):
    """A classified batch page."""

    index: int
    id: str | None


class BatchOut(BaseModel):
    """One result per page, in request order."""

    results: list[BatchItemOut | BatchErrorOut]


class HealthOut(BaseModel):
    """Liveness and which model is loaded."""

    status: Literal["ok"]
    version: str
    model: ModelOut
    threshold: float
