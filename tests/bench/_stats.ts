// Order statistics for the benchmark scripts.

/** The `p`-th percentile (0..100) of `xs`: the value at index floor(p% of n), clamped. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of `xs` (the upper one for an even count). */
export function median(xs: number[]): number {
  return percentile(xs, 50);
}
