FROM python:3.11-slim

# LibreOffice Writer makes the PDF of every official document on the worker (the web process
# never converts); Liberation Serif stands in, metric-compatible, for Times New Roman.

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
       libreoffice-writer-nogui fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN python manage.py compilemessages -v0 \
    && DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home ntm && mkdir -p /app/media && chown ntm /app/media
USER ntm
EXPOSE 8000
CMD ["gunicorn", "ntm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
