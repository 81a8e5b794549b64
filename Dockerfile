# SafeMed's guarded, audited OpenAI-compatible server (`safemed serve`) on Node 20, CPU only.
#
#   docker build -t safemed .
#   docker run -p 8000:8000 -v "$PWD/models:/models:ro" -v safemed-data:/data \
#     -e SAFEMED_MODEL=llama:/models/SafeMed-R1-Q4_K_M.gguf -e SAFEMED_API_KEY=change-me safemed
#
# Every serve setting is an environment variable (SAFEMED_*) or a flag after the image name
# (e.g. `docker run … safemed --model vllm:http://gpu-node:8000/v1 --threads 8`); see
# safemed.example.yaml. The audit trail lives in the /data volume; the container runs as `node`.

# Build stage: install with the lockfile, compile TypeScript, drop the dev dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY vendor ./vendor
COPY src ./src
COPY console-web ./console-web
# The build steps (scripts/) bundle zod into dist/ and snapshot the data files they read.
COPY scripts ./scripts
COPY assets ./assets
COPY data/phi ./data/phi
COPY data/pipeline ./data/pipeline
COPY data/redteam ./data/redteam
RUN npm ci --no-audit --no-fund && npm prune --omit=dev && npm cache clean --force

# Runtime stage: the built CLI, production dependencies and the data it reads at run time.
FROM node:20-slim
ENV NODE_ENV=production \
    SAFEMED_HOST=0.0.0.0 \
    SAFEMED_PORT=8000 \
    SAFEMED_AUDIT_DB=/data/audit.db \
    SAFEMED_CACHE_DIR=/data/models
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY src/spec ./src/spec
COPY src/reward/data ./src/reward/data
COPY assets ./assets
COPY data/phi ./data/phi
COPY data/pipeline ./data/pipeline
COPY data/redteam ./data/redteam
COPY data/train ./data/train
COPY integrations ./integrations
RUN mkdir -p /data/models && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SAFEMED_PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js", "serve"]
