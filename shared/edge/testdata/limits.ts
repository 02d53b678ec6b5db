// Limits an edge executor record advertises, for the record and registry tests.
export const EDGE_LIMITS = {
  memoryMb: 64,
  timeoutMs: 30_000,
  maxOutputBytes: 1 << 20,
  moduleBytes: 1 << 20,
  bodyBytes: 1 << 21,
};
