// Electron main: single instance, the window, the tray, notifications, and the helper connection behind IPC.
// Thin by design: decisions live in the plain modules next to this file, which have unit tests.

import { Notification, app, type BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../shared/client/helper-client.js';
import { AppCore } from './app-core.js';
import { helperEntryPath, iconsDir, rendererRoot, type AppLocation } from './app-paths.js';
import { HelperConnection } from './helper-connection.js';
import { decideHelperStart, type LauncherEnvironment } from './helper-launcher.js';
import { socketPathFrom } from './helper-paths.js';
import { startHelperWithPrompt } from './helper-start.js';
import { registerIpc } from './ipc.js';
import type { Notice } from './notifications.js';
import { registerAppScheme, serveAppScheme } from './protocol-handler.js';
import { AppTray } from './tray.js';
import { trayPresentation } from './tray-state.js';
import { createMainWindow, hardenSession, showView } from './window.js';

const here = path.dirname(fileURLToPath(import.meta.url));

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void run();
}

async function run(): Promise<void> {
  await app.whenReady();

  const location: AppLocation = {
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
  };
  const icons = iconsDir(location);
  const launcher: LauncherEnvironment = {
    fileExists: existsSync,
    executablePath: process.execPath,
    helperEntryPath: helperEntryPath(location),
  };

  let quitting = false;
  let window: BrowserWindow | null = null;

  hardenSession();
  serveAppScheme(rendererRoot(location));

  const connection = new HelperConnection({
    socketPath: socketPathFrom(process.env),
    connect: (socketPath) => connect(socketPath),
    startAdvice: () => decideHelperStart(launcher),
  });

  const openWindow = (hash: `#/${string}` | null = null): BrowserWindow => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({
        preloadPath: path.join(here, 'preload.cjs'),
        iconPath: path.join(icons, 'app-256.png'),
        isQuitting: () => quitting,
      });
    }
    if (hash) showView(window, hash);
    else {
      window.show();
      window.focus();
    }
    return window;
  };

  const tray = new AppTray(icons, {
    open: () => openWindow(),
    openAlerts: () => openWindow('#/alerts'),
    quit: () => app.quit(),
  });
  const refreshTray = () => tray.update(trayPresentation(core.alerts.tally.count, connection.state.state));

  const notify = (notice: Notice) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      urgency: notice.urgency,
      icon: path.join(icons, 'app-256.png'),
    });
    notification.on('click', () => openWindow(notice.alertId === null ? '#/alerts' : `#/alerts/${notice.alertId}`));
    notification.show();
  };

  const core = new AppCore({
    connection,
    startHelper: () => startHelperWithPrompt(launcher),
    notify,
    alertsChanged: () => refreshTray(),
  });
  connection.onState(() => refreshTray());
  registerIpc(core, () => window);

  app.on('second-instance', () => openWindow());
  app.on('activate', () => openWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  // The tray keeps the app alive with no window; Quit in the tray menu ends it.
  app.on('window-all-closed', () => undefined);
  app.on('will-quit', () => {
    tray.destroy();
    void connection.stop();
  });

  refreshTray();
  connection.start();
  openWindow();
}
