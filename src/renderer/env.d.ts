/// <reference types="vite/client" />
import type { DotsApi } from '../main/preload-api.js';

declare global {
  interface Window {
    /** The preload API: the renderer's only way to the helper. */
    readonly dots: DotsApi;
  }
}
