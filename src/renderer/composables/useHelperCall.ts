// One helper call's state for a view: loading, data, error. `run` may be called again (new params, retry); a
// response that arrives after a newer call started is dropped, so a slow old query never overwrites a new one.

import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { MethodName, ParamsOf, ResultOf } from '../../shared/protocol.js';
import { callHelper, describeError } from '../api/helper.js';

export interface HelperCall<M extends MethodName> {
  data: ShallowRef<ResultOf<M> | null>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  run(params: ParamsOf<M>): Promise<ResultOf<M> | null>;
}

export function useHelperCall<M extends MethodName>(method: M): HelperCall<M> {
  const data = shallowRef(null) as ShallowRef<ResultOf<M> | null>;
  const loading = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;

  async function run(params: ParamsOf<M>): Promise<ResultOf<M> | null> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const result = await callHelper(method, params);
      if (mine !== generation) return null;
      data.value = result;
      return result;
    } catch (caught) {
      if (mine === generation) error.value = describeError(caught);
      return null;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  return { data, loading, error, run };
}
