export { createEmulator, type Emulator, type EmulatorOptions } from './emulator';
export { createHttpServer, startServer, type RunningServer } from './server';
export { createRouter, createRequestListener } from './app';
export { loadConfig, resolveConfig, ConfigError, type Config, type ConfigInput } from './config';
export { ManualClock, systemClock, type Clock } from './clock';
export {
  EmulatorAdmin,
  EmulatorAdminError,
  type FaultRequest,
  type IssuedSession,
  type RequestQuery,
} from './admin/emulatorAdmin';
export type { ArmedFault, FaultKind } from './admin/faultBook';
export type { JournalEntry } from './admin/journal';
export type { LeakCounts, LeakReport, SessionView } from './admin/sessionRegistry';
export type { ClockView } from './admin/adminControl';
export type { TicketStore, TicketInfo, IssuedTicket } from './tickets/TicketStore';
export { StoreUnavailableError } from './tickets/TicketStore';
export { MemoryTicketStore } from './tickets/MemoryTicketStore';
export { RedisTicketStore } from './tickets/RedisTicketStore';
export type {
  HandlerContext,
  HandlerModule,
  OperationHandlerFunction,
  TicketUser,
  Transport,
} from './services/handlerApi';
export { SoapFault } from './services/handlerApi';
export { DotNetDateTime, type Arguments, type DateTimeKind, type XmlNodeValue } from './codec/values';
export type { ServiceModel, OperationModel, MemberModel, TypeModel } from './contract/model';
export { loadWsdl, readWsdl } from './contract/readWsdl';
