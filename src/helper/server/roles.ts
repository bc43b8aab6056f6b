// Who may do what: pure decisions from peer credentials, the method table and the caller's profile.
//
//   root, or the parents group (primary or supplementary gid) → admin: every method, every profile.
//   an account of a watched profile                           → child: 'child' and 'any-authenticated' methods,
//                                                                 its own profile only.
//   anyone else                                               → permission_denied on every request.
// Admin wins when an account is both (a parent's account should not be put in a child profile, but if it is, the
// parent keeps their rights).

import {
  ErrorCode,
  TOPIC_ACCESS,
  methods,
  type AdminVia,
  type HandlerParamsOf,
  type MethodName,
  type ProfileRef,
  type ProtocolError,
  type PushDataOf,
  type PushName,
  type Topic,
} from '../../shared/protocol.js';
import type { CallerIdentity, ChildProfile, PeerCredentials } from './types.js';

export function adminVia(peer: PeerCredentials, parentsGid: number | null): AdminVia | null {
  if (peer.uid === 0) return 'root';
  if (parentsGid !== null && (peer.gid === parentsGid || peer.groups.includes(parentsGid))) return 'parents_group';
  return null;
}

export function identifyCaller(
  peer: PeerCredentials,
  via: AdminVia | null,
  child: ChildProfile | null,
): CallerIdentity | null {
  const credentials = { pid: peer.pid, uid: peer.uid, gid: peer.gid, groups: peer.groups };
  if (via) return { ...credentials, role: 'admin', via };
  if (child) return { ...credentials, role: 'child', profileId: child.profileId, profileName: child.profileName };
  return null;
}

export function notAuthorizedError(peer: PeerCredentials, parentsGroup: string): ProtocolError {
  return {
    code: ErrorCode.PermissionDenied,
    message:
      `uid ${peer.uid} may not use the DOTS Family helper: it is not root, not in group '${parentsGroup}' ` +
      `(after being added to it, log in again), and not an account of any watched profile`,
  };
}

export function checkAccess(method: MethodName, caller: CallerIdentity): ProtocolError | null {
  if (caller.role === 'admin' || methods[method].access !== 'admin') return null;
  return { code: ErrorCode.PermissionDenied, message: `${method} is for parents only` };
}

function ownProfile(caller: CallerIdentity & { role: 'child' }, ref: ProfileRef | undefined): boolean {
  return ref === undefined || ref === caller.profileId || ref === caller.profileName;
}

export type ScopedParams<M extends MethodName> =
  | { ok: true; params: HandlerParamsOf<M> }
  | { ok: false; error: ProtocolError };

/**
 * A child may only name its own profile (by id or current name) or none; its handler then sees the numeric id,
 * so every handler resolves a child's requests the same way. Admins' params pass unchanged.
 */
export function scopeToCaller<M extends MethodName>(
  method: M,
  params: HandlerParamsOf<M>,
  caller: CallerIdentity,
): ScopedParams<M> {
  if (caller.role !== 'child' || methods[method].access !== 'child') return { ok: true, params };
  const ref = (params as { profile?: ProfileRef }).profile;
  if (!ownProfile(caller, ref)) {
    return {
      ok: false,
      error: { code: ErrorCode.PermissionDenied, message: `a child account can only see its own profile` },
    };
  }
  return { ok: true, params: { ...params, profile: caller.profileId } };
}

export function checkTopicAccess(topics: readonly Topic[], caller: CallerIdentity): ProtocolError | null {
  if (caller.role === 'admin') return null;
  const denied = topics.filter((topic) => TOPIC_ACCESS[topic] === 'admin');
  if (denied.length === 0) return null;
  return { code: ErrorCode.PermissionDenied, message: `topic ${denied.join(', ')} is for parents only` };
}

/** The part of a push a child may see: only what concerns its own profile; null when nothing does. */
export function pushForChild<P extends PushName>(push: P, data: PushDataOf<P>, profileId: number): PushDataOf<P> | null {
  switch (push) {
    case 'metrics': {
      const own = (data as PushDataOf<'metrics'>).filter((metrics) => metrics.profileId === profileId);
      return own.length > 0 ? (own as PushDataOf<P>) : null;
    }
    case 'alert':
      return (data as PushDataOf<'alert'>).profileId === profileId ? data : null;
    default:
      return null; // monitor health is not a child's topic
  }
}
