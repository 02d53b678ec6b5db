/**
 * Job manifests: what a submitter asks the network to run, signed.
 *
 * See `manifest.ts` for the exact id and signature bytes, path rules and
 * error codes.
 *
 * @module
 */

export type {
  BlobRef,
  BuildManifestOptions,
  JobLimits,
  JobManifest,
  ManifestInput,
  ManifestMaxima,
  ModuleRef,
  ValidateManifestOptions,
} from "./types.ts";
export {
  buildManifest,
  checkManifestShape,
  computeJobId,
  DEFAULT_DEADLINE_MS,
  DEFAULT_LIMITS,
  DEFAULT_MAXIMA,
  inputSha256,
  manifestSigningBytes,
  MAX_MANIFEST_TEXT,
  parseManifest,
  validateManifest,
  validateManifestAsync,
  verifyManifest,
} from "./manifest.ts";
