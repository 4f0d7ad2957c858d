"""Run as a separate process by test_shutdown.py: submit records, then stop in the given way.

python -m usage.tests.exit_script <count> exit|sigterm|raise
"""

import os
import signal
import sys
import time

import django


def main() -> None:
    count, how = int(sys.argv[1]), sys.argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")
    django.setup()
    from django.core.management import call_command

    if os.environ.get("EXIT_SCRIPT_MIGRATE", "1") == "1":  # off when the database is meant to be down
        call_command("migrate", verbosity=0)
    from usage.records import UsageRecordData
    from usage.services import usage_record_submit, usage_writer

    for i in range(count):
        usage_record_submit(UsageRecordData(request_id=f"exit-{how}-{i}", model_name="mock"))
    print(f"pending={usage_writer.pending_count()}", flush=True)
    if how == "sigterm":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler turns SIGTERM into a normal exit before this ends
    elif how == "raise":
        raise RuntimeError("crash in the main program")


if __name__ == "__main__":
    main()
