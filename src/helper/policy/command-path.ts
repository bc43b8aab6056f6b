// What a parent typed to block ("steam", "/opt/game/bin/game") → the executable it names. Pure: the caller passes
// the check for "is an executable regular file" so this can be tested without a filesystem.
import path from 'node:path';

/**
 * The helper's own search path. Never the parent's or the child's $PATH: a block must mean the same program no
 * matter who asked or where the helper was started.
 */
export const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

export class CommandResolveError extends Error {
  override name = 'CommandResolveError';
}

/**
 * An absolute path is taken as it is (normalised); a bare command name is looked up in SEARCH_PATH, first match
 * wins. Relative paths ("./game", "bin/game") are refused: they depend on a working directory the helper does not
 * share with the parent.
 */
export function resolveCommand(
  typed: string,
  isExecutableFile: (candidate: string) => boolean,
  searchPath: readonly string[] = SEARCH_PATH,
): string {
  const name = typed.trim();
  if (name === '') throw new CommandResolveError('no program given; type a command name or an absolute path');
  if (name.includes('\0')) throw new CommandResolveError('a program name cannot contain NUL');
  if (path.isAbsolute(name)) {
    const absolute = path.normalize(name);
    if (!isExecutableFile(absolute)) throw new CommandResolveError(`${absolute} is not an executable file`);
    return absolute;
  }
  if (name.includes('/')) {
    throw new CommandResolveError(`"${name}" is a relative path; give a command name or an absolute path`);
  }
  for (const dir of searchPath) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new CommandResolveError(`command "${name}" not found in ${searchPath.join(':')}; give its absolute path`);
}
