# studybot: the locked dependencies and the package (with content/ and db/ as package data in
# bot/_data/) installed into /app/.venv in a builder; the runtime image gets that venv only.
#
#   docker build -t studybot .
#   docker run --rm -p 3000:3000 --env-file .env studybot
#
# Both stages must use the same Python image: the venv's interpreter is a symlink to it.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install uv==0.13.8
WORKDIR /src

# The dependencies alone first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-editable --no-install-project

# Then the project, built as a wheel and installed for real (not editable), so the venv does not
# point back at /src. README.md is the package's readme; hatch needs it to build.
COPY README.md ./
COPY bot ./bot
COPY content ./content
COPY db ./db
RUN uv sync --frozen --no-dev --no-editable \
 && /app/.venv/bin/studybot content validate


FROM ${PYTHON_IMAGE} AS runtime
# A fixed non-root user; /data is its working folder (the SQLite fallback and an optional .env
# land there; production uses DATABASE_URL=postgresql://...).
RUN groupadd --system --gid 10001 studybot \
 && useradd --system --uid 10001 --gid studybot --home-dir /data --no-create-home \
            --shell /usr/sbin/nologin studybot \
 && mkdir /data && chown studybot:studybot /data
# Owned by root and read-only for the bot.
COPY --from=builder /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PORT=3000
WORKDIR /data
USER 10001:10001
EXPOSE 3000
# No curl in slim: python's urllib; a non-2xx answer or no answer raises, and an uncaught
# exception exits 1, which is all Docker needs. Exec (JSON) form: no shell, the PORT is read in Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
# Exec form: studybot is PID 1 and gets SIGTERM/SIGINT itself (it stops the scheduler cleanly).
CMD ["studybot", "run", "--platform", "slack"]
