// The one protocol between the helper and its clients (CLI, Electron main, renderer through the preload).
// Node-free: no `node:` imports anywhere under src/shared/protocol*, so the renderer can import it too.

export * from './protocol/errors.js';
export * from './protocol/framing.js';
export * from './protocol/domain.js';
export * from './protocol/params.js';
export * from './protocol/push.js';
export * from './protocol/methods.js';
export * from './protocol/event-rows.js';
export * from './protocol/envelope.js';
