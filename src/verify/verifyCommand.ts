/**
 * `asmx-emulator verify --upstream URL [--target URL] [--cases DIR] [--report DIR]`: replays every
 * case (the recorded requests of DIR, else a suite generated from the upstream's WSDL) against the
 * upstream and the target (by default an emulator started here from the recording's config.json,
 * or from the upstream's WSDL alone), compares each pair after normalising, prints one line per
 * case and a summary, writes `junit.xml` and `report.html`, and exits 1 when anything differs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../config';
import { loadWsdl } from '../contract/readWsdl';
import type { ServiceModel } from '../contract/model';
import { createEmulator } from '../emulator';
import { startServer, type RunningServer } from '../server';
import { compareAnswers, normalisedAnswer, type CaseResult } from './compareAnswers';
import { generatedCases } from './generatedCases';
import { htmlReport } from './htmlReport';
import { junitReport } from './junitReport';
import { replayCase, type Credentials } from './replayCase';
import { signIn } from './signIn';
import { mayEndTicket, needsTicket, readRecordedCases, type VerifyCase } from './verifyCase';

export interface VerifyOptions {
  readonly upstream?: string | undefined;
  readonly target?: string | undefined;
  readonly cases?: string | undefined;
  readonly report?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

export interface VerifyIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** One side of the comparison: where it is, and its live ticket (signed in when first needed). */
class Side {
  private ticket: string | undefined;
  constructor(
    readonly url: string,
    private readonly model: ServiceModel,
    private readonly credentials: Credentials,
  ) {}

  async answer(c: VerifyCase): Promise<string> {
    if (needsTicket(c) && this.ticket === undefined)
      this.ticket = (await signIn(this.url, this.model, this.credentials)) ?? '';
    const ticket = this.ticket ?? '';
    const answer = await replayCase(this.url, c, ticket, this.credentials);
    if (mayEndTicket(c)) this.ticket = undefined;
    return normalisedAnswer(answer, [ticket], [new URL(this.url).origin]);
  }
}

export async function verifyCommand(config: Config, options: VerifyOptions, io: VerifyIo): Promise<number> {
  if (!options.upstream) {
    io.err(
      'verify needs --upstream <url of the .asmx> (and --cases <recording folder>, --target <url>, --report <folder>)',
    );
    return 2;
  }
  const credentials: Credentials = {
    user: options.user ?? io.env.ASMX_VERIFY_USER ?? '',
    password: options.password ?? io.env.ASMX_VERIFY_PASSWORD ?? '',
  };
  const scratch = mkdtempSync(path.join(tmpdir(), 'asmx-verify-'));
  let emulator: { running: RunningServer; close(): Promise<void> } | undefined;
  try {
    let model: ServiceModel;
    let configFile: string;
    let cases: VerifyCase[];
    if (options.cases) {
      configFile = path.join(options.cases, 'config.json');
      const service = (
        JSON.parse(readFileSync(configFile, 'utf8')) as { services: Array<{ path: string; wsdl: string }> }
      ).services[0];
      if (!service) throw new Error(`${configFile} names no service`);
      model = loadWsdl(path.resolve(options.cases, service.wsdl));
      cases = readRecordedCases(options.cases);
    } else {
      const answer = await fetch(`${options.upstream}?WSDL`, { signal: AbortSignal.timeout(30_000) });
      if (!answer.ok) throw new Error(`the upstream answered ?WSDL with HTTP ${answer.status}`);
      writeFileSync(path.join(scratch, 'service.wsdl'), await answer.text());
      configFile = path.join(scratch, 'config.json');
      const servicePath = new URL(options.upstream).pathname;
      writeFileSync(configFile, JSON.stringify({ services: [{ path: servicePath, wsdl: 'service.wsdl' }] }));
      model = loadWsdl(path.join(scratch, 'service.wsdl'));
      cases = generatedCases(model);
    }
    let targetUrl = options.target;
    if (!targetUrl) {
      emulator = await startTargetEmulator(config, configFile);
      targetUrl = `${emulator.running.origin}${new URL(options.upstream).pathname}`;
      io.out(`target: an emulator started from ${configFile} at ${targetUrl}`);
    }
    const upstream = new Side(options.upstream, model, credentials);
    const target = new Side(targetUrl, model, credentials);
    const results: CaseResult[] = [];
    for (const c of cases) {
      const started = performance.now();
      let result: CaseResult;
      try {
        const left = await upstream.answer(c);
        const right = await target.answer(c);
        result = compareAnswers(c.name, left, right, performance.now() - started);
      } catch (error) {
        const message = `not answered: ${(error as Error).message}`;
        result = {
          name: c.name,
          same: false,
          upstream: '',
          target: '',
          durationMs: performance.now() - started,
          error: message,
        };
      }
      results.push(result);
      io.out(`${result.same ? 'same   ' : 'DIFFERS'} ${c.name}${result.error ? ` (${result.error})` : ''}`);
    }
    const differing = results.filter((r) => !r.same);
    io.out(`${results.length} cases: ${results.length - differing.length} same, ${differing.length} differ`);
    if (differing.length > 0) io.out(`differ: ${differing.map((r) => r.name).join(', ')}`);
    if (options.report) {
      mkdirSync(options.report, { recursive: true });
      writeFileSync(path.join(options.report, 'junit.xml'), junitReport('asmx-emulator verify', results));
      writeFileSync(
        path.join(options.report, 'report.html'),
        htmlReport(results, {
          title: 'asmx-emulator verify',
          subtitle: `upstream ${options.upstream} against target ${targetUrl}`,
        }),
      );
      io.out(
        `reports: ${path.join(options.report, 'junit.xml')}, ${path.join(options.report, 'report.html')}`,
      );
    }
    return differing.length > 0 ? 1 : 0;
  } catch (error) {
    io.err(`asmx-emulator verify failed: ${(error as Error).message}`);
    return 2;
  } finally {
    await emulator?.close().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The default target: an emulator of this process, serving the recording (or the bare WSDL) on a free port. */
async function startTargetEmulator(config: Config, configFile: string) {
  const settings = loadConfig({
    file: configFile,
    env: {},
    flags: { port: 0, host: '127.0.0.1', logLevel: 'warn', usersFile: config.usersFile },
  });
  const emulator = createEmulator({ config: settings });
  const running = await startServer(emulator, settings.port, settings.host);
  return { running, close: () => running.close() };
}
