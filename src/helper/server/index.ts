export { startServer, DEFAULT_LIMITS, DEFAULT_PARENTS_GROUP, DEFAULT_SOCKET_MODE } from './server.js';
export { HelperError, PeerCredentialsError, SocketInUseError } from './errors.js';
export type {
  AuthorizeOptions,
  CallerIdentity,
  ChildProfile,
  Handler,
  HandlerTable,
  HelperServer,
  PeerCredentials,
  ServerLimits,
  ServerLogger,
  ServerOptions,
} from './types.js';
