import { PhaseError } from "../errors.ts";

/** A protocol violation: bad frame, bad message, wrong version, oversized data. */
export class ProtocolError extends PhaseError {
  /** Creates a protocol error; codes start with `protocol_`. */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "ProtocolError";
  }
}
