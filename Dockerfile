# Browser assets (the Vazirmatn web font, Chart.js) come from npm, as package.json and its lock file pin them.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NEWSROOM_VAR_DIR=/app/var
WORKDIR /app
COPY requirements.txt .
# torch (pulled in by argostranslate) from PyTorch's CPU index: PyPI's default build carries CUDA.
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
    -r requirements.txt
COPY . .
COPY --from=assets /assets/node_modules/vazirmatn/fonts/webfonts /app/node_modules/vazirmatn/fonts/webfonts
COPY --from=assets /assets/node_modules/chart.js/dist/chart.umd.min.js* /app/node_modules/chart.js/dist/
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
# Compiled once here: with PYTHONDONTWRITEBYTECODE each process would compile every module it loads.
RUN python -m compileall -q manage.py newsroom articles annotations
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "2", "--threads", "4"]
