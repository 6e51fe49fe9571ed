# One image for every process of the portal:
#   web    -> default CMD (gunicorn on 0.0.0.0:8000)
#   worker -> celery -A atvsld_portal worker -l info
#   beat   -> celery -A atvsld_portal beat -l info --schedule /data/beat/celerybeat-schedule
# See docker-compose.yml for how the three are wired together.

FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Runtime system libraries:
#  - Pango / PangoFT2 / HarfBuzz-subset for WeasyPrint PDF rendering
#  - gettext (msgfmt) for compilemessages
#  - postgresql-client (pg_dump/pg_restore, major version 15) for `manage.py backup` and `restore`
#  - fonts: Liberation as a fallback; the project ships its own fonts in static/fonts
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-liberation2 \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user (fixed ids so volume ownership is predictable).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first so the layer is cached while only source changes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY . .

# Compile translations at build time. manage.py loads the settings, which refuse to
# start with DEBUG off unless a secret key and allowed hosts are set: give them
# throwaway values that exist only for this RUN step (nothing is contacted).
RUN DJANGO_SECRET_KEY="build-time-only-not-a-secret-9f3c2a7e1b4d6f8a0c5e7b9d1f3a5c7e" \
    DATABASE_URL="postgres://build:build@127.0.0.1:5432/build" \
    REDIS_URL="redis://127.0.0.1:6379/0" \
    DJANGO_ALLOWED_HOSTS="localhost" \
    DJANGO_DEBUG="false" \
    python manage.py compilemessages -v0

# Writable locations for the unprivileged user; everything else stays root-owned.
#  /app/staticfiles : collectstatic output (served by whitenoise)
#  /data/media      : private uploaded/generated files (named volume in compose)
#  /data/beat       : celery beat schedule file (named volume in compose)
RUN mkdir -p /app/staticfiles /data/media /data/beat \
    && chown -R app:app /app/staticfiles /data

# WEB_CONCURRENCY (worker count) and GUNICORN_CMD_ARGS are read by gunicorn itself;
# override them at run time (e.g. in .env) to tune the web process.
ENV DJANGO_SETTINGS_MODULE=atvsld_portal.settings.base \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=3 \
    GUNICORN_CMD_ARGS="--timeout 120 --graceful-timeout 30 --max-requests 1000 --max-requests-jitter 100 --access-logfile - --error-logfile - --control-socket /tmp/gunicorn.ctl"

USER 10001:10001

EXPOSE 8000

# Probe /healthz the way the reverse proxy would reach it: with a Host header that
# is in DJANGO_ALLOWED_HOSTS (first non-wildcard entry) and X-Forwarded-Proto=https
# so that SECURE_SSL_REDIRECT does not turn the probe into a redirect.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; hosts = [h.strip().lstrip('.') for h in os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')]; host = next((h for h in hosts if h and '*' not in h), 'localhost'); req = u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); sys.exit(0 if u.urlopen(req, timeout=8).status == 200 else 1)"]

CMD ["gunicorn", "atvsld_portal.wsgi:application", "--bind", "0.0.0.0:8000"]
