// The same cross-site refusal for `npm run dev`, where Vite's server stands in for ours.
import type { Plugin } from "vite";
import { FOREIGN_REQUEST, firstHeader, isForeignRequest } from "./same-origin.ts";

export function sameOriginGuard(): Plugin {
  return {
    name: "deskcoach-same-origin",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const own = `http://${req.headers.host ?? "localhost"}`;
        const headers = { origin: firstHeader(req.headers, "origin"), secFetchSite: firstHeader(req.headers, "sec-fetch-site") };
        if (isForeignRequest(req.method ?? "GET", headers, own)) {
          res.statusCode = 403;
          res.setHeader("content-type", "text/plain; charset=utf-8");
          res.end(FOREIGN_REQUEST);
          return;
        }
        next();
      });
    },
  };
}
