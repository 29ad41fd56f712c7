/**
 * The answerer of one operation built from its stub rules: the first rule whose `when` matches
 * answers (a result, or a SoapFault thrown); when none matches it returns {@link UNHANDLED}, so the
 * caller can tell "no rule matched" (answer "not implemented", or try the next answerer) from a
 * null result.
 */
import type { Arguments } from '../../codec/values';
import { SoapFault, type HandlerContext, type OperationHandlerFunction } from '../handlerApi';
import { UNHANDLED } from '../unhandled';
import type { Matcher } from './matchRule';

/** Returned by a stub answerer when no rule matches: the one symbol invoke() passes the call on for. */
export { UNHANDLED };
export type Unhandled = typeof UNHANDLED;

export interface CompiledRule {
  /** Index in the file's array (0-based), for logs. */
  readonly index: number;
  readonly matches: Matcher;
  /** The result for a request (templated), or throws a {@link SoapFault}. */
  readonly answer: (args: Arguments, context: HandlerContext) => unknown;
}

export function faultAnswer(
  message: (args: Arguments, context: HandlerContext) => string,
): CompiledRule['answer'] {
  return (args, context) => {
    // SoapException(message, SoapException.ClientFaultCode), as context.fault() throws it.
    throw new SoapFault(message(args, context), 'Client');
  };
}

/** A handler answering with the first matching rule, or {@link UNHANDLED}. */
export function stubAnswerer(rules: readonly CompiledRule[]): OperationHandlerFunction {
  return (args, context) => {
    for (const rule of rules) {
      if (rule.matches(args, context)) return rule.answer(args, context);
    }
    return UNHANDLED;
  };
}
