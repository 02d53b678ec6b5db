/**
 * Receipts: an executor's signed statement of which module it ran on which
 * input with which output. See `receipt.ts` for the exact bytes and codes.
 *
 * @module
 */

export {
  buildReceipt,
  checkReceiptShape,
  type JobOutput,
  MAX_RECEIPT_TEXT,
  outputSha256,
  parseReceipt,
  type Receipt,
  receiptDigest,
  type ReceiptFields,
  RUNTIME_KINDS,
  type RuntimeKind,
  verifyReceipt,
  verifyReceiptAsync,
  type VerifyReceiptOptions,
} from "./receipt.ts";
