// Child profiles: list, create, rename, accounts, limits and blocked applications.

import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { BlockedApp, Profile } from '../../shared/model.js';
import type { LimitsPatch } from '../../shared/protocol.js';
import type { AgeGroup, TimeRules } from '../../shared/time-rules.js';
import { callHelper } from '../api/helper.js';
import { useLoadState } from './load-state.js';

export interface NewProfile {
  name: string;
  uids: number[];
  usernames: string[];
  /** Fills every limit and time rule from the age group's preset. */
  ageGroup?: AgeGroup | null;
}

export const useProfilesStore = defineStore('profiles', () => {
  const profiles = ref<Profile[]>([]);
  const { status, error, track } = useLoadState();

  const sorted = computed(() => [...profiles.value].sort((a, b) => a.name.localeCompare(b.name)));
  const byId = computed(() => new Map(profiles.value.map((profile) => [profile.id, profile])));

  function nameOf(profileId: number): string {
    return byId.value.get(profileId)?.name ?? `Profile ${profileId}`;
  }

  function upsert(profile: Profile): Profile {
    const index = profiles.value.findIndex((p) => p.id === profile.id);
    if (index === -1) profiles.value.push(profile);
    else profiles.value.splice(index, 1, profile);
    return profile;
  }

  function load(): Promise<void> {
    return track(async () => {
      profiles.value = await callHelper('profiles.list', {});
    });
  }

  async function create(input: NewProfile): Promise<Profile> {
    const params: { name: string; uids?: number[]; usernames?: string[]; ageGroup?: AgeGroup } = { name: input.name };
    if (input.uids.length) params.uids = input.uids;
    if (input.usernames.length) params.usernames = input.usernames;
    if (input.ageGroup) params.ageGroup = input.ageGroup;
    return upsert(await callHelper('profiles.create', params));
  }

  async function rename(profileId: number, name: string): Promise<Profile> {
    return upsert(await callHelper('profiles.rename', { profile: profileId, name }));
  }

  async function remove(profileId: number): Promise<void> {
    await callHelper('profiles.delete', { profile: profileId });
    profiles.value = profiles.value.filter((p) => p.id !== profileId);
  }

  async function addAccount(profileId: number, account: { uid: number } | { username: string }): Promise<Profile> {
    return upsert(await callHelper('profiles.addAccount', { profile: profileId, ...account }));
  }

  async function removeAccount(profileId: number, uid: number): Promise<Profile> {
    return upsert(await callHelper('profiles.removeAccount', { profile: profileId, uid }));
  }

  async function setLimits(profileId: number, patch: LimitsPatch): Promise<Profile> {
    const limits = await callHelper('limits.set', { profile: profileId, limits: patch });
    const profile = byId.value.get(profileId);
    if (!profile) return upsert(await callHelper('profiles.get', { profile: profileId }));
    return upsert({ ...profile, limits, updatedAtMs: Date.now() });
  }

  /** Replaces the profile's time rules as a whole (timeRules.set). */
  async function setTimeRules(profileId: number, rules: TimeRules): Promise<Profile> {
    const time = await callHelper('timeRules.set', { profile: profileId, rules });
    const profile = byId.value.get(profileId);
    if (!profile) return upsert(await callHelper('profiles.get', { profile: profileId }));
    return upsert({ ...profile, limits: { ...profile.limits, time }, updatedAtMs: Date.now() });
  }

  async function refresh(profileId: number): Promise<Profile> {
    return upsert(await callHelper('profiles.get', { profile: profileId }));
  }

  /** Blocks a command name or absolute path; the helper resolves and hashes it. Returns what it resolved to. */
  async function blockApp(profileId: number, app: string): Promise<BlockedApp> {
    const blocked = await callHelper('apps.block', { profile: profileId, app });
    await refresh(profileId);
    return blocked;
  }

  async function unblockApp(profileId: number, app: string): Promise<void> {
    await callHelper('apps.unblock', { profile: profileId, app });
    await refresh(profileId);
  }

  return {
    profiles,
    sorted,
    byId,
    status,
    error,
    nameOf,
    load,
    create,
    rename,
    remove,
    addAccount,
    removeAccount,
    setLimits,
    setTimeRules,
    refresh,
    blockApp,
    unblockApp,
  };
});
