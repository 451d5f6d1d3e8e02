# syntax=docker/dockerfile:1
# Parley — multi-stage image: build wheels once, run as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.lock pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY config ./config
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.lock \
 && pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////app/data/parley.db \
    PARLEY_SEEDS_DIR=/app/seeds PARLEY_FEEDS_FILE=/app/config/feeds.yaml \
    PARLEY_HEALTH_PORT=8080
RUN useradd --create-home --uid 10001 parley
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --chown=parley:parley seeds ./seeds
COPY --chown=parley:parley config ./config
RUN mkdir -p /app/data && chown parley:parley /app/data
USER parley
VOLUME ["/app/data"]
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["parley", "health"]
# Migrations run before the bot starts: `parley db upgrade`, then `parley run`
# (which also checks the schema on start).
CMD ["sh", "-c", "parley db upgrade && exec parley run"]
