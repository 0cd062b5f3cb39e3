import { App } from 'antd';
import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { zhCN } from '../locales/zh-CN';

/**
 * While `dirty`, leaving the page (a link, back, a reload or closing the tab) asks first. Returns
 * `confirmDiscard`, for a form's own cancel or close: it resolves true when there is nothing to lose or the
 * user agrees to lose it.
 */
export function useUnsavedPrompt(dirty: boolean, message: string = zhCN.common.unsaved) {
  const { modal } = App.useApp();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    modal.confirm({
      title: message,
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, message, modal]);

  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  return (): Promise<boolean> =>
    dirty
      ? new Promise((done) =>
          modal.confirm({ title: message, onOk: () => done(true), onCancel: () => done(false) }),
        )
      : Promise.resolve(true);
}
