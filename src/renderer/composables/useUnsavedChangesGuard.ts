// Asks before leaving a view (or switching profile) while a form has unsaved edits.

import { getCurrentScope, onScopeDispose, type Ref } from 'vue';
import { useUiStore } from '../stores/ui.js';

export function useUnsavedChangesGuard(isDirty: Ref<boolean>, what = 'this profile'): () => Promise<boolean> {
  const ui = useUiStore();
  const confirmLeave = async (): Promise<boolean> => {
    if (!isDirty.value) return true;
    return ui.confirm({
      title: 'Discard unsaved changes?',
      message: `You changed ${what} but did not save. Leave and lose those changes?`,
      confirmLabel: 'Discard changes',
    });
  };
  const remove = ui.addLeaveGuard(confirmLeave);
  if (getCurrentScope()) onScopeDispose(remove);
  return confirmLeave;
}
