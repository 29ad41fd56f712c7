export { createEmulator, type Emulator, type EmulatorOptions } from './emulator';
export { createHttpServer, startServer, type RunningServer } from './server';
export { ManualClock, systemClock, type Clock } from './clock';
export type { TicketStore, TicketInfo, IssuedTicket } from './tickets/TicketStore';
export { MemoryTicketStore } from './tickets/MemoryTicketStore';
