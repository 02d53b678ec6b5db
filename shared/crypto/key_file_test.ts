import { isPhaseError } from "../errors.ts";
import { toBase64Url } from "../encoding/mod.ts";
import { assert, assertEquals, assertThrows } from "../testing/mod.ts";
import { decodeKeyFile, encodeKeyFile, generateKeyPair } from "./mod.ts";

Deno.test("key file: round trip and exact text", () => {
  const pair = generateKeyPair();
  const text = encodeKeyFile(pair);
  assertEquals(
    text,
    `{"publicKey":"${toBase64Url(pair.publicKey)}","secretKey":"${
      toBase64Url(pair.secretKey)
    }","type":"phase-ed25519-key","version":1}\n`,
  );
  assertEquals(decodeKeyFile(text), pair);
  // Whitespace and key order do not matter when reading.
  const loose = JSON.stringify(JSON.parse(text), null, 2);
  assertEquals(decodeKeyFile(loose), pair);
});

Deno.test("key file: strict parsing with typed errors", () => {
  const pair = generateKeyPair();
  const base = JSON.parse(encodeKeyFile(pair));
  const other = generateKeyPair();
  const cases: [unknown, string][] = [
    ["not json", "key_file_invalid"],
    [[], "key_file_invalid"],
    [null, "key_file_invalid"],
    [{ ...base, extra: 1 }, "key_file_invalid"],
    [{ ...base, type: "other" }, "key_file_invalid"],
    [{ ...base, version: 2 }, "key_file_unsupported_version"],
    [{ ...base, version: "1" }, "key_file_unsupported_version"],
    [{ ...base, publicKey: undefined }, "key_file_invalid"],
    [{ ...base, secretKey: base.secretKey + "A" }, "key_file_invalid"],
    [{ ...base, secretKey: base.secretKey.slice(0, -2) }, "key_file_invalid"],
    [{ ...base, publicKey: base.publicKey + "=" }, "key_file_invalid"],
    [{ ...base, publicKey: 42 }, "key_file_invalid"],
    [{ ...base, publicKey: toBase64Url(other.publicKey) }, "key_file_mismatch"],
  ];
  for (const [value, code] of cases) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const err = assertThrows(() => decodeKeyFile(text));
    assert(isPhaseError(err, code), `${text}: ${err}`);
  }
  const err = assertThrows(() =>
    encodeKeyFile({ publicKey: other.publicKey, secretKey: pair.secretKey })
  );
  assert(isPhaseError(err, "key_file_mismatch"));
});
