/**
 * Typed errors shared by every part of Phase.
 *
 * Every rejection in Phase is a {@linkcode PhaseError} with a stable,
 * machine-readable `code` (for example `manifest_invalid_field`), so callers
 * branch on codes and never on message text.
 *
 * @module
 */

/** Base class of every error Phase throws on purpose; `code` is stable. */
export class PhaseError extends Error {
  /** Stable machine-readable code, snake_case. */
  readonly code: string;

  /** Creates an error with a stable `code` and a human message. */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PhaseError";
    this.code = code;
  }
}

/** True when `err` is a {@linkcode PhaseError}, optionally with the given code. */
export function isPhaseError(err: unknown, code?: string): err is PhaseError {
  return err instanceof PhaseError && (code === undefined || err.code === code);
}
