// Where an installed helper keeps its database and listens. Helper, CLI and desktop app agree on these here; the
// packaged systemd unit uses the same paths ($DOTS_SOCKET / $DOTS_DB and command-line flags override them).
export const DEFAULT_SOCKET_PATH = '/run/dots-family/helper.sock';
export const DEFAULT_DB_PATH = '/var/lib/dots-family/dots.db';
