// Phase: the cost of the revocation log, HTTP GET LogOut success with SNAPSHOT_FILE,
// REVOCATION_LOG off vs on (the measurement is bench/revocation-log.mjs). No target: the ratio
// is reported.
import { revocationLogPhase } from '../revocation-log.mjs';
import { log, measure, report, settings, workDir } from '../harness.mjs';

export async function revocationPhase(results) {
  const estimateRps = results.throughput?.['get-logout-901']?.emulator?.rps;
  return await revocationLogPhase({ measure, report, settings, workDir, estimateRps, log });
}
