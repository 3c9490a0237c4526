# flint, the server: scraping, storage, PromQL, rules, the Prometheus HTTP API and the
# Grafana plugin backend (--grafana.listen-address). The Grafana plugin's frontend is
# built on the host (npm run build) and mounted into Grafana from dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY pkg-ts-backend/package.json pkg-ts-backend/
RUN npm install --no-audit --no-fund
COPY tsconfig.base.json ./
COPY scripts ./scripts
COPY pkg-ts-backend ./pkg-ts-backend
RUN npx tsc -p pkg-ts-backend/tsconfig.build.json && node scripts/build-ui.mjs

FROM node:24-bookworm-slim
WORKDIR /flint
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY pkg-ts-backend/package.json pkg-ts-backend/
RUN npm install --omit=dev --no-audit --no-fund --workspace pkg-ts-backend && npm cache clean --force
COPY --from=build /src/pkg-ts-backend/dist pkg-ts-backend/dist
COPY pkg-ts-backend/bin pkg-ts-backend/bin
# The gRPC service loads the plugin protocol's .proto files at start.
COPY pkg-ts-backend/src/grafana/plugin/proto pkg-ts-backend/src/grafana/plugin/proto
RUN mkdir -p /flint/data && chown node:node /flint/data
USER node
VOLUME /flint/data
# 9090: Prometheus HTTP API and web UI; 7071: the Grafana plugin backend (gRPC).
EXPOSE 9090 7071
ENTRYPOINT ["node", "pkg-ts-backend/bin/flint.js"]
CMD ["--config.file=/etc/flint/flint.yml", "--storage.tsdb.path=/flint/data", "--web.listen-address=0.0.0.0:9090", "--grafana.listen-address=0.0.0.0:7071"]
