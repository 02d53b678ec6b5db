// Small field checkers for protocol messages; each throws a ProtocolError
// naming the message type and field.

import { ProtocolError } from "./errors.ts";

export type Obj = Record<string, unknown>;

export function fail(where: string, why: string): never {
  throw new ProtocolError("protocol_invalid_message", `${where}: ${why}`);
}

export function object(value: unknown, where: string): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(where, "must be an object");
  }
  return value as Obj;
}

/** Rejects fields other than `allowed`. */
export function only(obj: Obj, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(where, `unknown field "${key}"`);
  }
}

export function string(obj: Obj, key: string, where: string, max = 256): string {
  const v = obj[key];
  if (typeof v !== "string" || v.length === 0 || v.length > max) {
    fail(where, `"${key}" must be a string of 1..${max} characters`);
  }
  return v;
}

export function optionalString(obj: Obj, key: string, where: string, max = 4096): void {
  if (obj[key] !== undefined && (typeof obj[key] !== "string" || obj[key].length > max)) {
    fail(where, `"${key}" must be a string of at most ${max} characters`);
  }
}

export function int(obj: Obj, key: string, where: string, min: number, max: number): number {
  const v = obj[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(where, `"${key}" must be an integer in ${min}..${max}`);
  }
  return v;
}

export function bool(obj: Obj, key: string, where: string): boolean {
  if (typeof obj[key] !== "boolean") fail(where, `"${key}" must be a boolean`);
  return obj[key] as boolean;
}

export function hex64(obj: Obj, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== "string" || !/^[0-9a-f]{64}$/.test(v)) {
    fail(where, `"${key}" must be 64 lowercase hex characters`);
  }
  return v;
}

export function stringArray(obj: Obj, key: string, where: string, maxItems: number): string[] {
  const v = obj[key];
  if (!Array.isArray(v) || v.length > maxItems || v.some((s) => typeof s !== "string")) {
    fail(where, `"${key}" must be an array of at most ${maxItems} strings`);
  }
  return v as string[];
}
