// Linux account lookups through NSS (`getent`, so LDAP/SSSD accounts resolve too). Arguments go to execFile as an
// array, never through a shell; a username is validated before it is used at all.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const USERNAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

export interface PasswdEntry {
  username: string;
  uid: number;
  gid: number;
  home: string;
}

export class AccountLookupError extends Error {
  override name = 'AccountLookupError';
}

function parsePasswdLine(line: string): PasswdEntry | null {
  const fields = line.trim().split(':');
  if (fields.length < 7) return null;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return null;
  return { username: fields[0]!, uid, gid, home: fields[5]! };
}

async function getent(database: 'passwd' | 'group', key: string): Promise<string | null> {
  try {
    const { stdout } = await run('getent', [database, key], { timeout: 5000 });
    return stdout;
  } catch (error) {
    // getent exits 2 when the key is not found
    if ((error as { code?: number }).code === 2) return null;
    throw new AccountLookupError(`getent ${database} failed: ${(error as Error).message}`);
  }
}

/** The account with this login name, or null. */
export async function accountByName(username: string): Promise<PasswdEntry | null> {
  if (!USERNAME.test(username)) throw new AccountLookupError(`"${username}" is not a valid user name`);
  const out = await getent('passwd', username);
  return out ? parsePasswdLine(out) : null;
}

/** The account with this uid, or null when no account has it (a uid may still be watched). */
export async function accountByUid(uid: number): Promise<PasswdEntry | null> {
  const out = await getent('passwd', String(uid));
  return out ? parsePasswdLine(out) : null;
}

/** The gid of a group, or null when it does not exist. */
export async function groupId(name: string): Promise<number | null> {
  if (!USERNAME.test(name)) throw new AccountLookupError(`"${name}" is not a valid group name`);
  const out = await getent('group', name);
  if (!out) return null;
  const gid = Number(out.split(':')[2]);
  return Number.isInteger(gid) ? gid : null;
}
