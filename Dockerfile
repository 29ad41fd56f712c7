# syntax=docker/dockerfile:1
# Multi-stage build of asmx-emulator: compile in a full Node 20 image, run in a slim one as a
# non-root user with production dependencies only.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY wsdl ./wsdl
COPY fixtures/users.json ./fixtures/users.json
# The image's own unprivileged user; the snapshot directory is the only place it writes.
RUN mkdir -p /var/lib/asmx-emulator && chown node:node /var/lib/asmx-emulator
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
