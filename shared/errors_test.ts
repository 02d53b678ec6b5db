import { assert, assertEquals, assertFalse } from "./testing/mod.ts";
import { isPhaseError, PhaseError } from "./errors.ts";

Deno.test("PhaseError carries a stable code", () => {
  const err = new PhaseError("manifest_invalid_field", "bad field");
  assertEquals(err.code, "manifest_invalid_field");
  assert(err instanceof Error);
  assert(isPhaseError(err, "manifest_invalid_field"));
  assertFalse(isPhaseError(err, "other"));
  assertFalse(isPhaseError(new Error("x")));
});
