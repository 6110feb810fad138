// Remix options live here; vite.config.ts passes them to the Remix Vite plugin.
/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  appDirectory: "app",
  // DESKCOACH_BUILD_DIR lets the benchmark build into its own folder (bench/.build) without
  // touching build/; the production server reads the same variable.
  buildDirectory: process.env.DESKCOACH_BUILD_DIR ?? "build",
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    // Off: every page names all routes up front (decision 0017).
    v3_lazyRouteDiscovery: false,
  },
};
