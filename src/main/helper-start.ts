// Starting the helper after the administrator password prompt (sudo-prompt → pkexec), per helper-launcher.ts.

import sudo from 'sudo-prompt';
import { decideHelperStart, helperStartCommand, type LauncherEnvironment } from './helper-launcher.js';
import type { StartHelperOutcome } from './preload-api.js';

export function startHelperWithPrompt(env: LauncherEnvironment): Promise<StartHelperOutcome> {
  const advice = decideHelperStart(env);
  if (advice.kind === 'systemd') {
    return Promise.resolve({ ok: false, message: `The helper is managed by systemd: ${advice.command}` });
  }
  if (advice.kind === 'unavailable') return Promise.resolve({ ok: false, message: advice.reason });
  let command: string;
  try {
    command = helperStartCommand(env);
  } catch (error) {
    return Promise.resolve({ ok: false, message: (error as Error).message });
  }
  return new Promise((resolve) => {
    sudo.exec(command, { name: 'DOTS Family' }, (error) => {
      if (error) {
        const denied = /did not grant permission|dismissed|126/i.test(error.message);
        resolve({
          ok: false,
          message: denied ? 'The helper was not started: the password prompt was cancelled.' : `The helper did not start: ${error.message}`,
        });
      } else {
        resolve({ ok: true, message: 'The helper is starting…' });
      }
    });
  });
}
