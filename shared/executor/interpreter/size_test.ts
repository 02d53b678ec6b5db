// The dispatch loop (Machine.exec) must stay below V8's TurboFan bytecode size
// limit (--max-optimized-bytecode-size, 61440 bytes): above it V8 never
// optimizes the function and the interpreter runs about 12x slower.
import { assert } from "../../testing/mod.ts";

const LIMIT = 61440;

Deno.test("Machine.exec bytecode fits V8's optimization limit", async () => {
  const mod = new URL("./mod.ts", import.meta.url).href;
  // (module (func (export "f"))): enough to compile `exec` to bytecode
  const script = `import { compileModule, instantiate } from ${JSON.stringify(mod)};
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0,
      7, 5, 1, 1, 102, 0, 0, 10, 4, 1, 2, 0, 11]);
    instantiate(compileModule(bytes)).exports.f();`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--print-bytecode,--print-bytecode-filter=exec", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const sizes = [...text.matchAll(/Bytecode length: (\d+)/g)].map((m) => Number(m[1]));
  assert(
    out.success && sizes.length > 0,
    `no bytecode printed: ${new TextDecoder().decode(out.stderr)}`,
  );
  const size = Math.max(...sizes);
  assert(size < LIMIT - 1024, `Machine.exec is ${size} bytes of bytecode (limit ${LIMIT})`);
});
