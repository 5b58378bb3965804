# hookyard as a container image: `docker build -t hookyard .`, then compose.yaml runs it scaled
# out (docs/scaling.md). Two stages: the build stage compiles src/ to dist/ (npm run build) with
# the toolchain better-sqlite3's native module needs; the runtime stage holds only dist/, the CLI
# entry, the examples and the production dependencies, and runs as the unprivileged user `node`.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt binary fits: python3, make, g++.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# dist/ with the .sql files beside the code that reads them; then the dev dependencies go.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY bin ./bin
COPY examples ./examples
# The SQLite data directory (unused when HOOKYARD_DATABASE_URL selects PostgreSQL) and the place
# for a configuration file mounted read-only.
RUN mkdir -p /var/lib/hookyard /etc/hookyard \
 && chown node:node /var/lib/hookyard
USER node
EXPOSE 8080
# /healthz answers while the process is up; /readyz also asks the store (a load balancer's check).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/hookyard.js"]
# Mount a configuration at /etc/hookyard/hookyard.yaml, or give another command (compose.yaml
# does): `serve --config FILE --host 0.0.0.0 --port 8080 --role ingest|worker|all`.
CMD ["serve", "--config", "/etc/hookyard/hookyard.yaml", "--host", "0.0.0.0", "--port", "8080", "--data", "/var/lib/hookyard"]
