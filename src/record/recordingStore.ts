/**
 * The files of a recording: `<service>.wsdl` (the upstream's, as it served it), `config.json`
 * (an emulator serving the recording: `asmx-emulator --config <dir>/config.json`), `exchanges/`
 * (each request and response as raw HTTP, in the reference kit's format) and `stubs/` (one stub
 * file per operation). Every file is written whole (temporary file, renamed) as soon as its
 * exchange is over, so a stop loses nothing that was answered.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OperationRecording } from './stubRules';
import type { RecordedAnswer } from './resultJson';

export class RecordingStore {
  private readonly operations = new Map<string, OperationRecording>();
  private sequence = 0;

  constructor(
    readonly dir: string,
    private readonly servicePath: string,
    private readonly wsdlName: string,
  ) {
    mkdirSync(path.join(dir, 'exchanges'), { recursive: true });
    mkdirSync(path.join(dir, 'stubs'), { recursive: true });
  }

  writeWsdl(text: string): void {
    write(path.join(this.dir, this.wsdlName), text);
    const config = { services: [{ path: this.servicePath, wsdl: this.wsdlName, stubs: 'stubs' }] };
    write(path.join(this.dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Writes one exchange's raw files; returns its case name (`0001-soap11-GetDocumentInfo`). */
  writeExchange(kind: string, request: Buffer, response: Buffer): string {
    const name = `${String(++this.sequence).padStart(4, '0')}-${kind.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    write(path.join(this.dir, 'exchanges', `${name}.request.http`), request);
    write(path.join(this.dir, 'exchanges', `${name}.response.http`), response);
    return name;
  }

  addRule(operation: string, when: Record<string, unknown>, transport: string, answer: RecordedAnswer): void {
    let recording = this.operations.get(operation);
    if (!recording) this.operations.set(operation, (recording = new OperationRecording()));
    recording.add(when, transport, answer);
    write(
      path.join(this.dir, 'stubs', `${operation}.json`),
      `${JSON.stringify(recording.rules(), null, 2)}\n`,
    );
  }
}

function write(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
