"""A Celery app for test_shutdown.py: a task that submits usage records, on a filesystem broker.

The broker folder comes from USAGE_TEST_BROKER_DIR; the worker runs as a real separate process.
"""

import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
django.setup()

from celery import Celery  # noqa: E402

from usage.records import UsageRecordData  # noqa: E402
from usage.services import usage_record_submit  # noqa: E402

_broker = Path(os.environ.get("USAGE_TEST_BROKER_DIR", "/nonexistent"))
app = Celery("usage_test")
app.conf.update(
    broker_url="filesystem://",
    broker_transport_options={
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
    },
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@app.task(name="usage_test.submit")
def submit_records(prefix: str, count: int, done_file: str) -> None:
    for i in range(count):
        usage_record_submit(UsageRecordData(request_id=f"{prefix}-{i}", model_name="mock"))
    Path(done_file).write_text("done")
