// The main window and everything that keeps it to the app's own page: context isolation, sandbox, no Node, the
// CSP on every response, no navigation, no new windows, no permissions.

import { BrowserWindow, session, type Session } from 'electron';
import { APP_INDEX_URL, APP_ORIGIN } from './app-protocol.js';
import { withCsp } from './csp.js';

export function hardenSession(target: Session = session.defaultSession): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders ?? {}) });
  });
  target.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}

export interface MainWindowOptions {
  preloadPath: string;
  iconPath: string;
  /** Close hides to the tray unless the app is quitting. */
  isQuitting(): boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 880,
    minHeight: 600,
    show: false,
    title: 'DOTS Family',
    icon: options.iconPath,
    backgroundColor: '#f4f6f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));

  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  void window.loadURL(APP_INDEX_URL);
  return window;
}

/** Shows the window on a view (a same-document hash change: the app keeps its state). */
export function showView(window: BrowserWindow, hash: `#/${string}`): void {
  const current = window.webContents.getURL();
  if (!current.startsWith(APP_ORIGIN)) void window.loadURL(`${APP_INDEX_URL}${hash}`);
  else void window.loadURL(`${current.split('#')[0]}${hash}`);
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
