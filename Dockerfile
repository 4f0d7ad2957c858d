# Guardflow: one image for web (ASGI), worker and beat. See docs/operations.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUARDFLOW_VAR_DIR=/app/var \
    PORT=8000 \
    WEB_WORKERS=4

WORKDIR /app

# Every runtime dependency ships as a manylinux wheel (psycopg[binary], uvloop, httptools,
# hiredis, argon2-cffi, cryptography), so no compiler or system library is needed.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN groupadd --system --gid 10001 guardflow \
    && useradd --system --uid 10001 --gid guardflow --home-dir /app --shell /usr/sbin/nologin guardflow
# The code stays owned by root (read-only to the app); only var/ is writable by it.
COPY . .
RUN mkdir -p /app/var && chown guardflow:guardflow /app/var

USER guardflow
EXPOSE 8000

# The same server as scripts/serve (uvicorn on uvloop + httptools), on every interface with
# several worker processes. TLS ends at the reverse proxy in front; X-Forwarded-For/-Proto
# are honoured only from the addresses in FORWARDED_ALLOW_IPS (uvicorn's own variable,
# default 127.0.0.1), so a client cannot forge the IP that login lockouts and limits use.
CMD ["sh", "-c", "exec uvicorn guardflow_site.asgi:application --host 0.0.0.0 --port \"$PORT\" --workers \"$WEB_WORKERS\" --loop uvloop --http httptools --ws websockets-sansio --lifespan off --no-access-log --proxy-headers --timeout-graceful-shutdown 20"]
