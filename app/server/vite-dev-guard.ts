// The same cross-site refusal for `npm run dev`, where Vite's server stands in for ours.
import type { Plugin } from "vite";
import { isForeignRequest } from "./same-origin.ts";

export function sameOriginGuard(): Plugin {
  return {
    name: "deskcoach-same-origin",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const own = `http://${req.headers.host ?? "localhost"}`;
        const header = (name: string) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        if (isForeignRequest(req.method ?? "GET", { origin: header("origin"), secFetchSite: header("sec-fetch-site") }, own)) {
          res.statusCode = 403;
          res.setHeader("content-type", "text/plain; charset=utf-8");
          res.end("Forbidden: this request did not come from DeskCoach's own pages.");
          return;
        }
        next();
      });
    },
  };
}
