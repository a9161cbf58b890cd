"""Service: what one app holds (classifier, store, limits, metrics) and how it classifies."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request  # noqa: TC002 - FastAPI reads the annotation at run time

from medspam.errors import MedspamError
from medspam.extract import extract_page
from medspam.http.highlight import page_view
from medspam.page import Page

if TYPE_CHECKING:
    from collections.abc import Sequence

    from medspam.classifier import Classifier
    from medspam.feedback import FeedbackStore
    from medspam.http.config import ServiceSettings
    from medspam.http.metrics import Metrics
    from medspam.http.runner import ClassifyRunner
    from medspam.verdict import Verdict

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to classify, as received."""

    body: str | bytes
    """The page: text from JSON, or the raw bytes of a ``text/html`` body."""
    url: str | None = None
    """The page's own URL, when given."""
    location: str | None = None
    """Where the page's HTTP response redirected, when given (a link every visitor follows)."""
    content_type: str | None = None
    """The raw body's Content-Type (its charset helps decoding)."""


@dataclass(frozen=True, slots=True)
class PageError:
    """Why one page got no verdict."""

    status: int
    """HTTP status for a single-page request: 422 bad input, 500 internal error."""
    message: str
    """What went wrong, safe to show the caller."""


@dataclass(frozen=True)
class Service:
    """Everything one app serves with; routes reach it through :func:`get_service`."""

    classifier: Classifier
    store: FeedbackStore
    settings: ServiceSettings
    runner: ClassifyRunner
    metrics: Metrics

    def classify(self, jobs: Sequence[PageJob], *, with_text: bool = False
                 ) -> list[dict[str, Any] | PageError]:
        """Classify pages with one batch of model calls; keep each page for feedback.

        A page that cannot be extracted becomes a :class:`PageError`; the others go on.
        """
        pages = [self._extract(job) for job in jobs]
        good = [page for page in pages if isinstance(page, Page)]
        verdicts = iter(self.classifier.classify_pages(good) if good else ())
        return [page if isinstance(page, PageError) else
                self._result(job, page, next(verdicts), with_text=with_text)
                for job, page in zip(jobs, pages, strict=True)]

    def _extract(self, job: PageJob) -> Page | PageError:
        """Extract one page; an error becomes a :class:`PageError`."""
        try:
            return extract_page(job.body, job.url, settings=self.classifier.settings,
                                content_type=job.content_type, location=job.location)
        except MedspamError as exc:
            return PageError(422, str(exc))
        except Exception:  # the edge of one page: log it, the others go on
            logger.exception("extraction failed")
            return PageError(500, "internal error while reading the page (logged)")

    def _result(self, job: PageJob, page: Page, verdict: Verdict, *, with_text: bool
                ) -> dict[str, Any]:
        """Build the response of one classified page; store the page under a new ``verdict_id``."""
        info = self.classifier.model_info
        verdict_id = self.store.save_page(
            job.body, job.url, location=job.location, content_type=job.content_type,
            verdict=verdict.verdict, score=verdict.score, model=f"{info.name}-{info.version}")
        self.metrics.count_verdict(verdict)
        result = {**verdict.to_dict(), "verdict_id": verdict_id}
        if with_text:
            result["page"] = page_view(page)
        return result


def get_service(request: Request) -> Service:
    """FastAPI dependency: the service of the app handling ``request``."""
    service: Service = request.app.state.service
    return service
