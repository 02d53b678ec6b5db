import { isPhaseError } from "../errors.ts";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import {
  concatBytes,
  fromBase64Url,
  fromHex,
  readLimited,
  toBase64Url,
  toHex,
  utf8Decode,
  utf8Encode,
} from "./mod.ts";

Deno.test("hex: round trip and strict decoding", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assertEquals(toHex(new Uint8Array([0, 1, 0xab, 0xff])), "0001abff");
  assertEquals(fromHex(toHex(all)), all);
  assertEquals(fromHex(""), new Uint8Array(0));
  for (const bad of ["0", "abc", "AB", "0g", "zz", " 00", "00 ", "é0"]) {
    assert(isPhaseError(assertThrows(() => fromHex(bad)), "encoding_invalid_hex"), bad);
  }
});

Deno.test("base64url: RFC 4648 vectors, unpadded", () => {
  const cases: [string, string][] = [
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, enc] of cases) {
    assertEquals(toBase64Url(utf8Encode(plain)), enc);
    assertEquals(utf8Decode(fromBase64Url(enc)), plain);
  }
  assertEquals(toBase64Url(new Uint8Array([0xfb, 0xff, 0xbf])), "-_-_");
});

Deno.test("base64url: round trip of every length up to 70", () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
    assertEquals(fromBase64Url(toBase64Url(bytes)), bytes);
  }
});

Deno.test("base64url: strict decoding rejects non-canonical text", () => {
  for (const bad of ["Zg==", "Zm8=", "Z", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v\n", "Zm 9", "Zé"]) {
    const err = assertThrows(() => fromBase64Url(bad));
    assert(isPhaseError(err, "encoding_invalid_base64url"), bad);
  }
});

Deno.test("utf8: strict decoding", () => {
  assertEquals(utf8Decode(utf8Encode("héllo €😀")), "héllo €😀");
  for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80]]) {
    const err = assertThrows(() => utf8Decode(new Uint8Array(bad)));
    assert(isPhaseError(err, "encoding_invalid_utf8"), String(bad));
  }
});

Deno.test("concatBytes joins chunks; one chunk is returned as is", () => {
  const a = new Uint8Array([1, 2]);
  assertEquals(concatBytes([]), new Uint8Array(0));
  assert(concatBytes([a]) === a);
  assertEquals(concatBytes([a, new Uint8Array([3])]), new Uint8Array([1, 2, 3]));
  assertEquals(concatBytes([a, a], 4), new Uint8Array([1, 2, 1, 2]));
});

Deno.test("readLimited: whole streams up to the limit, null and cancelled above it", async () => {
  const streamOf = (sizes: number[]) => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        sizes.forEach((n, i) => c.enqueue(new Uint8Array(n).fill(i + 1)));
        c.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    return { stream, cancelled: () => cancelled };
  };
  const ok = streamOf([3, 4]);
  assertEquals(await readLimited(ok.stream, 7), Uint8Array.from([1, 1, 1, 2, 2, 2, 2]));
  const over = streamOf([3, 4, 5]);
  assertEquals(await readLimited(over.stream, 6), null);
  assert(over.cancelled(), "the stream was not cancelled");
  assertEquals(await readLimited(null, 0), new Uint8Array(0));
});
