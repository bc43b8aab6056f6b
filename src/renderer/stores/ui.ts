// Which view is shown (hash based: #/profiles/3, #/alerts/12), leave guards for unsaved edits, and the one confirm
// dialog. vue-router is not a dependency: five views and an optional id do not need it.

import { defineStore } from 'pinia';
import { ref } from 'vue';

export const VIEWS = ['dashboard', 'profiles', 'alerts', 'history', 'monitors'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_LABELS: Readonly<Record<ViewName, string>> = {
  dashboard: 'Dashboard',
  profiles: 'Profiles',
  alerts: 'Alerts',
  history: 'History',
  monitors: 'Monitors',
};

export interface Route {
  view: ViewName;
  /** profile id (profiles, history) or alert id (alerts); 'new' only for profiles. */
  id: number | 'new' | null;
}

export function parseHash(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, '').split('/');
  const name = (VIEWS as readonly string[]).includes(view ?? '') ? (view as ViewName) : 'dashboard';
  if (id === 'new' && name === 'profiles') return { view: name, id: 'new' };
  const number = id !== undefined && /^\d{1,15}$/.test(id) ? Number(id) : null;
  return { view: name, id: number !== null && number > 0 ? number : null };
}

export function formatHash(route: Route): string {
  return route.id === null ? `#/${route.view}` : `#/${route.view}/${route.id}`;
}

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  resolve: (ok: boolean) => void;
}

/** Returns true when leaving is fine; may ask the parent first. */
export type LeaveGuard = () => boolean | Promise<boolean>;

export const useUiStore = defineStore('ui', () => {
  const route = ref<Route>(parseHash(globalThis.location?.hash ?? ''));
  const confirmRequest = ref<ConfirmRequest | null>(null);
  const guards = new Set<LeaveGuard>();
  let listening = false;

  async function mayLeave(): Promise<boolean> {
    for (const guard of [...guards]) {
      if (!(await guard())) return false;
    }
    return true;
  }

  function sameRoute(a: Route, b: Route): boolean {
    return a.view === b.view && a.id === b.id;
  }

  /** Goes to `to` unless a guard refuses. Returns whether it went. */
  async function navigate(to: Route): Promise<boolean> {
    if (sameRoute(to, route.value)) return true;
    if (!(await mayLeave())) return false;
    route.value = to;
    const hash = formatHash(to);
    if (globalThis.location && globalThis.location.hash !== hash) globalThis.location.hash = hash;
    return true;
  }

  /** The hash changed outside navigate() (main opened an alert, or a link): same rules, or put the hash back. */
  async function onHashChange(): Promise<void> {
    const to = parseHash(globalThis.location.hash);
    if (sameRoute(to, route.value)) return;
    if (await mayLeave()) route.value = to;
    else globalThis.location.hash = formatHash(route.value);
  }

  function listen(): void {
    if (listening || !globalThis.addEventListener) return;
    listening = true;
    globalThis.addEventListener('hashchange', () => void onHashChange());
  }

  function addLeaveGuard(guard: LeaveGuard): () => void {
    guards.add(guard);
    return () => guards.delete(guard);
  }

  function confirm(request: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
    // A second request while one is open answers the first "no": one dialog at a time.
    confirmRequest.value?.resolve(false);
    return new Promise((resolve) => {
      confirmRequest.value = {
        ...request,
        resolve: (ok) => {
          confirmRequest.value = null;
          resolve(ok);
        },
      };
    });
  }

  return { route, confirmRequest, navigate, onHashChange, listen, addLeaveGuard, confirm, mayLeave };
});
