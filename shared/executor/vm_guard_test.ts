import vm from "node:vm";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import { JobTimeout } from "./run.ts";
import { createVmGuard } from "./vm_guard.ts";

const LOOP = await Deno.readFile(new URL("../../tests/testdata/loop.wasm", import.meta.url));

Deno.test("vm guard: stops a guest spinning in WebAssembly with JobTimeout, and stays usable", () => {
  const guard = createVmGuard(vm);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(LOOP), {});
  const spin = Object.values(inst.exports).find((e) => typeof e === "function") as () => void;
  const t = performance.now();
  assertThrows(() => guard(() => spin(), 150), JobTimeout);
  const ms = performance.now() - t;
  assert(ms >= 140 && ms < 5_000, `stopped after ${ms} ms`);
  // The same guard runs the next guest normally and passes its errors through.
  let ran = false;
  guard(() => {
    ran = true;
  }, 1_000);
  assert(ran);
  const boom = new RangeError("guest failed");
  assertEquals(
    assertThrows(() =>
      guard(() => {
        throw boom;
      }, 1_000)
    ),
    boom,
  );
});
