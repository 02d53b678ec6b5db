// Per-submitter token buckets, in memory (per isolate: on Cloudflare each
// isolate keeps its own; a global limit would need a Durable Object).

/** A token bucket per key: `perMinute` jobs a minute, bursts up to `perMinute`. */
export class RateLimiter {
  #buckets = new Map<string, { tokens: number; at: number }>();
  #perMinute: number;

  /** Creates a limiter; 0 disables it. */
  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }

  /** Takes one token for `key`; returns 0 when allowed, else seconds to wait. */
  take(key: string, now = Date.now()): number {
    if (this.#perMinute <= 0) return 0;
    const rate = this.#perMinute / 60_000;
    const b = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    b.tokens = Math.min(this.#perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.#buckets.set(key, b);
    if (this.#buckets.size > 10_000) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}
