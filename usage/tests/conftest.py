import itertools

import pytest

from usage.records import UsageRecordData

_ids = itertools.count(1)


@pytest.fixture
def usage_buffered(transactional_db, settings, tmp_path):
    """The real background writer (its own thread and DB connection), spooling under tmp_path."""
    from usage.services import usage_writer

    settings.USAGE_WRITE_MODE = "buffered"
    settings.USAGE_SPOOL_DIR = tmp_path / "spool"
    settings.USAGE_RETRY_SECONDS = 0.3
    yield usage_writer
    usage_writer.stop()


@pytest.fixture
def spool_dir(settings, tmp_path):
    settings.USAGE_SPOOL_DIR = tmp_path / "spool"
    return settings.USAGE_SPOOL_DIR


@pytest.fixture
def record_data():
    def make(**fields) -> UsageRecordData:
        fields.setdefault("request_id", f"req-{next(_ids)}")
        fields.setdefault("model_name", "mock")
        return UsageRecordData(**fields)

    return make
