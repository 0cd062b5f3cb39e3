# One image for every DouFlow service; docker-compose.yml picks the process with `command`:
#   gateway-bff       uvicorn api.gateway_bff.app:create_app --factory (the default CMD below)
#   orchestration     python worker.py --services orchestration
#   agent-center      python worker.py --services agent-center
#   content-center    python worker.py --services content-center
#   douyin-connector  python worker.py --services douyin-connector
#   migrate           python -c "...douflow.bootstrap..."  (Alembic migrations, run once per release)
# The image is production unless told otherwise: started without real secrets it refuses to run
# (douflow/settings.py); `-e DOUFLOW_ENV=development` makes a throwaway run on the published keys.
FROM python:3.11-slim

ENV DOUFLOW_ENV=production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    MEDIA_DIR=/data/media

# CJK font for cover rendering (Pillow draws Chinese titles with WenQuanYi Micro Hei).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 douflow \
    && useradd --system --uid 10001 --gid douflow --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin douflow

WORKDIR /app

# Runtime dependencies first (from [project].dependencies only, never the dev extra) so that a code
# change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (packages, data files and migrations); worker.py is a script and stays in /app.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && python -m compileall -q /app \
    && mkdir -p /data/media \
    && chown -R douflow:douflow /data

# Code stays owned by root (read-only for the service); only /data (media volume) is writable.
USER douflow

EXPOSE 8000

# Open event streams (/api/v1/events) never finish by themselves: a stop waits 10 s for them, then ends them.
CMD ["uvicorn", "api.gateway_bff.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--timeout-graceful-shutdown", "10"]
