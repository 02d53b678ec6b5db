/**
 * Relay configuration: command-line flags over `PHASE_*` environment
 * variables over a config file (JSON, or TOML's `key = value` subset) over
 * defaults.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { PhaseError } from "../shared/errors.ts";
import type { LogFormat, LogLevel } from "./log.ts";

/** Everything the relay can be told. */
export interface RelayConfig {
  /** HTTP bind address. */
  bind: string;
  /** HTTP port (0: any free port). */
  port: number;
  /**
   * A separate libp2p WebSockets port (0: any free port). Unset: WebSockets
   * share the HTTP port (the default).
   */
  wsPort?: number;
  /** Address announced to peers instead of `bind` (e.g. a public name). */
  announce?: string;
  /** State directory (identity, module store). */
  stateDir: string;
  /** Other relays to dial and stay connected to. */
  bootstrap: string[];
  /** Static files served at `/` (the web node build). */
  webRoot?: string;
  /** Release artifacts served under /v1/releases/ (default `<stateDir>/releases`). */
  releasesDir?: string;
  /** Largest module accepted by the store, in bytes. */
  maxModuleBytes: number;
  /** Log format. */
  logFormat: LogFormat;
  /** Minimum log level. */
  logLevel: LogLevel;
}

/** The defaults (`deno task start` uses these). */
export const DEFAULT_CONFIG: RelayConfig = {
  bind: "127.0.0.1",
  port: 8080,
  stateDir: "./.phase/relay",
  bootstrap: [],
  maxModuleBytes: 64 * 1024 * 1024,
  logFormat: Deno.stdout.isTerminal() ? "pretty" : "json",
  logLevel: "info",
};

/** Help text listing every flag. */
export const HELP = `usage: deno task relay [options]

Runs a Phase relay: libp2p over WebSockets (circuit-relay-v2, gossipsub for job
announcements) plus HTTP (web node, /health, /status, /metrics, /bootstrap,
content-addressed module store).

options (flag > env > config file > default):
  --port N              HTTP port (env PHASE_PORT; default 8080; 0 = any free port)
  --ws-port N           separate libp2p WebSockets port (env PHASE_WS_PORT; default:
                        none, WebSockets share the HTTP port; 0 = any free port)
  --bind ADDR           address to listen on (env PHASE_BIND; default 127.0.0.1)
  --announce HOST       host name/address peers should dial (env PHASE_ANNOUNCE; default: bind)
  --state-dir DIR       identity and module store (env PHASE_STATE_DIR; default ./.phase/relay)
  --config FILE         JSON or TOML (key = value) config file (env PHASE_CONFIG)
  --bootstrap MULTIADDR another relay to join (repeatable; env PHASE_BOOTSTRAP, comma-separated)
  --web-root DIR        static files served at / (env PHASE_WEB_ROOT; default web-node/dist if built)
  --releases-dir DIR    release artifacts for /v1/releases (env PHASE_RELEASES_DIR; default <state-dir>/releases)
  --max-module-bytes N  module store size limit (env PHASE_MAX_MODULE_BYTES; default 67108864)
  --log-format F        json or pretty (env PHASE_LOG_FORMAT; default pretty on a terminal, else json)
  --log-level L         debug, info, warn, error (env PHASE_LOG_LEVEL; default info)
  --start               defaults for \`deno task start\`
  --version             print the version
  --help                this text

The first log line ("relay listening") carries httpUrl, multiaddrs and peerId.
SIGTERM/SIGINT stop it cleanly (exit 0).`;

/** Parse failure or bad value: exit code 64. */
export class ConfigError extends PhaseError {
  /** Creates the error. */
  constructor(message: string) {
    super("relay_config", message);
    this.name = "ConfigError";
  }
}

type Raw = Record<string, unknown>;

/** Parses the TOML subset a relay config needs: `key = value` lines, strings, numbers, arrays of strings. */
export function parseTomlSubset(text: string): Raw {
  const out: Raw = {};
  for (const [i, rawLine] of text.split("\n").entries()) {
    const line = rawLine.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#") || line.startsWith("[")) continue;
    const m = line.match(/^([A-Za-z0-9_-]+)\s*=\s*(.+)$/);
    if (!m) throw new ConfigError(`config line ${i + 1}: expected key = value`);
    try {
      out[m[1]] = JSON.parse(m[2].replace(/^'(.*)'$/, '"$1"'));
    } catch {
      throw new ConfigError(`config line ${i + 1}: cannot read value ${m[2]}`);
    }
  }
  return out;
}

const KEYS: Record<string, keyof RelayConfig> = {
  bind: "bind",
  port: "port",
  ws_port: "wsPort",
  wsPort: "wsPort",
  "ws-port": "wsPort",
  announce: "announce",
  state_dir: "stateDir",
  stateDir: "stateDir",
  "state-dir": "stateDir",
  bootstrap: "bootstrap",
  web_root: "webRoot",
  webRoot: "webRoot",
  "web-root": "webRoot",
  releases_dir: "releasesDir",
  releasesDir: "releasesDir",
  "releases-dir": "releasesDir",
  max_module_bytes: "maxModuleBytes",
  maxModuleBytes: "maxModuleBytes",
  "max-module-bytes": "maxModuleBytes",
  log_format: "logFormat",
  logFormat: "logFormat",
  "log-format": "logFormat",
  log_level: "logLevel",
  logLevel: "logLevel",
  "log-level": "logLevel",
};

function apply(config: RelayConfig, raw: Raw, source: string): void {
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const field = KEYS[key];
    if (!field) throw new ConfigError(`${source}: unknown setting "${key}"`);
    const c = config as unknown as Record<string, unknown>;
    if (field === "port" || field === "wsPort" || field === "maxModuleBytes") {
      const n = Number(value);
      const max = field === "maxModuleBytes" ? 2 ** 40 : 65535;
      if (!Number.isSafeInteger(n) || n < 0 || n > max) {
        throw new ConfigError(`${source}: ${key} must be an integer in 0..${max}`);
      }
      c[field] = n;
    } else if (field === "bootstrap") {
      const list = Array.isArray(value) ? value : String(value).split(",").filter(Boolean);
      if (list.some((a) => typeof a !== "string" || !a.startsWith("/"))) {
        throw new ConfigError(`${source}: bootstrap takes multiaddrs`);
      }
      c[field] = list;
    } else if (field === "logFormat" && value !== "json" && value !== "pretty") {
      throw new ConfigError(`${source}: log format must be json or pretty`);
    } else if (
      field === "logLevel" && !["debug", "info", "warn", "error"].includes(String(value))
    ) {
      throw new ConfigError(`${source}: log level must be debug, info, warn or error`);
    } else {
      c[field] = String(value);
    }
  }
}

/** What the command line asked for besides the config. */
export interface ParsedCommandLine {
  config: RelayConfig;
  help: boolean;
  version: boolean;
}

/** Builds the config from flags, environment and config file. */
export async function loadConfig(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<ParsedCommandLine> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        "ws-port": { type: "string" },
        bind: { type: "string" },
        announce: { type: "string" },
        "state-dir": { type: "string" },
        config: { type: "string" },
        bootstrap: { type: "string", multiple: true },
        "web-root": { type: "string" },
        "releases-dir": { type: "string" },
        "max-module-bytes": { type: "string" },
        "log-format": { type: "string" },
        "log-level": { type: "string" },
        start: { type: "boolean" },
        version: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const flags = parsed.values;
  const config: RelayConfig = { ...DEFAULT_CONFIG, bootstrap: [] };
  const file = (flags.config as string | undefined) ?? env.PHASE_CONFIG;
  if (file) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (err) {
      throw new ConfigError(`cannot read config ${file}: ${(err as Error).message}`);
    }
    let raw: Raw;
    if (file.endsWith(".json")) {
      try {
        raw = JSON.parse(text);
      } catch {
        throw new ConfigError(`${file} is not valid JSON`);
      }
    } else raw = parseTomlSubset(text);
    apply(config, raw, file);
  }
  const fromEnv: Raw = {};
  for (
    const [name, key] of Object.entries({
      PHASE_BIND: "bind",
      PHASE_PORT: "port",
      PHASE_WS_PORT: "ws_port",
      PHASE_ANNOUNCE: "announce",
      PHASE_STATE_DIR: "state_dir",
      PHASE_BOOTSTRAP: "bootstrap",
      PHASE_WEB_ROOT: "web_root",
      PHASE_RELEASES_DIR: "releases_dir",
      PHASE_MAX_MODULE_BYTES: "max_module_bytes",
      PHASE_LOG_FORMAT: "log_format",
      PHASE_LOG_LEVEL: "log_level",
    })
  ) {
    if (env[name] !== undefined && env[name] !== "") fromEnv[key] = env[name];
  }
  apply(config, fromEnv, "environment");
  const { config: _c, start: _s, version: _v, help: _h, ...rest } = flags;
  apply(config, rest as Raw, "command line");
  return { config, help: Boolean(flags.help), version: Boolean(flags.version) };
}
