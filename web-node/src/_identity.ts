// The tab's node identity: one Ed25519 key kept in IndexedDB, so a tab (and
// every tab of this origin) keeps its peer id across reloads. The same key
// signs receipts and is the libp2p identity.

import { generateKeyPair, type KeyPair } from "../../shared/crypto/mod.ts";
import { fromBase64Url } from "../../shared/encoding/mod.ts";

const DB = "phase";
const STORE = "identity";
const KEY = "node-key";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return await request(open);
}

// A fresh key pair, from WebCrypto where it has Ed25519 (about 1 ms; the
// pure-JS path first builds its tables, 50-85 ms in Chromium).
async function freshKeyPair(): Promise<KeyPair> {
  try {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const keyPair = { secretKey: fromBase64Url(jwk.d!), publicKey: fromBase64Url(jwk.x!) };
    if (keyPair.secretKey.length === 32 && keyPair.publicKey.length === 32) return keyPair;
  } catch {
    // no Ed25519 in this browser's WebCrypto
  }
  return generateKeyPair();
}

// Stored records keep the public key too, so a reload does not derive it.
function fromStored(stored: unknown): KeyPair | undefined {
  const record = stored as { secretKey?: unknown; publicKey?: unknown } | undefined;
  if (
    record?.secretKey instanceof Uint8Array && record.secretKey.length === 32 &&
    record.publicKey instanceof Uint8Array && record.publicKey.length === 32
  ) {
    return { secretKey: record.secretKey, publicKey: record.publicKey };
  }
  return undefined;
}

/** Loads this origin's node key from IndexedDB, creating it on first use. */
export async function loadIdentity(): Promise<KeyPair> {
  let db: IDBDatabase;
  try {
    db = await openDb();
  } catch {
    // Private windows may refuse IndexedDB: run with a key for this session.
    return await freshKeyPair();
  }
  try {
    const stored = fromStored(await request(db.transaction(STORE).objectStore(STORE).get(KEY)));
    if (stored) return stored;
    const keyPair = await freshKeyPair();
    // add() fails if another tab stored one meanwhile: then use that one.
    try {
      await request(
        db.transaction(STORE, "readwrite").objectStore(STORE).add(
          { secretKey: keyPair.secretKey, publicKey: keyPair.publicKey },
          KEY,
        ),
      );
      return keyPair;
    } catch {
      const other = fromStored(await request(db.transaction(STORE).objectStore(STORE).get(KEY)));
      if (!other) throw new Error("stored node key is unreadable");
      return other;
    }
  } finally {
    db.close();
  }
}
