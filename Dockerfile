# syntax=docker/dockerfile:1
# Shipshape image: `docker build -t shipshape .` (see docs/deploy.md).

# ---- builder: install the pinned runtime dependencies into a venv ----------
FROM python:3.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Every pinned package ships a manylinux wheel, so no compiler is needed. If one
# ever has to be built from source, install build-essential here, in this stage
# only, in one RUN that ends with `rm -rf /var/lib/apt/lists/*`.
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

# Only the dependency manifest first: this layer stays cached until
# requirements.txt changes, however often the source changes.
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# ---- runtime: the venv and the source on a slim base, as a non-root user ---
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" \
    BIND=0.0.0.0:8000

RUN groupadd --system --gid 10001 shipshape \
    && useradd --system --uid 10001 --gid shipshape --no-create-home \
       --home-dir /app --shell /usr/sbin/nologin shipshape

WORKDIR /app

COPY --from=builder /opt/venv /opt/venv
COPY . .

# The code stays owned by root (read-only for the app); only instance/ is
# writable, for the fallback secret key and SQLite file when no env is given.
RUN mkdir -p instance \
    && chown shipshape:shipshape instance \
    && chmod 0755 docker/entrypoint.sh

USER shipshape

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('BIND', '0.0.0.0:8000').rsplit(':', 1)[-1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

# Migrates the database and imports content/ (unless MIGRATE_ON_START=0),
# then execs the command, so gunicorn runs as PID 1 and gets SIGTERM.
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--no-control-socket", "-c", "gunicorn.conf.py", "app:app"]
