/**
 * Calls an operation of an upstream ASMX service over SOAP 1.1: its own request, built from the
 * typed arguments (soapRequest.ts), within a timeout and a bound on concurrent calls; the answer
 * read back as a typed value or a fault (soapResponse.ts). An upstream that cannot be reached, or
 * answers something that is no SOAP answer, fails like a ticket store outage: StoreUnavailableError
 * ([903]); one that does not answer in time, StoreOutcomeUnknownError ([904]): the call may have run.
 */
import type { OperationModel } from '../contract/model';
import type { Arguments } from '../codec/values';
import { StoreOutcomeUnknownError, StoreUnavailableError } from '../tickets/TicketStore';
import { ConcurrencyLimit } from './concurrencyLimit';
import { soapRequestBody, soapRequestHeaders } from './soapRequest';
import { readSoapAnswer, type UpstreamAnswer } from './soapResponse';

export interface UpstreamClientOptions {
  /** The upstream service's URL, e.g. `http://legacy/srv.asmx`. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
}

export interface UpstreamClient {
  readonly url: string;
  call(operation: OperationModel, args: Arguments): Promise<UpstreamAnswer>;
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const limit = new ConcurrencyLimit(options.maxConcurrent);
  const where = new URL(options.url).host;
  const busy = () =>
    new StoreOutcomeUnknownError(`upstream ${where}: no free slot within ${options.timeoutMs} ms`);
  return {
    url: options.url,
    call(operation, args) {
      const deadline = Date.now() + options.timeoutMs;
      return limit.run(deadline, busy, async () => {
        let response: Response;
        let text: string;
        try {
          response = await fetch(options.url, {
            method: 'POST',
            headers: soapRequestHeaders(operation),
            body: soapRequestBody(operation, args),
            signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
          });
          text = await response.text();
        } catch (error) {
          const name = (error as Error).name;
          if (name === 'TimeoutError' || name === 'AbortError') {
            throw new StoreOutcomeUnknownError(
              `upstream ${where} did not answer within ${options.timeoutMs} ms`,
              {
                cause: error,
              },
            );
          }
          throw new StoreUnavailableError(`upstream ${where} unreachable: ${(error as Error).message}`, {
            cause: error,
          });
        }
        const answer = readSoapAnswer(operation, text);
        if (!answer) {
          throw new StoreUnavailableError(
            `upstream ${where} answered ${operation.name} with HTTP ${response.status} and no SOAP answer`,
          );
        }
        return answer;
      });
    },
  };
}
