// The tab's node identity: one Ed25519 key kept in IndexedDB, so a tab (and
// every tab of this origin) keeps its peer id across reloads. The same key
// signs receipts and is the libp2p identity.

import { generateKeyPair, type KeyPair, keyPairFromSecretKey } from "../../shared/crypto/mod.ts";

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

/** Loads this origin's node key from IndexedDB, creating it on first use. */
export async function loadIdentity(): Promise<KeyPair> {
  let db: IDBDatabase;
  try {
    db = await openDb();
  } catch {
    // Private windows may refuse IndexedDB: run with a key for this session.
    return generateKeyPair();
  }
  try {
    const stored = await request(db.transaction(STORE).objectStore(STORE).get(KEY));
    if (stored instanceof Uint8Array && stored.length === 32) return keyPairFromSecretKey(stored);
    const keyPair = generateKeyPair();
    // add() fails if another tab stored one meanwhile: then use that one.
    try {
      await request(
        db.transaction(STORE, "readwrite").objectStore(STORE).add(
          keyPair.secretKey,
          KEY,
        ),
      );
      return keyPair;
    } catch {
      const other = await request(db.transaction(STORE).objectStore(STORE).get(KEY));
      return keyPairFromSecretKey(other as Uint8Array);
    }
  } finally {
    db.close();
  }
}
