/**
 * `deno task relay`: runs a Phase relay until SIGTERM/SIGINT.
 * `deno task relay -- --help` lists every flag.
 *
 * @module
 */

import { ConfigError, HELP, loadConfig } from "./config.ts";
import { startRelay, VERSION } from "./mod.ts";
import { createLogger } from "./log.ts";
import { createExecutorRegistry } from "./executors.ts";

const WEB_DIST = new URL("../web-node/dist", import.meta.url).pathname;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = await loadConfig(Deno.args);
  } catch (err) {
    console.error(`phase-relay: ${(err as Error).message}\n\n${HELP}`);
    return err instanceof ConfigError ? 64 : 1;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  if (parsed.version) {
    console.log(`phase-relay ${VERSION} (deno ${Deno.version.deno})`);
    return 0;
  }
  const config = parsed.config;
  if (!config.webRoot) {
    try {
      if ((await Deno.stat(`${WEB_DIST}/index.html`)).isFile) config.webRoot = WEB_DIST;
    } catch {
      // no web node build: the relay serves a placeholder page
    }
  }
  const logger = createLogger(config.logFormat, config.logLevel);
  const executors = createExecutorRegistry({
    onRegistered: (r) =>
      logger.log("info", "edge executor registered", {
        url: r.url,
        executorPeerId: r.executorPeerId,
        runtime: r.runtime,
        expiresAt: r.expiresAt,
      }),
  });
  // Listen for signals before announcing readiness ("relay listening"), so a
  // SIGTERM sent right after that line still gets a clean shutdown.
  const stopped = new Promise<string>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      Deno.addSignalListener(signal, () => resolve(signal));
    }
  });
  const relay = await startRelay(config, { logger, routes: [executors.route] });
  const signal = await stopped;
  logger.log("info", "stopping", { signal });
  // Never hang on shutdown: 2 s at most.
  const forced = setTimeout(() => {
    logger.log("warn", "shutdown took too long; exiting");
    Deno.exit(0);
  }, 1800);
  await relay.stop();
  clearTimeout(forced);
  logger.log("info", "stopped");
  return 0;
}

Deno.exit(await main());
