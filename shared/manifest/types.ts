/**
 * Job manifest types.
 *
 * @module
 */

/** Content reference: SHA-256 (lowercase hex) and byte size of a blob. */
export interface BlobRef {
  /** SHA-256 of the bytes, 64 lowercase hex characters. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** The WebAssembly module of a job. */
export interface ModuleRef extends BlobRef {
  /** Optional `http:`/`https:` URL the module can be fetched from. */
  url?: string;
}

/** Resource limits of a job. */
export interface JobLimits {
  /** Linear memory limit in MiB. */
  memoryMb: number;
  /** Wall-clock limit in milliseconds. */
  timeoutMs: number;
  /** Limit on stdout + stderr + output files, in bytes. */
  maxOutputBytes: number;
  /** Optional deterministic fuel budget (interpreter instructions). */
  fuel?: number;
}

/** A signed job manifest (version 1). */
export interface JobManifest {
  /** Format version, always 1. */
  version: 1;
  /** SHA-256 hex of the canonical manifest without `id` and `signature`. */
  id: string;
  /** The module to run. */
  module: ModuleRef;
  /** Exported function to call (default `_start`). */
  entry: string;
  /** WASI argv (argv[0] included if the program expects it). */
  args: string[];
  /** WASI environment. */
  env: Record<string, string>;
  /** Stdin contents reference, or null for empty stdin. */
  stdin: BlobRef | null;
  /** Read-only input files mounted under the WASI root: absolute path -> blob. */
  files: Record<string, BlobRef>;
  /** Absolute paths collected after the run. */
  outputs: string[];
  /** Resource limits. */
  limits: JobLimits;
  /** How many independent executors must agree (>= 1). */
  redundancy: number;
  /** Milliseconds since the Unix epoch after which the job is void. */
  deadline: number;
  /** Random lowercase hex (8..32 bytes) making otherwise equal jobs distinct. */
  nonce: string;
  /** Submitter's raw Ed25519 public key, unpadded base64url. */
  submitter: string;
  /** Submitter's Ed25519 signature, unpadded base64url (see module doc). */
  signature: string;
}

/** What a submitter gives {@linkcode buildManifest}; everything but `module` has a default. */
export interface ManifestInput {
  /** The module to run. */
  module: ModuleRef;
  /** Default `_start`. */
  entry?: string;
  /** Default `[]`. */
  args?: string[];
  /** Default `{}`. */
  env?: Record<string, string>;
  /** Default null. */
  stdin?: BlobRef | null;
  /** Default `{}`. */
  files?: Record<string, BlobRef>;
  /** Default `[]`. */
  outputs?: string[];
  /** Defaults: {@linkcode DEFAULT_LIMITS}. */
  limits?: Partial<JobLimits>;
  /** Default 1. */
  redundancy?: number;
  /** Default: now + 10 minutes. */
  deadline?: number;
  /** Default: 16 random bytes as hex. */
  nonce?: string;
}

/** Upper bounds validation enforces; every one is configurable. */
export interface ManifestMaxima {
  /** Largest `limits.memoryMb` (default 4096, all of wasm32). */
  memoryMb: number;
  /** Largest `limits.timeoutMs` (default 1 hour). */
  timeoutMs: number;
  /** Largest `limits.maxOutputBytes` (default 1 GiB). */
  maxOutputBytes: number;
  /** Largest `limits.fuel` (default 2^53 - 1). */
  fuel: number;
  /** Largest `redundancy` (default 16). */
  redundancy: number;
  /** Largest `module.size` (default 256 MiB). */
  moduleBytes: number;
  /** Largest stdin or input file size (default 1 GiB). */
  inputBytes: number;
  /** Most `args` (default 4096). */
  args: number;
  /** Most `env` entries (default 4096). */
  env: number;
  /** Most `files` (default 4096). */
  files: number;
  /** Most `outputs` (default 1024). */
  outputs: number;
  /** Longest single arg, env key or value, entry, in UTF-16 units (default 65,536). */
  stringLength: number;
  /** Total UTF-16 units of all args, env keys and values (default 1 MiB). */
  argsEnvLength: number;
  /** Longest path (default 4096). */
  pathLength: number;
  /** Longest `module.url` (default 2048). */
  urlLength: number;
}

/** Options of validation. */
export interface ValidateManifestOptions {
  /** Overrides of {@linkcode DEFAULT_MAXIMA}. */
  maxima?: Partial<ManifestMaxima>;
}

/** Options of {@linkcode buildManifest}. */
export interface BuildManifestOptions extends ValidateManifestOptions {
  /** Clock for the default deadline (ms since epoch; default `Date.now()`). */
  now?: number;
}
