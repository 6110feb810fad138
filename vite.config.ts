import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";
import { sameOriginGuard } from "./app/server/vite-dev-guard.ts";

export default defineConfig({
  plugins: [sameOriginGuard(), remix(remixConfig)],
  build: { target: "es2022", assetsInlineLimit: 0 },
  server: { port: 3000 },
});
