// The tray icon: unacknowledged alerts in the tooltip, Open / Alerts / Quit. Electron glue around tray-state.ts.

import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import path from 'node:path';
import type { TrayIcon, TrayPresentation } from './tray-state.js';

export interface TrayActions {
  open(): void;
  openAlerts(): void;
  quit(): void;
}

export class AppTray {
  private readonly tray: Tray;
  private readonly icons: Record<TrayIcon, NativeImage>;
  private shown: TrayPresentation | null = null;

  constructor(
    iconsDir: string,
    private readonly actions: TrayActions,
  ) {
    this.icons = {
      normal: nativeImage.createFromPath(path.join(iconsDir, 'tray-normal.png')),
      attention: nativeImage.createFromPath(path.join(iconsDir, 'tray-attention.png')),
      offline: nativeImage.createFromPath(path.join(iconsDir, 'tray-offline.png')),
    };
    this.tray = new Tray(this.icons.offline);
    this.tray.on('click', () => actions.open());
  }

  update(presentation: TrayPresentation): void {
    const previous = this.shown;
    this.shown = presentation;
    if (previous?.icon !== presentation.icon) this.tray.setImage(this.icons[presentation.icon]);
    if (previous?.tooltip !== presentation.tooltip) this.tray.setToolTip(presentation.tooltip);
    if (previous?.alertsLabel !== presentation.alertsLabel) {
      this.tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: 'Open DOTS Family', click: () => this.actions.open() },
          { label: presentation.alertsLabel, click: () => this.actions.openAlerts() },
          { type: 'separator' },
          { label: 'Quit', click: () => this.actions.quit() },
        ]),
      );
    }
  }

  destroy(): void {
    this.tray.destroy();
  }
}
