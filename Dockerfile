# The production image: web (gunicorn), worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/data MEDIA_ROOT=/data/media STATIC_ROOT=/app/staticfiles

# WeasyPrint's system libraries, the report's fonts (Noto Sans and Noto Naskh Arabic, in
# fonts-noto-core), and poppler-utils' pdftoppm for the first-page image of a report.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
      fonts-dejavu-core fonts-noto-core poppler-utils gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY webinar ./webinar
COPY registration ./registration
COPY sessions ./sessions
COPY reports ./reports
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY manage.py ./
RUN pip install -e . \
 && python manage.py compilemessages --ignore=.venv \
 && python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 webinar \
 && mkdir -p /data/media && chown -R webinar /data

USER webinar
EXPOSE 8000
CMD ["gunicorn", "webinar.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
