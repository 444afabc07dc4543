# The app and the worker share one image: the same build, two entry points.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/.output ./.output
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
# The analytics batch layer submits its PySpark job from here, and the Spark master and worker of
# docker-compose.yml run this same image, so that driver and executors share one Python.
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3-venv procps \
  && rm -rf /var/lib/apt/lists/* \
  && python3 -m venv /opt/spark && /opt/spark/bin/pip install --no-cache-dir pyspark==4.3.0
ENV PATH=/opt/spark/bin:$PATH PYSPARK_PYTHON=/opt/spark/bin/python
COPY analytics/spark ./analytics/spark
EXPOSE 3000
CMD ["node", ".output/server/index.mjs"]
