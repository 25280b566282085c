import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useLocaleStore } from '../i18n/index.ts';
import { App } from './App.tsx';

/** The app shell: React, the dictionaries, the router and every page's route (loaded by main.tsx). */
export function mount(root: HTMLElement): void {
  document.documentElement.lang = useLocaleStore.getState().locale;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
