/**
 * Errors the interpreter throws. All extend {@linkcode PhaseError} so callers
 * branch on `code`; the class names match what the executor's engine
 * classifier looks for.
 *
 * @module
 */

import { PhaseError } from "../../errors.ts";

/** A WebAssembly trap; the message matches V8's (e.g. "unreachable", "divide by zero"). */
export class WasmTrap extends PhaseError {
  /** Creates a trap. */
  constructor(message: string) {
    super("trap", message);
    this.name = "WasmTrap";
  }
}

/** The fuel limit was reached; the guest stopped at the exact instruction. */
export class FuelExhausted extends PhaseError {
  /** Creates the error. */
  constructor(message = "fuel exhausted") {
    super("fuel_exhausted", message);
    this.name = "FuelExhausted";
  }
}

/** The deadline passed while the guest ran. */
export class InterpTimeout extends PhaseError {
  /** Creates the error. */
  constructor(message = "deadline reached") {
    super("timeout", message);
    this.name = "InterpTimeout";
  }
}

/** The module failed to decode or validate; the message names function index and byte offset. */
export class WasmCompileError extends PhaseError {
  /** Creates the error. */
  constructor(message: string) {
    super("invalid_module", message);
    this.name = "WasmCompileError";
  }
}

/** Instantiation failed (bad import, segment out of bounds, memory over the limit). */
export class WasmLinkError extends PhaseError {
  /** Creates the error. */
  constructor(message: string, code = "link_error") {
    super(code, message);
    this.name = "WasmLinkError";
  }
}

/** The module needs more memory than the limit allows. */
export class WasmMemoryLimit extends PhaseError {
  /** Creates the error. */
  constructor(message: string) {
    super("memory_limit", message);
    this.name = "WasmMemoryLimit";
  }
}
