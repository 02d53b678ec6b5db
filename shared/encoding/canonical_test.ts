import { isPhaseError } from "../errors.ts";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import { canonicalBytes, canonicalize } from "./mod.ts";

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}

Deno.test("canonicalize: RFC 8785 appendix B number serialisation", () => {
  const table: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  for (const [bits, text] of table) assertEquals(canonicalize(fromBits(bits)), text, bits);
  for (const bits of ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"]) {
    const err = assertThrows(() => canonicalize(fromBits(bits)));
    assert(isPhaseError(err, "canonical_unsupported_value"), bits);
  }
});

Deno.test("canonicalize: RFC 8785 section 3.2.2 example", () => {
  const input = JSON.parse(
    '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
      '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
      '"literals": [null, true, false]}',
  );
  const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,' +
    '1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
  assertEquals(canonicalize(input), expected);
  // The RFC's UTF-8 hex dump of the same output.
  const hex =
    "7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b33" +
    "33333333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c22737472696e67" +
    "223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d";
  const bytes = canonicalBytes(input);
  assertEquals(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""), hex);
});

Deno.test("canonicalize: RFC 8785 section 3.2.3 sorting by UTF-16 code units", () => {
  const input = JSON.parse(`{
    "\\u20ac": "Euro Sign",
    "\\r": "Carriage Return",
    "\\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\\ud83d\\ude00": "Emoji: Grinning Face",
    "\\u0080": "Control",
    "\\u00f6": "Latin Small Letter O With Diaeresis"
  }`);
  assertEquals(
    canonicalize(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
      '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

Deno.test("canonicalize: string escapes", () => {
  assertEquals(canonicalize('\b\t\n\f\r"\\/'), '"\\b\\t\\n\\f\\r\\"\\\\/"');
  assertEquals(canonicalize("\u0000\u001f\u007f\u2028"), '"\\u0000\\u001f\u007f\u2028"');
  assertEquals(canonicalize("\ud83d\ude00é"), '"\ud83d\ude00é"');
});

Deno.test("canonicalize: nested structures, no whitespace, -0", () => {
  assertEquals(
    canonicalize({ b: [1, { d: -0, c: "x" }], a: null, "": true }),
    '{"":true,"a":null,"b":[1,{"c":"x","d":0}]}',
  );
  assertEquals(canonicalize(Object.assign(Object.create(null), { z: 1, y: 2 })), '{"y":2,"z":1}');
  assertEquals(canonicalize([]), "[]");
  assertEquals(canonicalize({}), "{}");
});

Deno.test("canonicalize: rejects what JSON cannot represent", () => {
  class Thing {
    x = 1;
  }
  const bad: unknown[] = [
    undefined,
    NaN,
    -Infinity,
    10n,
    () => 1,
    Symbol("s"),
    new Date(0),
    new Map(),
    new Set(),
    new Thing(),
    new Uint8Array(2),
    { a: undefined },
    [1, undefined],
    // deno-lint-ignore no-sparse-arrays
    [1, , 2],
    { [Symbol("k")]: 1 },
    "\ud800",
    { "\udc00": 1 },
    /re/,
    new String("boxed"),
  ];
  for (const value of bad) {
    const err = assertThrows(() => canonicalize(value));
    assert(isPhaseError(err, "canonical_unsupported_value"), String(err));
  }
});

Deno.test("canonicalize: cycles and excessive depth are typed errors", () => {
  const a: Record<string, unknown> = { x: 1 };
  a.self = a;
  assert(isPhaseError(assertThrows(() => canonicalize(a)), "canonical_cycle"));
  const list: unknown[] = [];
  list.push([list]);
  assert(isPhaseError(assertThrows(() => canonicalize(list)), "canonical_cycle"));
  // Shared (non-cyclic) references are fine.
  const shared = { v: 1 };
  assertEquals(canonicalize([shared, shared]), '[{"v":1},{"v":1}]');
  let deep: unknown = 0;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert(isPhaseError(assertThrows(() => canonicalize(deep)), "canonical_too_deep"));
  let ok: unknown = 0;
  for (let i = 0; i < 2_000; i++) ok = [ok];
  assertEquals(canonicalize(ok, { maxDepth: 2_001 }).length, 4_001);
  // A depth allowance beyond the engine's stack still ends in a typed error.
  for (let i = 0; i < 1_000_000; i++) deep = [deep];
  const err = assertThrows(() => canonicalize(deep, { maxDepth: Infinity }));
  assert(isPhaseError(err, "canonical_too_deep"), String(err));
});
