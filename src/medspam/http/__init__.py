"""The HTTP service of ``medspam serve``: classification, moderator page and feedback.

Needs the ``http`` extra (``pip install medspam[http]``). The service never fetches a URL.
"""

from __future__ import annotations

from medspam.http.app import app_from_env, create_app
from medspam.http.config import ServiceSettings

__all__ = ["ServiceSettings", "app_from_env", "create_app"]
