// One command's run: global options, a lazily opened connection to the helper, params checked against the shared
// method table before they are sent (a bad argument is a usage error, exit 2, and never reaches the helper), and
// output as JSON or for people.
import { HelperClient } from '../shared/client/helper-client.js';
import { methods, type MethodName, type ParamsOf, type ResultOf } from '../shared/protocol.js';
import { DEFAULT_SOCKET_PATH } from '../shared/paths.js';
import { UsageError } from './exit-codes.js';

export { DEFAULT_SOCKET_PATH };
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface GlobalOptions {
  socketPath: string;
  json: boolean;
  timeoutMs: number;
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Params that fail the method's schema → one readable usage error ("name: a profile name is …"). */
export function checkParams<M extends MethodName>(method: M, params: ParamsOf<M>): void {
  const parsed = methods[method].params.safeParse(params);
  if (parsed.success) return;
  const message = parsed.error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  throw new UsageError(message);
}

export class Session {
  private client: Promise<HelperClient> | null = null;

  constructor(
    readonly options: GlobalOptions,
    readonly output: Output = processOutput,
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  /** The connection, opened on first use (so argument errors never depend on the helper running). */
  connection(): Promise<HelperClient> {
    this.client ??= HelperClient.connect(this.options.socketPath, { timeoutMs: this.options.timeoutMs });
    return this.client;
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    checkParams(method, params);
    const client = await this.connection();
    return client.call(method, params);
  }

  /** The result as JSON with --json, else what `human` makes of it. */
  print<T>(result: T, human: (result: T) => string): void {
    this.output.stdout(this.json ? JSON.stringify(result, null, 2) + '\n' : human(result) + '\n');
  }

  /** A line for people only (--json prints just the result). */
  note(text: string): void {
    if (!this.json) this.output.stdout(text + '\n');
  }

  async close(): Promise<void> {
    const pending = this.client;
    this.client = null;
    if (!pending) return;
    try {
      await (await pending).close();
    } catch {
      // never connected: nothing to close (the connect error was already reported)
    }
  }
}
