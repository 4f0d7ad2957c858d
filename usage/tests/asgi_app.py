"""A minimal ASGI app for test_shutdown.py: each HTTP request submits one usage record."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
django.setup()

from usage.asgi import UsageLifespan  # noqa: E402
from usage.records import UsageRecordData  # noqa: E402
from usage.services import usage_record_submit  # noqa: E402


async def _record_each_request(scope, receive, send) -> None:
    request_id = scope["path"].rsplit("/", 1)[-1]
    usage_record_submit(UsageRecordData(request_id=request_id, model_name="mock"))
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


application = UsageLifespan(_record_each_request)
