/**
 * `phase verify FILE.json`: re-verifies, offline, a result printed by
 * `phase submit --json` (manifest signature, every receipt against the
 * manifest and the output bytes) or a lone receipt (its signature; with
 * `--manifest`, that it belongs to that job).
 *
 * @module
 */

import { type Command, parseFlags, UsageError } from "./command.ts";
import { outputOf } from "./_result_json.ts";
import { validateManifest } from "../shared/manifest/mod.ts";
import { outputSha256, verifyReceipt } from "../shared/receipt/mod.ts";
import { isPhaseError } from "../shared/errors.ts";
import { EXIT_USAGE } from "./exit_codes.ts";

const HELP = `usage: deno task phase verify FILE.json [--manifest MANIFEST.json] [--json]

FILE.json is either the output of \`phase submit --json\` (every receipt is
checked against the manifest and the output bytes, and the receipts must
agree) or a single receipt (its signature; with --manifest, that it belongs
to that job). Exit code 0 when everything verifies, 1 otherwise.`;

/** What verification found. */
export interface VerifyReport {
  ok: boolean;
  kind: "result" | "receipt";
  checks: { what: string; ok: boolean; reason?: string }[];
}

function attempt(checks: VerifyReport["checks"], what: string, fn: () => void): void {
  try {
    fn();
    checks.push({ what, ok: true });
  } catch (err) {
    checks.push({
      what,
      ok: false,
      reason: isPhaseError(err) ? `${err.code}: ${err.message}` : String(err),
    });
  }
}

/** Verifies a parsed result or receipt; never throws for bad content. */
export function verifyDocument(doc: unknown, manifestDoc?: unknown): VerifyReport {
  const checks: VerifyReport["checks"] = [];
  const obj = (doc ?? {}) as Record<string, unknown>;
  if (Array.isArray(obj.receipts)) {
    let manifest: ReturnType<typeof validateManifest> | undefined;
    attempt(checks, "manifest signature and fields", () => {
      manifest = validateManifest(obj.manifest);
    });
    let output: ReturnType<typeof outputOf> | undefined;
    attempt(checks, "output encoding", () => {
      output = outputOf(obj);
    });
    if (obj.receipts.length === 0) checks.push({ what: "receipts", ok: false, reason: "none" });
    const expected = output ? outputSha256(output) : undefined;
    for (const [i, receipt] of obj.receipts.entries()) {
      const who = (receipt as { executorPeerId?: string })?.executorPeerId ?? "?";
      attempt(checks, `receipt ${i + 1} (${who})`, () => {
        if (!manifest || !output) throw new Error("manifest or output unusable");
        const r = verifyReceipt(receipt, { manifest, output });
        if (r.outputSha256 !== expected) throw new Error("receipt covers another output");
      });
    }
    return { ok: checks.every((c) => c.ok), kind: "result", checks };
  }
  attempt(checks, "receipt signature and fields", () => {
    verifyReceipt(doc, manifestDoc ? { manifest: validateManifest(manifestDoc) } : {});
  });
  return { ok: checks.every((c) => c.ok), kind: "receipt", checks };
}

/** `phase verify`: offline verification of results and receipts. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "re-verify a result or receipt offline",
  async run(args) {
    try {
      const { values, positionals } = parseFlags(args, {
        manifest: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      });
      if (values.help) {
        console.log(HELP);
        return 0;
      }
      if (positionals.length !== 1) throw new UsageError("give exactly one FILE.json");
      const read = async (path: string) => {
        const text = await Deno.readTextFile(path);
        try {
          return JSON.parse(text);
        } catch {
          throw new UsageError(`${path} is not JSON`);
        }
      };
      const doc = await read(positionals[0]);
      const manifest = values.manifest ? await read(values.manifest as string) : undefined;
      const report = verifyDocument(doc, manifest);
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else {
        for (const c of report.checks) {
          console.log(`${c.ok ? "ok  " : "FAIL"} ${c.what}${c.reason ? `: ${c.reason}` : ""}`);
        }
        console.log(report.ok ? `verified (${report.kind})` : `NOT verified (${report.kind})`);
      }
      return report.ok ? 0 : 1;
    } catch (err) {
      console.error(`phase verify: ${err instanceof Error ? err.message : err}`);
      return err instanceof UsageError ? EXIT_USAGE : 1;
    }
  },
};
