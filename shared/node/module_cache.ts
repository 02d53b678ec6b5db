/**
 * A size-bounded LRU cache of WebAssembly modules keyed by SHA-256, so an
 * executor does not fetch the same module twice.
 *
 * @module
 */

/** Options of {@linkcode ModuleCache}. */
export interface ModuleCacheOptions {
  /** Total bytes kept; least recently used modules are evicted past it. Default 256 MiB. */
  maxBytes?: number;
}

/** Size-bounded LRU cache of module bytes by lowercase hex SHA-256. */
export class ModuleCache {
  readonly #entries = new Map<string, Uint8Array>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** Creates an empty cache. */
  constructor(options: ModuleCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of modules held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether the module is cached (does not refresh its recency). */
  has(sha256: string): boolean {
    return this.#entries.has(sha256);
  }

  /** Returns the module and marks it most recently used. */
  get(sha256: string): Uint8Array | undefined {
    const bytes = this.#entries.get(sha256);
    if (bytes) {
      this.#entries.delete(sha256);
      this.#entries.set(sha256, bytes);
    }
    return bytes;
  }

  /**
   * Stores a module the caller has already checked against `sha256`.
   * Modules larger than the whole cache are not kept.
   */
  set(sha256: string, bytes: Uint8Array): void {
    if (bytes.length > this.#maxBytes) return;
    const old = this.#entries.get(sha256);
    if (old) {
      this.#entries.delete(sha256);
      this.#bytes -= old.length;
    }
    this.#entries.set(sha256, bytes);
    this.#bytes += bytes.length;
    for (const [key, value] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(key);
      this.#bytes -= value.length;
    }
  }
}
