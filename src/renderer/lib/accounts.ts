// Account and name inputs checked with the protocol's own schemas, so the form says what the helper would refuse.

import { AppSchema, ProfileNameSchema, UidSchema, UsernameSchema } from '../../shared/protocol.js';

export type AccountInput = { ok: true; account: { uid: number } | { username: string } } | { ok: false; error: string };

/** "1001" → uid 1001, "lily" → username lily. */
export function parseAccountInput(input: string): AccountInput {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a login name (e.g. lily) or a numeric user id (e.g. 1001).' };
  if (/^\d+$/.test(text)) {
    const uid = UidSchema.safeParse(Number(text));
    return uid.success ? { ok: true, account: { uid: uid.data } } : { ok: false, error: 'A user id is 0 to 65535.' };
  }
  const username = UsernameSchema.safeParse(text);
  if (!username.success) {
    return { ok: false, error: `'${text}' is not a valid login name (letters, digits, _ . - ; not starting with a digit).` };
  }
  return { ok: true, account: { username: username.data } };
}

/** Several accounts, separated by commas or spaces. */
export function parseAccountList(input: string): { uids: number[]; usernames: string[] } | { error: string } {
  const uids: number[] = [];
  const usernames: string[] = [];
  for (const part of input.split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseAccountInput(part);
    if (!parsed.ok) return { error: parsed.error };
    if ('uid' in parsed.account) {
      if (!uids.includes(parsed.account.uid)) uids.push(parsed.account.uid);
    } else if (!usernames.includes(parsed.account.username)) {
      usernames.push(parsed.account.username);
    }
  }
  return { uids, usernames };
}

/** null when the name is acceptable, else why not. */
export function profileNameError(name: string): string | null {
  if (name.trim() === '') return 'Give the profile a name, e.g. the child’s first name.';
  const parsed = ProfileNameSchema.safeParse(name);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not a valid name.');
}

export function appInputError(app: string): string | null {
  if (app.trim() === '') return 'Enter a command name (e.g. steam) or an absolute path (e.g. /usr/games/steam).';
  const parsed = AppSchema.safeParse(app.trim());
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not a valid application.');
}
